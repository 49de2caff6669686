"""Real-browser tests: the public site as a reader uses it, in Chromium driven by Playwright.

The pages are served by pytest-django's ``live_server``, which runs in another thread with its
own database connection: it cannot see data inside a test's transaction. So these tests use
``transactional_db`` (committed data, the tables flushed after each test) and load the article's
records themselves.

They need Debian's Chromium (``/usr/bin/chromium``; Playwright's own browser download is not
used) and the ``playwright`` package; without either the module skips, and CI (``.ci/run``)
fails if it did.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import article_fixture_files

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path("/tmp")  # noqa: S108 - where the brief wants failure screenshots
TIMEOUT_MS = 10_000
PERSIAN_DIGITS = re.compile("[۰-۹]")

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Page, expect, sync_playwright
except ImportError as import_error:
    pytest.skip(
        f"browser tests need Playwright ({import_error}): pip install -r requirements-dev.txt",
        allow_module_level=True,
    )

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an asyncio loop running in this thread; Django's database calls
    # (the fixture loads, the flush after each test) would refuse to run beside it. They are not
    # async code, so allow them, for this module only.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.skip(f"Chromium at {CHROMIUM} does not start under Playwright: {error}")
        yield chromium
        chromium.close()


@pytest.fixture
def archive_data(transactional_db):
    """The article's records, committed so the live server's thread sees them."""
    call_command("loaddata", *article_fixture_files(), verbosity=0)


@pytest.fixture
def page(request, browser, live_server, archive_data) -> Page:
    """A fresh page (own cookies) on the live server; a screenshot in /tmp if the test fails."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    failed_before = request.session.testsfailed
    started = time.monotonic()
    yield tab
    if request.session.testsfailed > failed_before:
        path = SCREENSHOTS / f"browser-{request.node.name}.png"
        try:
            tab.screenshot(path=str(path), full_page=True)
            print(f"\nscreenshot of the failed page ({tab.url}): {path}")
        except PlaywrightError as error:
            print(f"\nno screenshot: {error}")
    context.close()
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"{request.node.name} took {elapsed:.1f} s in the browser (budget 20 s)"


def set_field(field, value: str) -> None:
    """Type into a text field, or choose the option with that value in a select."""
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(value=value)
    else:
        field.fill(value)


def test_search_filter_open_record_and_read_its_sources(page: Page):
    page.goto("/en/")
    page.get_by_role("search").get_by_role("searchbox").fill("Tabriz")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/en/search/\?q=Tabriz"))
    expect(page.locator("main h2").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tabriz")

    page.get_by_role("navigation", name="Record types").get_by_role("link", name="Protests").click()
    expect(page).to_have_url(re.compile(r"/en/protests/$"))
    filters = page.get_by_role("form", name="Filters")
    set_field(filters.locator("[name=place]"), "place-tabriz")
    set_field(filters.locator("[name=date_from]"), "2020-10-01")
    set_field(filters.locator("[name=date_to]"), "2020-10-31")
    filters.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"place=place-tabriz"))
    expect(page).to_have_url(re.compile(r"date_from=2020-10-01"))
    expect(page.locator("[role=alert]")).to_have_count(0)
    records = page.locator("ol.records > li")
    expect(records.first).to_be_visible()
    expect(records.first).to_contain_text("October 2020")

    # The article's only October 2020 protest in Tabriz: its sources quote the article's own words.
    link = records.first.get_by_role("link")
    title = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(r"/en/protests/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    citation = page.locator("ol.citations > li").first
    expect(citation.get_by_role("link").first).to_have_attribute("href", re.compile(r"^/en/sources/"))
    expect_quoted_passage(citation)

    # Its place, Tabriz, is also cited to a footnote of the article: follow it there.
    page.get_by_role("main").get_by_role("link", name="Tabriz", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/places/place-tabriz/$"))
    expect(page.get_by_role("heading", name="Sources", exact=True)).to_be_visible()
    footnoted = page.locator("ol.citations > li").filter(has_text=re.compile(r"footnote \d+"))
    expect(footnoted.first).to_be_visible()
    expect(footnoted.first.get_by_role("link").first).to_have_attribute("href", re.compile(r"^/en/sources/"))
    expect_quoted_passage(footnoted.first)


def expect_quoted_passage(citation) -> None:
    quote = citation.locator("blockquote")
    expect(quote).to_be_visible()
    assert len(quote.inner_text().strip()) > 10, quote.inner_text()


def test_language_switcher_gives_persian_rtl_with_solar_hijri_dates(page: Page):
    page.goto("/en/protests/")
    record_url = page.locator("ol.records > li a").first.get_attribute("href")
    page.goto(record_url)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    public_id = record_url.rstrip("/").rsplit("/", 1)[-1]

    page.locator("form.language-switcher select[name=language]").select_option("fa")
    page.locator("form.language-switcher button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/fa/protests/{re.escape(public_id)}/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"

    page.goto("/fa/protests/")
    expect(page.locator("html[dir=rtl]")).to_have_count(1)
    dates = page.locator("ol.records .date")
    expect(dates.first).to_be_visible()
    text = " ".join(dates.all_inner_texts())
    assert "۱۳۹۹" in text, text
    assert PERSIAN_DIGITS.search(text), text


def test_withdrawn_record_answers_410_with_its_reason(page: Page):
    from archive.models import Status
    from tests.factories import ProtestFactory

    reason = "Merged into another record after the sources were re-read."
    withdrawn = ProtestFactory(status=Status.WITHDRAWN, withdrawn_reason=reason)

    response = page.goto(f"/en/protests/{withdrawn.public_id}/")
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("This record was withdrawn")
    expect(page.locator("main")).to_contain_text(reason)
    expect(page.locator("main")).to_contain_text(withdrawn.public_id)


def test_home_page_renders_the_archive_at_a_glance(page: Page):
    response = page.goto("/en/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    counts = page.locator(".counts-grid")
    expect(counts).to_be_visible()
    protests = counts.get_by_role("link").filter(has_text="Protests")
    expect(protests).to_have_count(1)
    assert int(protests.locator(".count").inner_text()) > 0
    protests.click()
    expect(page).to_have_url(re.compile(r"/en/protests/$"))
    page.go_back()

    # Each chart is drawn wide and narrow; CSS shows one of them (the other is out of the accessibility tree).
    # A chart is a named group (its bars and dots are links, which an image may not hold) with a text
    # alternative a screen reader announces.
    charts = page.locator("main svg[role=group]").locator("visible=true")
    assert charts.count() == 4, "two timelines, protests by city and the map"
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        expect(chart).to_have_accessible_name(re.compile(r"\w"))
        expect(chart).to_have_accessible_description(re.compile(r"\w"))


def test_keyboard_reaches_the_search_box_with_visible_focus(page: Page):
    page.goto("/en/")
    first_nav_link = page.get_by_role("navigation", name="Record types").get_by_role("link").first
    nav_link_outline = None
    for _ in range(30):
        page.keyboard.press("Tab")
        if first_nav_link.evaluate("el => el === document.activeElement"):
            nav_link_outline = first_nav_link.evaluate(
                """el => {
                    const style = getComputedStyle(el);
                    return {visible: el.matches(':focus-visible'), style: style.outlineStyle,
                            width: parseFloat(style.outlineWidth)};
                }"""
            )
        if page.evaluate("document.activeElement && document.activeElement.id") == "q":
            break
    else:
        pytest.fail("30 presses of Tab never reached the search box")
    assert nav_link_outline is not None, "Tab skipped the first navigation link"
    assert nav_link_outline["visible"], nav_link_outline
    assert nav_link_outline["style"] != "none" and nav_link_outline["width"] >= 1, nav_link_outline
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("Tabriz")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/search/\?q=Tabriz"))

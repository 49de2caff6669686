"""The admin in a real browser (Chromium via Playwright): the live date preview under the strict CSP (#14).

Shares the browser fixtures of tests/test_browser.py (skips, like it, without Chromium or Playwright;
CI runs it)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from playwright.sync_api import expect

from archive import registry
from tests.test_browser import archive_data, browser, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_typed_solar_hijri_date_previews_in_both_calendars_before_saving(page):  # noqa: F811
    User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/?next=/admin/archive/protest/add/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/archive/protest/add/")
    date = page.locator("#id_date_text")
    date.fill("14 Aban 1399")
    preview = page.locator("#id_date_text-preview")
    expect(preview).to_contain_text("4 November 2020")
    expect(preview).to_contain_text("آبان")
    date.fill("Octobre 2020")
    expect(preview).to_have_class(re.compile("errornote"))
    expect(preview).to_contain_text("“Octobre 2020”")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def _sign_in(page, next_url: str) -> None:  # noqa: F811
    User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_a_typed_claimant_suggests_its_kind_until_the_archivist_chooses(page):  # noqa: F811
    _sign_in(page, "/admin/archive/protest/add/")
    page.locator(".inline-group", has=page.locator("input[name$='-claimant']")).locator(".add-row a").first.click()
    claimant = page.locator("input[name$='-claimant']:not([name*='__prefix__'])").first
    kind = page.locator("select[name$='-claimant_kind']:not([name*='__prefix__'])").first
    claimant.fill("the organizers")
    expect(kind).to_have_value("activists")
    expect(page.locator(".claimant-kind-suggestion").first).to_contain_text("suggested")
    claimant.fill("Amnesty International")
    expect(kind).to_have_value("rights_group")  # still a suggestion: it follows the words
    kind.select_option("media")  # the archivist's choice
    claimant.fill("the organizers")
    page.wait_for_timeout(600)
    expect(kind).to_have_value("media")


WIDTH = 1366
OVERFLOW = """() => [document.documentElement, ...document.querySelectorAll('#changelist .results, .inline-group')]
    .filter(el => el.scrollWidth > el.clientWidth + 1)
    .map(el => (el.id || el.className || el.tagName) + ' ' + el.scrollWidth + '>' + el.clientWidth)"""


@pytest.mark.parametrize("record_type", [t.key for t in registry.TYPES])
def test_lists_and_forms_fit_1366_px_in_english_and_persian(page, record_type):  # noqa: F811
    """No sideways scrolling for an archivist on a laptop: the list with its filters (status column included)
    and the change form of the type's record with the most parts, left to right and right to left."""
    model = registry.get(record_type).model
    record = max(model.objects.all(), key=lambda r: sum(1 for _ in _parts_of(r)))
    _sign_in(page, "/admin/")
    for language in ("en", "fa"):
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url.split("/admin/")[0] + "/"}]
        )
        for url in (
            f"/admin/archive/{model._meta.model_name}/",
            f"/admin/archive/{model._meta.model_name}/{record.pk}/change/",
        ):
            page.goto(url)
            assert page.evaluate("document.documentElement.lang") == language
            assert page.evaluate(OVERFLOW) == [], f"{url} in {language}"


def _parts_of(record):
    for relation in record._meta.related_objects:
        accessor = relation.get_accessor_name()
        if accessor and hasattr(record, accessor) and (relation.one_to_many or relation.many_to_many):
            yield from getattr(record, accessor).all()[:20]
    yield from record.citations.all()

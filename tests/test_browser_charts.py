"""A list's pictures in a real browser: the picture drawn for the screen's width is the one shown, its text
legible, the base map drawn under the dots, and following a bar or a dot lists as many records as it counts.

Reuses tests/test_browser.py's fixtures (Debian's Chromium under Playwright, the article on the live server);
skips as that module does when either is missing."""

import re

import pytest

from tests import test_browser as shared

pytestmark = pytest.mark.django_db(transaction=True)

browser, archive_data, page = shared.browser, shared.archive_data, shared.page

PERSIAN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def shown_total(page) -> int:
    """The list's result count, as the page writes it (Persian digits on /fa/)."""
    text = page.locator(".result-count").inner_text().translate(PERSIAN)
    return int(re.search(r"\d+", text).group())


def count_in(link) -> int:
    """The count a bar's or a dot's tooltip gives: "October 2020: 5 records (…)", "Tabriz: 4 protests"."""
    title = link.locator("title").text_content().translate(PERSIAN)
    return int(re.search(r": (\d+)", title).group(1))


@pytest.mark.parametrize(("lang", "width"), [("en", 1366), ("fa", 390)])
def test_the_protest_list_shows_its_timeline_and_map_and_their_links_keep_their_word(page, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/{lang}/protests/?kind=rally")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    size = "wide" if width > 600 else "narrow"
    timeline = page.locator(f"svg.chart-svg-{size}[aria-labelledby^=list-timeline]")
    place_map = page.locator(f"svg.chart-svg-{size}[aria-labelledby^=list-map]")
    other = "narrow" if size == "wide" else "wide"
    assert page.locator(f".list-charts svg.chart-svg-{other}").evaluate_all(
        "svgs => svgs.every(svg => getComputedStyle(svg).display === 'none')"
    )
    for picture in (timeline, place_map):
        assert picture.is_visible()
        assert picture.bounding_box()["width"] <= width
    # Text at least 9 px tall on the screen, however the picture is scaled.
    smallest = place_map.locator("text.map-label").evaluate_all(
        "labels => Math.min(...labels.map(label => label.getBoundingClientRect().height))"
    )
    assert smallest >= 9
    countries = place_map.locator("path.map-country")
    assert countries.count() >= 4
    assert countries.first.bounding_box()["width"] > 0

    bar = timeline.locator("a.chart-bucket").last
    bar_total = count_in(bar)
    bar.locator("rect.chart-hit").click()
    assert "kind=rally" in page.url and "date_from=" in page.url
    assert shown_total(page) == bar_total

    page.go_back()
    dot = place_map.locator("a.map-place").last  # drawn last: the smallest dot, on top of any neighbour
    dot_total = count_in(dot)
    dot.locator("circle.map-hit").click()
    assert "kind=rally" in page.url and "place=" in page.url
    assert shown_total(page) == dot_total


PLACES_LIST = {"en": "Places", "az": "Yerlər", "fa": "مکان‌ها", "tr": "Yerler"}


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_more_places_than_dots_the_list_under_the_map_says_so_and_leads_to_every_place(page, lang, monkeypatch):
    """At phone and desktop width, in every language: with room for three dots only, the places' list under a
    map names the three and says how many more there are (in the reader's digits and direction), on the home page
    and folded under a list's map; the home page's sentence leads to the list of places."""
    from archive.charts import dotmap

    monkeypatch.setattr(dotmap, "MAX_DOTS", 3)  # the live server runs in this process
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for path, folded in ((f"/{lang}/", False), (f"/{lang}/protests/", True)):
            page.goto(path)
            more = page.locator(".chart-places-more").first
            if folded:
                more.locator("xpath=ancestor::details/summary").click()
            more.scroll_into_view_if_needed()
            assert more.is_visible()
            box = more.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
            text = more.inner_text()
            if lang == "fa":
                assert not re.search(r"[0-9]", text)  # the count in Persian digits
            assert int(re.search(r"\d+", text.translate(PERSIAN)).group()) >= 1
            assert more.evaluate("e => getComputedStyle(e).direction") == ("rtl" if lang == "fa" else "ltr")
            listed = more.locator("xpath=preceding-sibling::ul[1]/li")
            assert listed.count() >= 3 and listed.nth(0).is_visible()
            page_name = "list" if folded else "home"
            shot = f"/tmp/browser-more-places-{lang}-{width}-{page_name}.png"  # noqa: S108 - as test_browser's
            more.locator("xpath=..").screenshot(path=shot)  # the places' list and its sentence
    page.goto(f"/{lang}/")
    page.locator(".chart-places-more a").click()
    assert page.url.endswith(f"/{lang}/places/")
    assert page.locator("h1").inner_text() == PLACES_LIST[lang]

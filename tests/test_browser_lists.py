"""List pages in a real browser: never wider than a 360 px phone, and at 1366 px the filter column (its
organization menu included) sits beside the results without overlapping them, in both directions.

Reuses tests/test_browser.py's fixtures (Debian's Chromium under Playwright, the article on the live server);
skips as that module does when either is missing."""

import pytest

from tests import test_browser as shared

pytestmark = pytest.mark.django_db(transaction=True)

browser, archive_data, page = shared.browser, shared.archive_data, shared.page


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not on the page"
    return found


def right(b: dict) -> float:
    return b["x"] + b["width"]


@pytest.mark.parametrize("path", ["/en/statements/", "/fa/protests/"])
def test_a_list_never_scrolls_sideways_and_its_columns_never_overlap(page, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    side, results = box(page, ".list-side"), box(page, ".results")
    assert results["y"] >= side["y"] + side["height"], "on a phone the filters stack above the results"

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    side, results = box(page, ".list-side"), box(page, ".results")
    if path.startswith("/fa/"):
        assert right(results) <= side["x"], "right to left: the filters on the right, beside the results"
    else:
        assert right(side) <= results["x"], "the filters on the left, beside the results"
    for menu in ("select[name=organization]", "select[name=place]"):
        if page.locator(menu).count():
            control = box(page, menu)
            assert side["x"] <= control["x"] and right(control) <= right(side), f"{menu} stays in its column"

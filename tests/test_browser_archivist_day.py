"""An archivist's day in the admin, in a real browser at 1366 px, with an editor beside them (#14).

The archivist enters a protest dated in the Solar Hijri calendar, with a size claim and a citation, and
submits it; an editor publishes it and the public page shows it; the archivist imports a file of people
in which one row repeats a person of the article; the editor merges two people through the preview.
Every admin page on the way must fit 1366 px without sideways scrolling. A screenshot of each step is
kept in /tmp/archivist-day-<n>.png to look at.

Shares the browser fixtures of tests/test_browser.py (skips, like it, without Chromium or Playwright;
CI runs it).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from archive import models
from tests import factories
from tests.test_browser import SCREENSHOTS, TIMEOUT_MS, archive_data, browser  # noqa: F401 - fixtures
from tests.test_browser_admin import OVERFLOW, WIDTH

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-12345!x"  # tests.factories.user_in_role's
BUDGET_S = 90  # the whole walk, two people and a dozen pages
PROTEST_TITLE = "Rally at the Tabriz bazaar for Karabakh"
NEW_PERSON = "Rəhim Qaradağlı"  # not in the article
ARTICLE = "Iran's Influence on Regional Processes"  # the article's own source, chosen by autocomplete
CITATIONS = "archive-citation-content_type-object_id"  # the citations inline's prefix


@pytest.fixture
def day(request, browser, live_server, archive_data):  # noqa: F811
    """Opens a signed-in tab per user (own cookies); the walk has BUDGET_S seconds in the browser."""
    contexts = []

    def sign_in(user) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": WIDTH, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = context.new_page()
        tab.goto("/admin/login/?next=/admin/")
        tab.fill("#id_username", user.username)
        tab.fill("#id_password", PASSWORD)
        tab.click("input[type=submit]")
        expect(tab.locator("#user-tools")).to_contain_text(user.username)
        return tab

    failed_before = request.session.testsfailed
    started = time.monotonic()
    yield sign_in
    if request.session.testsfailed > failed_before:
        for number, context in enumerate(contexts):
            for tab in context.pages:
                path = SCREENSHOTS / f"browser-{request.node.name}-{number}.png"
                tab.screenshot(path=str(path), full_page=True)
                print(f"\nscreenshot of the failed walk ({tab.url}): {path}")
    for context in contexts:
        context.close()
    elapsed = time.monotonic() - started
    print(f"\nthe archivist's day took {elapsed:.1f} s in the browser")
    assert elapsed < BUDGET_S, f"the walk took {elapsed:.1f} s in the browser (budget {BUDGET_S} s)"


def fits(page: Page) -> None:
    """No sideways scrolling: the document, a list's results and each inline fit the window."""
    page.wait_for_load_state()
    assert page.evaluate(OVERFLOW) == [], f"{page.url} scrolls sideways at {WIDTH} px"


def screenshot(page: Page, step: int | str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"archivist-day-{step}.png"), full_page=True)


def apart(box, beside) -> None:
    """What a script shows beside a box keeps a gap from it (left to right)."""
    box_right = box.bounding_box()["x"] + box.bounding_box()["width"]
    assert beside.bounding_box()["x"] >= box_right + 4, "touches the box it belongs to"


def pick(page: Page, select: str, typed: str, choice: str | re.Pattern) -> None:
    """Choose `choice` in the select2 autocomplete of the `select` (a CSS selector) after typing `typed`: it must
    come first (an exact name first)."""
    field = page.locator(f"{select} + .select2")
    field.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    options = page.locator(".select2-container--open .select2-results__option")
    expect(options.first).to_have_text(choice)
    options.first.click()
    expect(field.locator(".select2-selection")).to_contain_text(choice)


def run_action(page: Page, action: str, *record_names: str) -> None:
    for name in record_names:
        page.get_by_role("checkbox", name=f"Select this object for an action - {name}", exact=True).check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()


def test_an_archivists_day_in_the_admin_at_1366_px(day):
    archivist = factories.user_in_role("Archivist", "arzu")
    editor = factories.user_in_role("Editor", "elchin")
    velayati = models.Person.objects.get(public_id="person-ali-akbar-velayati")
    spelled_apart = factories.PersonFactory(name="Əli Əkbər Velayəti", name_language_id="az-Latn")  # not his
    factories.CitationFactory(record=spelled_apart, source=models.Source.objects.get(title__startswith=ARTICLE))

    desk = day(archivist)
    protest = enter_a_protest(desk)
    submit_it(desk, protest)
    review = day(editor)
    publish_it(review, protest)
    import_people_with_a_duplicate(desk)
    merge_two_people(review, keep=velayati, merge=spelled_apart)


def enter_a_protest(desk: Page) -> models.Protest:
    """Step 1: a protest dated in the Solar Hijri calendar, placed by the picker, with a size claim and a citation."""
    desk.goto("/admin/archive/protest/add/")
    fits(desk)
    desk.fill("#id_title", PROTEST_TITLE)
    desk.select_option("#id_kind", "rally")
    pick(desk, "#id_places", "Təbriz", "Tabriz")
    desk.fill("#id_date_text", "14 Aban 1399")
    expect(desk.locator("#id_date_text-preview")).to_contain_text("4 November 2020")
    apart(desk.locator("#id_date_text"), desk.locator("#id_date_text-preview"))

    claims = desk.locator(".inline-group#size_claims-group")
    claims.locator(".add-row a").click()
    claim = claims.locator(".inline-related:not(.empty-form)").first
    claim.locator("input[name$='-words']").fill("hundreds")
    claim.locator("input[name$='-low']").fill("100")
    claim.locator("input[name$='-claimant']").fill("the organizers")
    expect(claim.locator("select[name$='-claimant_kind']")).to_have_value("activists")
    apart(claim.locator("select[name$='-claimant_kind']"), claim.locator(".claimant-kind-suggestion"))

    citations = desk.locator(f".inline-group#{CITATIONS}-group")
    citations.locator(".add-row a").click()
    citation = citations.locator(".inline-related:not(.empty-form)").first
    pick(desk, f"#id_{CITATIONS}-0-source", "Iran's Influence", re.compile(re.escape(ARTICLE)))
    citation.locator("input[name$='-footnote']").fill("16")
    citation.locator("textarea[name$='-quote']").fill("On October 18, the second big demonstration took place")
    fits(desk)
    screenshot(desk, 1)
    desk.locator("input[name=_continue]").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("was added successfully")
    fits(desk)

    public_id = desk.locator("#id_public_id").input_value()
    assert public_id == "protest-2020-11-04-rally-at-the-tabriz-bazaar-for-karabakh"
    protest = models.Protest.objects.get(public_id=public_id)
    assert protest.date_start.isoformat() == "2020-11-04" and protest.status == models.Status.DRAFT
    assert [p.public_id for p in protest.places.all()] == ["place-tabriz"]
    claim_row = protest.size_claims.get()
    assert (claim_row.words, claim_row.low, claim_row.claimant_kind) == ("hundreds", 100, "activists")
    assert protest.citations.get().footnote == 16
    return protest


def submit_it(desk: Page, protest: models.Protest) -> None:
    desk.goto("/admin/archive/protest/?q=Tabriz+bazaar")
    fits(desk)
    run_action(desk, "submit_for_review", protest.title)
    expect(desk.locator(".messagelist .success")).to_contain_text("1 submitted for review.")
    fits(desk)
    protest.refresh_from_db()
    assert protest.status == models.Status.IN_REVIEW


def publish_it(review: Page, protest: models.Protest) -> None:
    """Step 2: the editor publishes what the archivist made (the two-person rule), and the public reads it."""
    review.goto("/admin/archive/protest/?status__exact=in_review")
    fits(review)
    run_action(review, "publish", protest.title)
    expect(review.locator(".messagelist .success")).to_contain_text("1 published.")
    fits(review)
    protest.refresh_from_db()
    assert protest.status == models.Status.PUBLISHED
    review.goto(f"/en/protests/{protest.public_id}/")
    expect(review.get_by_role("heading", level=1)).to_have_text(protest.title)
    main = review.get_by_role("main")
    expect(main).to_contain_text("4 November 2020")
    expect(main).to_contain_text("“hundreds”")
    expect(main).to_contain_text("the organizers")
    fits(review)
    screenshot(review, 2)


def import_people_with_a_duplicate(desk: Page) -> None:
    """Step 3: one row repeats a person of the article (flagged, skipped), one is new (imported as a draft)."""
    before = models.Person.objects.count()
    desk.goto("/admin/archive/person/import/")
    fits(desk)
    csv = f"name,description\nJavad Heyat,Editor of Varlıq\n{NEW_PERSON},A poet from Qaradağ\n".encode()
    desk.set_input_files("#id_import_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": csv}])
    desk.select_option("#id_format", label="csv")
    desk.locator("input[type=submit][value=Submit]").click()
    warning = desk.locator(".messagelist .warning")
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("probable duplicate of person-javad-heyat")
    expect(warning.get_by_role("link")).to_have_attribute("href", re.compile(r"/admin/archive/person/\d+/change/"))
    new_row = desk.locator("table.import-preview tr.new")
    expect(new_row).to_have_count(1)
    expect(new_row).to_contain_text(NEW_PERSON)
    previewed_id = new_row.locator("td").nth(1).inner_text().strip()
    fits(desk)
    screenshot(desk, 3)
    desk.get_by_role("button", name="Confirm import").click()
    expect(desk.locator(".messagelist .success")).to_contain_text("Imported: added 1 and updated 0 people")
    fits(desk)

    assert models.Person.objects.count() == before + 1
    assert models.Person.objects.filter(name="Javad Heyat").count() == 1
    imported = models.Person.objects.get(name=NEW_PERSON)
    assert imported.status == models.Status.DRAFT and imported.description == "A poet from Qaradağ"
    assert imported.public_id == previewed_id, "the preview showed another id than the one written"


def merge_two_people(review: Page, *, keep: models.Person, merge: models.Person) -> None:
    """Step 4: the editor chooses the record to keep, reads the preview, then merges."""
    citations = keep.citations.count() + merge.citations.count()
    review.goto("/admin/archive/person/?q=Ali+Akbar")
    fits(review)
    run_action(review, "merge_selected", keep.name, merge.name)
    expect(review.get_by_role("heading", level=1)).to_have_text("Merge duplicates")
    expect(review.locator(".breadcrumbs").get_by_role("link", name="People")).to_be_visible()
    fits(review)
    screenshot(review, "4-choose")
    review.locator(f"input[name=survivor][value='{keep.pk}']").check()
    review.fill("#id_reason", "One man, two spellings")
    review.get_by_role("button", name="Preview the merge").click()
    expect(review.get_by_role("heading", level=1)).to_have_text("Merge preview")
    expect(review.locator(".breadcrumbs").get_by_role("link", name="People")).to_be_visible()
    expect(review.locator(".merge-aliases")).to_contain_text(
        f"{merge.name} [az-Latn]: becomes an alias of the record you keep"
    )
    fits(review)
    screenshot(review, 4)
    assert models.Person.objects.filter(pk=merge.pk).exists(), "the preview merged already"
    review.get_by_role("button", name="Merge", exact=True).click()
    expect(review.locator(".messagelist .success")).to_contain_text(f"Merged into {keep.name}.")
    fits(review)

    assert not models.Person.objects.filter(pk=merge.pk).exists()
    assert keep.other_names.filter(name=merge.name, language="az-Latn").exists()
    assert keep.citations.count() == citations
    # Both were published: the merged-away address points to the kept record.
    moved = review.request.get(f"/en/people/{merge.public_id}/", max_redirects=0)
    assert moved.status == 301
    assert moved.headers["location"].endswith(f"/en/people/{keep.public_id}/")

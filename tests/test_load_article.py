"""`make run` loads the article's records once: a second run keeps archivists' edits (issue #14)."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive import changes, models
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PROTEST = "protest-2020-09-29-ardabil-rally"


def load(*args) -> str:
    out = StringIO()
    call_command("load_article", *args, verbosity=0, stdout=out)
    return out.getvalue()


def edit_title(title: str) -> None:
    protest = models.Protest.objects.get(public_id=PROTEST)
    with changes.recording():
        protest.title = title
        protest.save()


def test_an_empty_archive_gets_the_article_and_its_search_entries():
    load()
    assert models.Protest.objects.get(public_id=PROTEST).title == "Rally in Ardabil in support of Azerbaijan"
    assert models.Place.objects.filter(public_id="place-tabriz").exists()
    assert models.SearchEntry.objects.exists()


def test_a_second_run_keeps_an_edited_title_and_says_why():
    load()
    edit_title("Rally in Ardabil (corrected by an archivist)")
    said = load()
    assert "not loaded again" in said
    assert models.Protest.objects.get(public_id=PROTEST).title == "Rally in Ardabil (corrected by an archivist)"


def test_any_record_even_a_draft_counts_as_an_archive_in_use():
    OrganizationFactory(name="A draft typed in by hand", status=models.Status.DRAFT)
    assert "not loaded again" in load()
    assert not models.Protest.objects.exists()


def test_force_reloads_the_article_on_purpose():
    load()
    edit_title("Changed")
    load("--force")
    assert models.Protest.objects.get(public_id=PROTEST).title == "Rally in Ardabil in support of Azerbaijan"

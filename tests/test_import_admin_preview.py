"""The admin's import preview: probable duplicates (skipped unless the archivist ticks the box, each linked to
the record it repeats) and the public ids of new rows (the preview shows the ids the confirmed import writes)."""

import re

import pytest
from django.urls import reverse

from archive import models
from tests.import_export_helpers import make_file, upload

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures

ROWS = [
    {"title": "Rally in Urmia", "kind": "rally", "date": "2020-10-04", "places": "Urmia"},
    {"title": "March in Tabriz", "kind": "march", "date": "October 2020", "places": "Tabriz"},
]
IMPORT = reverse("admin:archive_protest_import")
CONFIRM = reverse("admin:archive_protest_process_import")


def preview(client, rows=ROWS, **fields):
    return client.post(IMPORT, {"format": "0", "import_file": upload("rallies.csv", make_file(rows)), **fields})


def confirm(client, response):
    return client.post(CONFIRM, response.context["confirm_form"].initial)


def titled(title):
    return models.Protest.objects.filter(title=title)


def test_a_file_uploaded_twice_previews_its_rows_as_duplicates_and_adds_nothing(world, archivist, client):
    client.force_login(archivist)
    assert confirm(client, preview(client)).status_code == 302
    urmia = titled("Rally in Urmia").get()

    again = preview(client)
    assert again.status_code == 200
    page = again.content.decode()
    assert "2 rows skipped as probable duplicates" in page
    assert f"probable duplicate of {urmia.public_id}; skipped." in page
    link = reverse("admin:archive_protest_change", args=[urmia.pk])
    assert f'<a href="{link}">Open {urmia.public_id}</a>' in page
    assert confirm(client, again).status_code == 302
    assert titled("Rally in Urmia").count() == 1 and titled("March in Tabriz").count() == 1


def test_with_the_box_ticked_duplicates_are_created(world, archivist, client):
    client.force_login(archivist)
    confirm(client, preview(client))
    again = preview(client, create_duplicates="on")
    assert "probable duplicate" not in again.content.decode()
    assert confirm(client, again).status_code == 302
    assert titled("Rally in Urmia").count() == 2 and titled("March in Tabriz").count() == 2


def test_the_box_cannot_be_ticked_after_the_preview(world, archivist, client):
    """The confirm step does what the preview showed: its choices are signed with the stored file."""
    client.force_login(archivist)
    confirm(client, preview(client))
    again = preview(client)
    client.post(CONFIRM, {**again.context["confirm_form"].initial, "create_duplicates": "on"})
    assert titled("Rally in Urmia").count() == 1


def test_a_row_repeating_an_earlier_row_of_the_file_has_no_link(world, archivist, client):
    client.force_login(archivist)
    response = preview(client, rows=[ROWS[0], ROWS[0]])
    page = response.content.decode()
    assert "Row 2 (sheet row 3, counting the header as row 1): probable duplicate of" in page
    assert "Open " not in page  # the record it repeats does not exist yet
    assert confirm(client, response).status_code == 302
    assert titled("Rally in Urmia").count() == 1


def previewed_ids(response) -> list[str]:
    result = response.context["result"]
    column = result.diff_headers.index("public_id")
    return [re.sub(r"<[^>]+>", "", row.diff[column]).strip() for row in result.rows]


def test_the_preview_shows_the_public_ids_the_import_writes(world, archivist, client):
    client.force_login(archivist)
    response = preview(client)
    shown = previewed_ids(response)
    assert shown == ["protest-2020-10-04-rally-in-urmia", "protest-2020-10-march-in-tabriz"]  # readable ids
    assert not models.Protest.objects.filter(public_id__in=shown).exists()  # still a preview
    confirm(client, response)
    assert [titled(t).get().public_id for t in ("Rally in Urmia", "March in Tabriz")] == shown


def test_rows_that_repeat_records_on_purpose_get_the_next_free_ids(world, archivist, client):
    """Created anyway as duplicates, the same rows get ids of their own: the readable id and a number."""
    client.force_login(archivist)
    confirm(client, preview(client))
    again = preview(client, create_duplicates="on")
    assert previewed_ids(again) == ["protest-2020-10-04-rally-in-urmia-2", "protest-2020-10-march-in-tabriz-2"]
    confirm(client, again)
    assert set(titled("Rally in Urmia").values_list("public_id", flat=True)) == {
        "protest-2020-10-04-rally-in-urmia",
        "protest-2020-10-04-rally-in-urmia-2",
    }

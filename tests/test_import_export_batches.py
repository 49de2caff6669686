"""Rows are written a batch at a time: what each row writes must be what saving it alone would have.

Each test runs with batches of one row, of two, and of the default thousand, so a
row whose needs cross a batch boundary (a record an earlier row added, renamed
or wrote) is tried both ways.
"""

import pytest

from archive import models, search
from archive.resources import base, batch

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import TYPE_CASES, row_counts, run  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


@pytest.fixture(params=[1, 2, 1000], ids=["batches-of-1", "batches-of-2", "batches-of-1000"], autouse=True)
def batch_size(request, monkeypatch):
    monkeypatch.setattr(batch, "BATCH_SIZE", request.param)
    return request.param


def protest_row(title, **cells):
    return {"title": title, "kind": "rally", "date": "2020-10-18", **cells}


# --- history ------------------------------------------------------------------------------------------


def test_each_record_and_part_gets_one_history_row_with_user_and_file(world, archivist):
    rows = [
        protest_row(f"Batch rally {n}", places="Tabriz | Urmu", size_as_written="dozens", size_low="24")
        for n in range(5)
    ]
    assert run(models.Protest, rows, user=archivist, file_name="five.csv").ok
    protests = models.Protest.objects.filter(title__startswith="Batch rally ")
    history = models.Protest.history.filter(id__in=protests.values("pk"))
    claims = models.ProtestSizeClaim.history.filter(protest_id__in=protests.values("pk"))
    assert history.count() == claims.count() == 5
    for row in [*history, *claims]:
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "+",
            archivist,
            "Imported from five.csv",
        )


def test_history_keeps_each_records_relations_as_its_row_left_them(world):
    iran, tabriz = world["iran"], world["tabriz"]
    assert run(models.Protest, [protest_row("Snapshot", public_id="snap", places="Tabriz", organizers="GAMAC")]).ok
    assert run(models.Protest, [{"public_id": "snap", "places": "Tabriz | place-iran"}]).ok
    created, changed = models.Protest.objects.get(public_id="snap").history.order_by("history_id")
    assert created.history_type == "+" and changed.history_type == "~"
    assert [row.place_id for row in created.places.all()] == [tabriz.pk]
    assert sorted(row.place_id for row in changed.places.all()) == sorted([tabriz.pk, iran.pk])
    # Organizers were not in the second file: the snapshot still holds them, as a save would.
    assert [row.organization_id for row in changed.organizers.all()] == [world["gamac"].pk]


def test_a_relation_is_set_exactly_to_what_the_row_names(world):
    assert run(models.Protest, [protest_row("Moving", public_id="moving", places="Tabriz | Urmu")]).ok
    assert run(models.Protest, [{"public_id": "moving", "places": "place-iran"}]).ok
    assert [p.public_id for p in models.Protest.objects.get(public_id="moving").places.all()] == ["place-iran"]


def test_a_new_slogan_named_by_many_rows_is_added_once(world, archivist):
    rows = [protest_row(f"Chant {n}", slogans="Azadlıq! [az-Latn]") for n in range(4)]
    rows.append(protest_row("Chant 4", slogans="Azadlıq!"))  # without a language: the slogan the rows added
    report = run(models.Protest, rows, user=archivist)
    assert report.ok, report.messages
    slogan = models.Slogan.objects.get(text="Azadlıq!")
    assert slogan.protests.count() == 5
    assert [(h.history_type, h.history_user) for h in slogan.history.all()] == [("+", archivist)]


# --- rows that need what earlier rows wrote ------------------------------------------------------------


def test_a_row_can_name_a_record_an_earlier_row_adds(world):
    rows = [
        {"public_id": "place-nurduz", "name": "Nurduz", "kind": "village", "parent": "Urmia"},
        {"name": "Nurduz Bazaar", "kind": "site", "parent": "Nurduz"},
        {"name": "Nurduz Gate", "kind": "site", "parent": "place-nurduz"},
        {"name": "Nurdüz School", "kind": "site", "parent": "Nurdüz", "other_names": "Nurdüz Məktəbi [az-Latn]"},
    ]
    rows[0]["other_names"] = "Nurdüz [az-Latn]"
    report = run(models.Place, rows)
    assert report.ok, report.messages
    for name in ("Nurduz Bazaar", "Nurduz Gate", "Nurdüz School"):
        assert models.Place.objects.get(name=name).parent.public_id == "place-nurduz"


def test_a_row_can_relate_to_records_earlier_rows_add(world):
    rows = [
        {"title": "First letter", "form": "letter", "date": "2020-10"},
        {"title": "Reply", "form": "letter", "date": "2020-11", "about_statements": "First letter"},
        {"title": "Second reply", "form": "letter", "date": "2020-11", "about_statements": "First letter | Reply"},
    ]
    report = run(models.Statement, rows)
    assert report.ok, report.messages
    second = models.Statement.objects.get(title="Second reply")
    assert sorted(s.title for s in second.about_statements.all()) == ["First letter", "Reply"]
    assert sorted(s.title for s in models.Statement.objects.get(title="First letter").referenced_by.all()) == [
        "Reply",
        "Second reply",
    ]


def test_a_row_naming_a_record_by_the_name_an_earlier_row_gave_it_finds_it(world):
    models.Place.objects.filter(pk=world["tabriz"].pk).update(status=models.Status.DRAFT)
    rows = [
        {"public_id": "place-tabriz", "name": "Tabriz City", "kind": "city"},
        {"name": "Old Town", "kind": "site", "parent": "Tabriz City"},
    ]
    report = run(models.Place, rows)
    assert report.ok, report.messages
    assert models.Place.objects.get(name="Old Town").parent.public_id == "place-tabriz"


def test_a_row_naming_a_record_by_a_name_an_earlier_row_took_away_is_an_error(world):
    models.Place.objects.filter(pk=world["tabriz"].pk).update(status=models.Status.DRAFT)
    rows = [
        {"public_id": "place-tabriz", "name": "Tabriz City", "kind": "city"},
        {"name": "Old Town", "kind": "site", "parent": "Tabriz"},
    ]
    report = run(models.Place, rows)
    assert [(i.row, i.column) for i in report.issues] == [(2, "parent")]
    assert "No place has" in report.issues[0].message


def test_the_same_public_id_twice_is_an_error_and_writes_nothing(world, archivist):
    """Once the later row silently overwrote the earlier (issue #14); now the archivist chooses."""
    rows = [
        {"public_id": "person-twice", "name": "First Spelling"},
        {"public_id": "person-twice", "name": "Second Spelling", "other_names": "İkinci [az-Latn]"},
    ]
    before = row_counts()
    report = run(models.Person, rows, user=archivist)
    assert [(i.row, i.column) for i in report.issues] == [(2, "public_id")]
    assert "person-twice is also in row 1 (sheet row 2)" in report.issues[0].message
    assert row_counts() == before


def test_a_changed_record_keeps_its_creation_time_and_gets_a_new_updated_time(world):
    person = models.Person.objects.create(public_id="timed", name="Timed")
    assert run(models.Person, [{"public_id": "timed", "name": "Timed Again", "description": "now described"}]).ok
    after = models.Person.objects.get(pk=person.pk)
    assert (after.name, after.description, after.created) == ("Timed Again", "now described", person.created)
    assert after.updated > person.updated  # API mirrors sync on it
    assert after.history.order_by("history_id").last().updated == after.updated


def test_records_are_found_by_public_id_across_prefetch_windows(world, monkeypatch):
    monkeypatch.setattr(base, "PREFETCH_ROWS", 2)
    people = [models.Person.objects.create(public_id=f"window-{n}", name=f"Person {n}") for n in range(5)]
    rows = [{"public_id": p.public_id, "name": f"Renamed {n}"} for n, p in enumerate(people)]
    rows.insert(3, {"name": "Brand new"})
    report = run(models.Person, rows)
    assert report.ok, report.messages
    assert [models.Person.objects.get(public_id=p.public_id).name for p in people] == [f"Renamed {n}" for n in range(5)]
    assert (report.new, report.updated) == (1, 5)


# --- the search index and the API's sync --------------------------------------------------------------


def entries() -> dict:
    fields = ("record_type", "title", "names", "body", "text", "is_public", "date")
    return {
        (e.content_type_id, e.object_id): tuple(getattr(e, f) for f in fields) for e in models.SearchEntry.objects.all()
    }


@pytest.mark.parametrize("record_type", list(TYPE_CASES))
def test_new_records_are_indexed_as_a_rebuild_would_index_them(world, record_type):
    row = TYPE_CASES[record_type][0]
    assert run(record_type, [row, {**row, "public_id": "second-one"}]).ok
    written = entries()
    search.rebuild()
    assert written == entries()


def test_a_changed_record_is_reindexed_and_its_hidden_edit_is_not_told_to_mirrors(world):
    person = models.Person.objects.create(public_id="draft-person", name="Draft Person")
    arrest = models.Arrest.objects.create(person=person, date_start="2020-10-18")
    before = models.Arrest.objects.get(pk=arrest.pk).updated
    assert run(models.Person, [{"public_id": "draft-person", "name": "Renamed Person"}]).ok
    assert search.matching_ids(models.Person, "Renamed") == [person.pk]
    # Hidden before and after: as a save would not, the import leaves what shows the person untouched
    # (a changed `updated` would tell API mirrors when a hidden record was edited), and buries nothing.
    assert models.Arrest.objects.get(pk=arrest.pk).updated == before
    assert not models.Tombstone.objects.exists()


def test_the_write_path_buries_and_touches_for_bulk_writes_as_for_saves(world):
    """Imports never write a public record, but the write path they report to must not depend on it:
    a record written in bulk SQL that leaves public view is buried, and what shows it is touched."""
    from archive import changes

    person = world["person"]  # published
    arrest = models.Arrest.objects.create(person=person, date_start="2020-10-18")
    before = models.Arrest.objects.get(pk=arrest.pk).updated
    with changes.recording():
        changes.capture(models.Person, [person.pk])
        models.Person.objects.filter(pk=person.pk).update(status=models.Status.DRAFT)
        changes.records_changed(models.Person, [person.pk])
    assert models.Tombstone.objects.get(public_id=person.public_id).status == "unpublished"
    assert models.Arrest.objects.get(pk=arrest.pk).updated > before


def test_a_written_import_retires_cached_public_responses_and_a_dry_run_does_not(world):
    from archive import cache

    before = cache.generation()
    assert run(models.Person, [{"name": "Only Checked"}], dry_run=True).ok
    assert cache.generation() == before
    assert run(models.Person, [{"name": "Written"}]).ok
    assert cache.generation() != before


def test_a_dry_run_leaves_no_index_entries(world):
    before = row_counts()
    assert run(models.Person, [{"name": "Only Checked"}], dry_run=True).ok
    assert row_counts() == before


# --- what the database refuses --------------------------------------------------------------------------


def test_a_row_the_database_refuses_is_reported_on_its_row_and_nothing_is_written(world, monkeypatch):
    """A public id drawn for a new row that another writer took meanwhile: the database's unique
    index refuses the batch, which is written again row by row to name the row."""
    taken = models.Person.objects.create(public_id="drawn-twice", name="Already There").public_id
    drawn = iter(["fresh-one", taken, "fresh-two"])
    monkeypatch.setattr(base.public_ids, "readable", lambda record, also_taken=(): next(drawn))
    monkeypatch.setattr(batch.BatchWriter, "_unique_public_ids", lambda self, creates: None)  # the race
    before = row_counts()
    report = run(models.Person, [{"name": "One"}, {"name": "Two"}, {"name": "Three"}])
    assert row_counts() == before
    assert [issue.row for issue in report.issues] == [2]
    assert "could not be saved" in report.issues[0].message


def test_a_generated_public_id_taken_meanwhile_gets_another(world, monkeypatch):
    taken = models.Person.objects.create(public_id="drawn-twice", name="Already There").public_id
    drawn = iter([taken, taken, "fresh-one", "fresh-two"])  # as the rows are read, then as the batch is written
    monkeypatch.setattr(base.public_ids, "readable", lambda record, also_taken=(): next(drawn))
    report = run(models.Person, [{"name": "One"}, {"name": "Two"}])
    assert report.ok, report.messages
    ids = list(models.Person.objects.filter(name__in=["One", "Two"]).values_list("public_id", flat=True))
    assert len(set(ids)) == 2 and taken not in ids


def test_a_database_that_cannot_return_new_ids_from_an_insert_still_gets_everything(world, monkeypatch):
    """SQLite before 3.35 has no RETURNING: ids are read one insert at a time, history rows read back."""
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    rows = [protest_row(f"Old SQLite {n}", places="Tabriz | Urmu", size_as_written="dozens") for n in range(3)]
    assert run(models.Protest, rows).ok
    for protest in models.Protest.objects.filter(title__startswith="Old SQLite"):
        assert protest.size_claims.get().words == "dozens"
        assert sorted(row.place_id for row in protest.history.get().places.all()) == sorted(
            p.pk for p in protest.places.all()
        )

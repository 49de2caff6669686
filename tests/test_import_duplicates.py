"""A file imported twice adds nothing the second time: new rows repeating a record are probable duplicates."""

import io

import pytest
from django.core.management import call_command

from archive import models
from archive.imports import import_records
from tests import factories
from tests.import_export_helpers import make_file, world  # noqa: F401

PROTESTS = [
    {"title": "Rally in Urmia", "kind": "rally", "date": "2020-10-04", "places": "Urmia"},
    {"title": "Rally in Tabriz", "kind": "rally", "date": "October 2020", "places": "Tabriz"},
]


def test_a_file_imported_twice_adds_nothing_the_second_time(world):  # noqa: F811
    data = make_file(PROTESTS)
    first = import_records(models.Protest, data, file_name="p.csv")
    assert first.ok and first.new == 2
    second = import_records(models.Protest, data, file_name="p.csv")
    assert second.ok, second.messages
    assert second.new == 0
    assert models.Protest.objects.filter(title="Rally in Urmia").count() == 1
    urmia = models.Protest.objects.get(title="Rally in Urmia").public_id
    assert second.duplicates[0] == (1, urmia)
    assert (
        f"Row 1 (sheet row 2, counting the header as row 1): probable duplicate of {urmia}; skipped."
        in second.duplicate_notes
    )
    assert "2 rows skipped as probable duplicates" in second.summary()


def test_with_create_duplicates_they_are_created(world):  # noqa: F811
    data = make_file(PROTESTS)
    import_records(models.Protest, data, file_name="p.csv")
    again = import_records(models.Protest, data, file_name="p.csv", create_duplicates=True)
    assert again.new == 2 and not again.duplicates
    assert models.Protest.objects.filter(title="Rally in Urmia").count() == 2


def test_a_different_date_or_place_is_not_a_duplicate(world):  # noqa: F811
    import_records(models.Protest, make_file(PROTESTS), file_name="p.csv")
    rows = [
        {**PROTESTS[0], "date": "2020-10-05"},
        {**PROTESTS[0], "places": "Tabriz"},
        {**PROTESTS[0], "title": "  RALLY in urmia "},  # the same title, written differently
    ]
    report = import_records(models.Protest, make_file(rows), file_name="p.csv")
    assert report.new == 2
    assert [row for row, _id in report.duplicates] == [3]


def test_an_organization_is_found_by_an_other_name(world):  # noqa: F811
    gamac = world["gamac"]
    rows = [{"name": "güney azərbaycan milli azadlıq cəbhəsi", "kind": gamac.kind}]
    report = import_records(models.Organization, make_file(rows), file_name="o.csv")
    assert report.new == 0
    assert report.duplicates == [(1, "org-gamac")]


def test_a_new_rows_other_name_matching_a_record_is_a_duplicate(world):  # noqa: F811
    rows = [{"name": "Aliyev A.", "other_names": "Ali Aliyev [en]"}]
    report = import_records(models.Person, make_file(rows), file_name="p.csv")
    assert report.duplicates == [(1, "person-aliyev")]


def test_a_place_is_a_duplicate_only_under_the_same_parent(world):  # noqa: F811
    rows = [{"name": "Tabriz", "kind": "city", "parent": "place-iran"}, {"name": "Tabriz", "kind": "city"}]
    report = import_records(models.Place, make_file(rows), file_name="p.csv")
    assert report.duplicates == [(1, "place-tabriz")]
    assert report.new == 1


def test_two_rows_of_one_file_repeating_each_other(world):  # noqa: F811
    report = import_records(models.Protest, make_file([PROTESTS[0], PROTESTS[0]]), file_name="p.csv")
    assert report.new == 1
    assert report.duplicates[0][0] == 2


def test_a_row_with_a_public_id_is_never_a_duplicate(world):  # noqa: F811
    import_records(models.Protest, make_file(PROTESTS[:1]), file_name="p.csv")
    report = import_records(models.Protest, make_file([{**PROTESTS[0], "public_id": "protest-new"}]), file_name="p.csv")
    assert report.new == 1 and not report.duplicates


def test_the_command_skips_duplicates_unless_asked(world, tmp_path):  # noqa: F811
    path = tmp_path / "protests.csv"
    path.write_bytes(make_file(PROTESTS))
    call_command("import_records", "protests", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    err = io.StringIO()
    call_command("import_records", "protests", str(path), stdout=io.StringIO(), stderr=err)
    assert "probable duplicate of" in err.getvalue()
    assert models.Protest.objects.filter(title="Rally in Urmia").count() == 1
    call_command("import_records", "protests", str(path), "--create-duplicates", stdout=io.StringIO(), stderr=err)
    assert models.Protest.objects.filter(title="Rally in Urmia").count() == 2


@pytest.mark.parametrize("factory", ["ArrestFactory", "StatementFactory", "SourceFactory", "MediaOutletFactory"])
def test_every_type_has_an_identity(db, factory):
    from archive import registry

    assert registry.of(getattr(factories, factory)._meta.model).identity is not None

"""The `other_names_list` column: every other name of a record (name, language, kind, note) as a JSON list,
authoritative on import; the flat `other_names` column still adds names as it always did."""

import json

import pytest

from archive import models, registry
from archive.admin.history import part_changes
from archive.imports import export_records, import_records
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import FORMATS, make_file, row_counts  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures

NAMED = [t for t in registry.TYPES if t.part(registry.Names) is not None]
FACTORIES = {
    models.Person: factories.PersonFactory,
    models.Organization: factories.OrganizationFactory,
    models.MediaOutlet: factories.MediaOutletFactory,
    models.Place: factories.PlaceFactory,
}


@pytest.fixture
def urmia(world):
    """A draft place with three other names of different kinds, two with notes."""
    place = factories.PlaceFactory(public_id="place-urmu", name="Urmia", status=models.Status.DRAFT)
    former = place.other_names.create(name="Rezaiyeh", language_id="en", kind="former", note="Until 1979.")
    persian = place.other_names.create(name="ارومیه", language_id="fa", kind="native")
    variant = place.other_names.create(name="Urmu", language_id="az-Latn", note="Azerbaijani form.")
    return place, former, persian, variant


@pytest.fixture
def turkish(db):
    return factories.LanguageFactory(code="tr", name="Turkish")


def name(**fields) -> dict:
    return {"kind": "variant", "note": ""} | fields


def names_of(record) -> list[tuple]:
    return sorted((n.name, n.language_id, n.kind, n.note) for n in record.other_names.all())


def import_row(row, fmt="csv", **kwargs):
    return import_records(models.Place, make_file([row], fmt), file_name=f"names.{fmt}", fmt=fmt, **kwargs)


def test_every_type_with_other_names_is_covered():
    assert {t.model for t in NAMED} == set(FACTORIES)


def test_an_export_lists_every_other_name_with_every_field(urmia):
    place, *_ = urmia
    row = json.loads(export_records(models.Place.objects.filter(pk=place.pk), "json"))[0]
    assert json.loads(row["other_names_list"]) == [  # as the admin lists them: by language, then name
        {"name": "Urmu", "language": "az-Latn", "kind": "variant", "note": "Azerbaijani form."},
        {"name": "Rezaiyeh", "language": "en", "kind": "former", "note": "Until 1979."},
        {"name": "ارومیه", "language": "fa", "kind": "native", "note": ""},
    ]
    assert row["other_names"] == "Urmu [az-Latn] | Rezaiyeh [en] | ارومیه [fa]"  # for spreadsheets, as before
    tabriz = json.loads(export_records(models.Place.objects.filter(public_id="place-tabriz"), "json"))[0]
    assert tabriz["other_names_list"] == ""  # a record without other names


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("record_type", NAMED, ids=lambda t: t.key)
def test_export_then_import_gives_every_other_name_back_whole(world, record_type, fmt):
    record = FACTORIES[record_type.model](status=models.Status.DRAFT)
    record.other_names.create(name="GAMAC", language_id="en", kind="abbreviation", note="Used by Erk.")
    record.other_names.create(name="گاماج", language_id="fa", kind="transliteration")
    record.other_names.create(name="Güney", language_id="az-Latn", kind="former", note="=not a formula")
    names, public_id = names_of(record), record.public_id
    data = export_records(record_type.model.objects.filter(pk=record.pk), fmt)
    record.delete()

    report = import_records(record_type.model, data, file_name=f"export.{fmt}", fmt=fmt)

    assert report.ok and report.new == 1, report.messages
    assert len(names) == 3 and names_of(record_type.model.objects.get(public_id=public_id)) == names
    before = row_counts()
    again = import_records(record_type.model, data, file_name=f"export.{fmt}", fmt=fmt)
    assert again.ok and again.unchanged == 1 and row_counts() == before  # nothing twice


def test_the_list_is_authoritative_names_kept_updated_added_and_removed(urmia, turkish, archivist):
    place, former, persian, variant = urmia
    cell = [
        name(name="Rezaiyeh", language="en", kind="former", note="Until 1979."),  # unchanged
        name(name="ارومیه", language="fa", kind="Transliteration", note="On Persian maps."),  # kind by its label
        {"name": "Urmiye", "language": "TR"},  # new; no kind: a variant, as in the admin
    ]
    report = import_row({"public_id": "place-urmu", "other_names_list": json.dumps(cell)}, user=archivist)

    assert report.ok and report.updated == 1, report.messages
    assert names_of(place) == [
        ("Rezaiyeh", "en", "former", "Until 1979."),
        ("Urmiye", "tr", "variant", ""),
        ("ارومیه", "fa", "transliteration", "On Persian maps."),
    ]
    assert {n.pk for n in place.other_names.all()} >= {former.pk, persian.pk}  # kept in place
    assert not models.PlaceName.objects.filter(pk=variant.pk).exists()
    history = models.PlaceName.history.filter(history_user=archivist, history_change_reason="Imported from names.csv")
    assert sorted((h.name, h.history_type) for h in history) == [("Urmiye", "+"), ("Urmu", "-"), ("ارومیه", "~")]
    assert not models.PlaceName.history.filter(id=former.pk, history_type="~").exists()


def test_the_import_shows_in_the_records_history_as_its_claims_do(urmia, turkish, archivist):
    place, *_ = urmia
    cell = [
        name(name="Rezaiyeh", language="en", kind="former", note="Until 1979."),
        name(name="ارومیه", language="fa", kind="transliteration"),
        name(name="Urmiye", language="tr"),
    ]
    assert import_row({"public_id": "place-urmu", "other_names_list": json.dumps(cell)}, user=archivist).ok
    imported = [c for c in part_changes(place) if c.reason == "Imported from names.csv"]
    assert {(c.kind, c.part, c.label) for c in imported} == {
        ("added", "Other name of a place", "Urmiye [tr]"),
        ("changed", "Other name of a place", "ارومیه [fa]"),
        ("removed", "Other name of a place", "Urmu [az-Latn]"),
    }
    assert all(c.who == archivist for c in imported)
    changed = next(c for c in imported if c.kind == "changed")
    assert changed.changes == [{"field": "Kind", "old": "native script", "new": "transliteration"}]


def test_an_empty_list_removes_every_name_and_a_blank_cell_keeps_them(urmia):
    place, *_ = urmia
    assert import_row({"public_id": "place-urmu", "other_names_list": ""}).unchanged == 1
    assert place.other_names.count() == 3
    assert import_row({"public_id": "place-urmu", "other_names_list": "[]"}).updated == 1
    assert not place.other_names.exists()


def test_a_file_without_the_list_adds_names_as_before_and_changes_no_kind_or_note(urmia):
    place, *_ = urmia
    report = import_row({"public_id": "place-urmu", "other_names": "Urmu [az-Latn] | Urmiye [fa]"})
    assert report.ok and report.updated == 1, report.messages
    assert names_of(place) == [
        ("Rezaiyeh", "en", "former", "Until 1979."),
        ("Urmiye", "fa", "variant", ""),
        ("Urmu", "az-Latn", "variant", "Azerbaijani form."),
        ("ارومیه", "fa", "native", ""),
    ]


def test_flat_names_that_are_in_the_list_are_accepted(urmia):
    place, *_ = urmia
    cell = [name(name="Urmu", language="az-Latn", kind="transliteration"), name(name="ارومیه", language="fa")]
    row = {"public_id": "place-urmu", "other_names": "Urmu [AZ-latn]", "other_names_list": json.dumps(cell)}
    report = import_row(row)
    assert report.ok, report.messages
    assert names_of(place) == [("Urmu", "az-Latn", "transliteration", ""), ("ارومیه", "fa", "variant", "")]


def test_a_flat_name_missing_from_the_list_is_an_error_in_its_column(urmia):
    place, *_ = urmia
    before = names_of(place)
    cell = json.dumps([name(name="Urmu", language="az-Latn")])
    report = import_row(
        {"public_id": "place-urmu", "other_names": "Urmu [az-Latn] | Urmiye [fa]", "other_names_list": cell}
    )
    assert [(issue.row, issue.column, issue.message) for issue in report.issues] == [
        (
            1,
            "other_names",
            "“Urmiye [fa]” is not in other_names_list. When a row has other_names_list, leave other_names empty "
            "or make it agree with it.",
        )
    ]
    assert names_of(place) == before


BAD_CELLS = [
    ("[{name: Urmu}]", "“[{name: Urmu}]” is not a JSON list of other names; write e.g. [{"),
    ('{"name": "Urmu"}', '“{"name": "Urmu"}” is not a JSON list of other names'),
    (
        '[{"name": "Urmu", "language": "az-Latn", "script": "Latn"}]',
        'Other name 1 ({"name": "Urmu", "language": "az-Latn", "script": "Latn"}): write each other name as an '
        "object with the keys name, language, kind, note.",
    ),
    ('["Urmu [az-Latn]"]', "Other name 1 (Urmu [az-Latn]): write each other name as an object"),
    (
        '[{"name": "Urmu", "language": "az-Latn", "kind": "nickname"}]',
        'Other name 1 ({"name": "Urmu", "language": "az-Latn", "kind": "nickname"}): “nickname” is not one of: '
        "variant, transliteration, native, translation, abbreviation, former, pseudonym.",
    ),
    (
        '[{"name": "Urmu", "language": "xx"}]',
        'Other name 1 ({"name": "Urmu", "language": "xx"}): The archive has no language “xx”',
    ),
    ('[{"name": "Urmu", "language": "Azeri"}]', "“Azeri” is not a BCP 47 language tag"),
    ('[{"language": "az-Latn"}]', 'Other name 1 ({"language": "az-Latn"}): give the name (“name”).'),
    ('[{"name": "Urmu"}]', "give the language of the name (“language”), e.g. az-Latn."),
    ('[{"name": "Urmu", "language": "fa", "note": ["a"]}]', "“note” is not a text."),
    (
        '[{"name": "Urmu", "language": "fa"}, {"name": "Urmu", "language": "fa", "kind": "native"}]',
        'Other name 2 ({"name": "Urmu", "language": "fa", "kind": "native"}): other name 1 has the same name and '
        "language; a record has each once.",
    ),
    (f'[{{"name": "{"x" * 301}", "language": "fa"}}]', "Ensure this value has at most 300 characters"),
]


@pytest.mark.parametrize(("cell", "message"), BAD_CELLS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "preview"])
def test_a_bad_list_is_an_error_in_its_column_and_writes_nothing(urmia, cell, message, fmt, dry_run):
    factories.PlaceFactory(public_id="place-other", name="Other", status=models.Status.DRAFT)
    before = row_counts()
    rows = [
        {"public_id": "place-other", "name": "Other, renamed", "other_names_list": "[]"},
        {"public_id": "place-urmu", "name": "Urmia", "other_names_list": cell},
    ]
    report = import_records(models.Place, make_file(rows, fmt), file_name=f"names.{fmt}", fmt=fmt, dry_run=dry_run)
    assert [(issue.row, issue.column) for issue in report.issues] == [(2, "other_names_list")], report.messages
    assert message in report.issues[0].message
    assert row_counts() == before  # all or nothing
    assert models.Place.objects.get(public_id="place-other").name == "Other"


def test_a_published_records_names_are_not_changed_by_a_list(urmia):
    place, *_ = urmia
    models.Place.objects.filter(pk=place.pk).update(status=models.Status.PUBLISHED)
    report = import_row({"public_id": "place-urmu", "other_names_list": "[]"})
    assert [issue.column for issue in report.issues] == ["public_id"]
    assert place.other_names.count() == 3


def test_a_new_row_named_only_in_the_list_is_a_probable_duplicate(urmia):
    """A new row repeats a record by its name or any other name, the list's as the flat column's."""
    cell = json.dumps([name(name="Urmu", language="az-Latn")])
    report = import_row({"name": "Urmia city", "kind": "city", "other_names_list": cell})
    assert report.ok and report.duplicates == [(1, "place-urmu")], report.messages

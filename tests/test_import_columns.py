"""Import/export columns are derived from the registry: files keep their columns, and a field added to a
type's spec is a column of its file with no other edit."""

import dataclasses

import pytest
from django.db.models import NOT_PROVIDED

from archive import models, registry
from archive.imports import export_records
from archive.resources import RESOURCES, RecordResource, records, resource_for
from archive.resources.cells import (
    BooleanWidget,
    ChoiceWidget,
    DayWidget,
    DecimalWidget,
    IntegerWidget,
    LanguageWidget,
    TextWidget,
)
from archive.resources.fields import DateColumn, RaiseOnlyColumn, RelationColumn
from archive.resources.refs import LanguagesWidget, RecordsWidget, RecordWidget, SlogansWidget

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import run  # noqa: E402

pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures

COMMON = ["citations", "wikidata_qid", "public_note"]  # citations: a JSON list, a part of every type
EXPORTED_ONLY = ["status", "restricted"]
NAMED = ["public_id", "name", "name_language"]

# The columns files had before they were derived from the registry, in file order (type → columns an
# import reads; an export writes the same without private_note, plus status and restricted) — and
# since then a protest's `about_place` (one line in the registry, the model field and migration 0011), and
# the JSON list columns of other names (`other_names_list`) and a statement's texts (`texts`).
FILE_COLUMNS = {
    "protests": [
        "public_id", "title", "kind", "event_status", "date", "date_note", "places", "about_place", "organizers",
        "slogans", "description", "size_as_written", "size_low", "size_high", "size_claimed_by",
        "size_claimant_kind", "size_source", "size_footnote", "size_note", "size_claims",
    ],
    "arrests": [
        "public_id", "person", "group_description", "date", "date_note", "place", "protest", "authority",
        "accusation", "formal_charge", "outcome", "outcome_date", "outcome_note", "description",
        "number_as_written", "number_low", "number_high", "number_claimed_by",
        "number_claimant_kind", "number_source", "number_footnote", "number_note", "number_claims",
    ],
    "statements": [
        "public_id", "title", "form", "date", "date_note", "speaker_people", "speaker_organizations",
        "speaker_description", "place", "summary", "reported_in", "about_protests", "about_arrests",
        "about_statements", "text", "text_language", "text_en", "texts", "signatories", "signatories_as_written",
        "signatories_low", "signatories_high", "signatories_claimed_by", "signatories_claimant_kind",
        "signatories_source", "signatories_footnote", "signatories_note", "signatories_claims",
    ],
    "organizations": [
        *NAMED, "kind", "country", "based_in", "parent", "founded_year", "dissolved_year", "description",
        "other_names", "other_names_list",
    ],
    "media-outlets": [
        *NAMED, "kind", "languages", "country", "base", "affiliation", "owner", "active_from", "active_until",
        "url", "description", "other_names", "other_names_list",
    ],
    "people": [*NAMED, "description", "at_risk", "other_names", "other_names_list"],
    "places": [*NAMED, "kind", "parent", "latitude", "longitude", "description", "other_names", "other_names_list"],
    "sources": [
        "public_id", "kind", "title", "title_translation", "authors", "author_people", "outlet", "publisher",
        "language", "date", "date_note", "url", "accessed", "archived_url", "pages", "reference_text",
    ],
}  # fmt: skip


# Then the texts each type holds in several languages (archive.resources.translations): a column per text and
# language the site is read in, between the originals' language and the sources of translations.
TRANSLATED = {
    "protests": ["title", "description", "date_note", "public_note"],
    "arrests": ["description", "date_note", "public_note"],
    "statements": ["title", "summary", "date_note", "public_note"],
    "organizations": ["description", "public_note"],
    "media-outlets": ["description", "public_note"],
    "people": ["description", "public_note"],
    "places": ["description", "public_note"],
    "sources": ["title", "date_note", "public_note"],
}


def translation_columns(key: str) -> list[str]:
    texts = [f"{field}[{tag}]" for field in TRANSLATED[key] for tag in ("en", "az-Latn", "fa", "tr")]
    return ["original_language", *texts, "translation_sources"]


@pytest.mark.parametrize("key", registry.KEYS)
def test_each_types_file_keeps_its_columns_in_order(key):
    resource = resource_for(key)()
    translated = translation_columns(key)
    assert resource.importable_columns() == [*FILE_COLUMNS[key], *COMMON, "private_note", *translated]
    assert list(resource.get_export_order()) == [*FILE_COLUMNS[key], *COMMON, *EXPORTED_ONLY, *translated]


@pytest.mark.parametrize("record_type", registry.TYPES, ids=registry.KEYS)
def test_each_record_type_has_a_named_resource_class(record_type):
    resource = resource_for(record_type.model)
    assert resource is resource_for(record_type.key) is RESOURCES[record_type.key]
    assert resource.__name__ == f"{record_type.model.__name__}Resource"
    assert getattr(records, resource.__name__) is resource  # `class ProtestResource` in archive.resources.records
    assert resource.record_type is record_type and resource._meta.model is record_type.model


def test_a_model_that_is_not_a_record_type_has_no_resource():
    with pytest.raises(LookupError, match="not a record type"):
        resource_for(models.Slogan)


# A field of each kind, the column it gives and how that column reads a cell.
KINDS = [
    ("protests", "description", TextWidget, NOT_PROVIDED),
    ("protests", "kind", ChoiceWidget, NOT_PROVIDED),
    ("media-outlets", "base", ChoiceWidget, models.OutletBase.UNKNOWN),
    ("organizations", "founded_year", IntegerWidget, NOT_PROVIDED),
    ("places", "latitude", DecimalWidget, NOT_PROVIDED),
    ("sources", "accessed", DayWidget, NOT_PROVIDED),
    ("people", "at_risk", BooleanWidget, False),
    ("people", "name_language", LanguageWidget, NOT_PROVIDED),
    ("arrests", "person", RecordWidget, NOT_PROVIDED),
    ("organizations", "country", RecordWidget, NOT_PROVIDED),
    ("protests", "places", RecordsWidget, NOT_PROVIDED),
    ("media-outlets", "languages", LanguagesWidget, NOT_PROVIDED),
    ("protests", "slogans", SlogansWidget, NOT_PROVIDED),
]


def derived(record_type, fields):
    """A resource for the type with another field spec, as `class ProtestResource` gets the registry's."""
    spec = dataclasses.replace(record_type, fields=fields)

    class ProbeResource(RecordResource):
        record_type = spec

    return ProbeResource


def own_columns(resource) -> int:
    """How many columns come from the type's spec (public_id first): those before its parts' and the common ones."""
    later = {column for part in resource.parts for column in part.columns.values()} | {*COMMON, *EXPORTED_ONLY}
    return next(n for n, column in enumerate(resource.get_export_order()) if column in later)


@pytest.mark.parametrize(("key", "name", "widget", "default"), KINDS, ids=[f"{k}.{n}" for k, n, *_ in KINDS])
def test_a_field_added_to_a_types_spec_is_a_column_of_its_file(key, name, widget, default):
    record_type = registry.get(key)
    others = tuple(f for f in record_type.fields if f.name != name)
    without = derived(record_type, others)()
    assert name not in without.fields and name not in without.importable_columns()
    added = derived(record_type, (*others, record_type.field(name)))()
    before = list(without.get_export_order())
    cut = own_columns(without)
    after = list(added.get_export_order())
    # After the spec's other fields; a text the record holds in several languages brings its translations' columns.
    translated = (
        [f"{name}[{tag}]" for tag in ("en", "az-Latn", "fa", "tr")] if record_type.field(name).translatable else []
    )
    assert [c for c in after if c not in translated] == [*before[:cut], name, *before[cut:]]
    assert set(translated) <= set(after) and not set(translated) & set(before)
    assert name in added.importable_columns()
    column = added.fields[name]
    assert isinstance(column.widget, widget)
    assert column.default == default
    if record_type.field(name).kind in registry.Kind.MANY:
        assert isinstance(column, RelationColumn) and name in added.export_prefetch
    assert isinstance(column, RaiseOnlyColumn) == (name == "at_risk")
    if name == "country":
        assert (column.widget.limit, column.widget.what) == ({"kind": models.PlaceKind.COUNTRY}, "country")


def test_the_date_field_gives_the_date_and_date_note_columns():
    record_type = registry.get("statements")
    resource = derived(record_type, ("title", "form", "date"))()
    assert list(resource.get_export_order())[:5] == ["public_id", "title", "form", "date", "date_note"]
    assert isinstance(resource.fields["date"], DateColumn)


@pytest.mark.django_db
def test_a_column_added_through_the_spec_imports_and_exports(world, monkeypatch):
    """Moving `description` to the end of the protests' spec moves its column; the file still round-trips."""
    record_type = registry.get("protests")
    fields = (*(f.name for f in record_type.fields if f.name != "description"), "description")
    monkeypatch.setitem(RESOURCES, "protests", derived(record_type, fields))
    row = {"title": "Spec rally", "kind": "rally", "date": "2020", "description": "Added through the spec"}
    report = run(models.Protest, [row])
    assert report.ok, report.messages
    protest = models.Protest.objects.get(title="Spec rally")
    assert protest.description == "Added through the spec"
    header = export_records(models.Protest.objects.filter(pk=protest.pk)).decode("utf-8-sig").splitlines()[0]
    assert header.split(",").index("description") == header.split(",").index("slogans") + 1

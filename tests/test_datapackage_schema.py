"""The data package's tables and the CSV export's columns are derived from the registry: a field added to a
type's spec shows in its table, every name is a registry key, descriptions are the model's help text."""

import csv
import io
import json
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.utils import translation

from archive import datapackage, registry
from archive import models as m
from archive.api import csv_export
from archive.datapackage import writer
from archive.registry import Computed, Kind
from tests import factories as f

DATE_COLUMNS = ["date_start", "date_end", "date_precision", "date_display", "date_note", "date_earliest", "date_latest"]
RECORD_COLUMNS = ["public_note", "wikidata_qid", "updated"]


def by_name() -> dict[str, datapackage.Table]:
    return {table.name: table for table in datapackage.tables()}


def names(table) -> list[str]:
    return [column.name for column in table.columns]


def expected_columns(field) -> list[str]:
    if field.kind == Kind.DATE:
        return DATE_COLUMNS
    return [f"{field.name}_id" if field.kind == Kind.RECORD else field.name]


@pytest.mark.parametrize("record_type", registry.TYPES, ids=registry.KEYS)
def test_every_public_spec_field_has_a_column_in_its_types_table(record_type):
    tables = by_name()
    own = names(tables[record_type.key])
    for field in record_type.public_fields:
        if field.kind in Kind.MANY:  # its own table, which names this type's records and says what it holds
            linking = [
                t
                for t in tables.values()
                if t.columns[0].ref == (record_type.key, "id") and str(t.description) == str(field.help_text)
            ]
            assert len(linking) == 1, field.name
        else:
            assert set(expected_columns(field)) <= set(own), field.name
    hidden = {f.name for f in record_type.fields if not f.public}
    assert not hidden & {column.name for table in tables.values() for column in table.columns}


def test_a_types_table_follows_its_spec():
    trimmed = replace(registry.get("protests"), fields=("title", "date"))
    assert names(datapackage.record_table(trimmed)) == ["id", "title", *DATE_COLUMNS, *RECORD_COLUMNS]
    # A field made public shows at once, typed from the model field.
    people = replace(registry.get("people"), fields=("name", "name_language", "at_risk"))
    table = datapackage.record_table(people)
    assert names(table) == ["id", "name", "name_language", "at_risk", *RECORD_COLUMNS]
    assert [c.type for c in table.columns if c.name == "at_risk"] == ["boolean"]
    assert [c.ref for c in table.columns if c.name == "name_language"] == [("languages", "code")]


def test_record_tables_are_named_by_registry_key_and_every_name_is_unique():
    tables = datapackage.tables()
    assert [t.name for t in tables[: len(registry.TYPES)]] == list(registry.KEYS)
    assert len({t.name for t in tables}) == len(tables)
    assert datapackage.file_names() == {f"{t.name}.csv" for t in tables} | {"changes.csv"}


def test_record_type_columns_and_foreign_keys_use_registry_keys():
    tables = by_name()
    for table in tables.values():
        for column in table.columns:
            if column.name == "record_type":
                assert set(column.enum) <= set(registry.KEYS) and column.enum, table.name
            if column.ref:
                resource, key = column.ref
                target = tables[resource or table.name]
                assert key in names(target), (table.name, column.name)
    assert tables["sources"].columns[names(tables["sources"]).index("outlet_id")].ref == ("media-outlets", "id")


def test_choices_are_enums_and_links_point_to_their_types_table():
    arrests = {c.name: c for c in by_name()["arrests"].columns}
    assert arrests["outcome"].enum == tuple(m.ArrestOutcome.values) and arrests["outcome"].required
    assert arrests["person_id"].ref == ("people", "id") and not arrests["person_id"].required
    assert arrests["detainee"].source is registry.get("arrests").computed[0].value
    assert arrests["outcome_date"].type == "date"
    places = {c.name: c for c in by_name()["places"].columns}
    assert places["parent_id"].ref == ("", "id") and places["latitude"].type == "number"


@pytest.mark.django_db
def test_descriptions_are_the_model_help_text_in_english_whatever_the_language(tmp_path):
    with translation.override("fa"):
        call_command("build_datapackage", output=tmp_path, stdout=io.StringIO())
    descriptor = json.loads((tmp_path / "current" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in descriptor["resources"]}
    with translation.override("en"):
        title = str(m.Protest._meta.get_field("title").help_text)
        owner = str(m.MediaOutlet._meta.get_field("owner").help_text)
    assert fields["protests"]["title"]["description"] == title
    assert fields["media-outlets"]["owner_id"]["description"].startswith(owner)
    assert "media-outlets.csv" in fields["sources"]["outlet_id"]["description"]


def test_schema_of_a_table_reads_lazy_descriptions():
    with translation.override("en"):
        described = writer.schema(by_name()["statement_texts"])
    assert json.dumps(described)  # no lazy string left
    assert described["primaryKey"] == ["statement_id", "language", "original"]


@pytest.mark.django_db
def test_a_computed_column_without_a_values_version_is_read_from_the_records():
    protests = registry.get("protests")
    shouting = replace(protests, computed=(Computed("shout", lambda p: p.title.upper(), "The title, louder."),))
    export = csv_export.Export(m.Protest, datapackage.record_table(shouting), ())
    for title in ("quiet rally", "=sum"):
        f.ProtestFactory(title=title)
    queryset = m.Protest.objects.published().order_by("title")
    run = csv_export.Run(export, queryset.db)
    lines = csv_export.lines_for(run, list(csv_export.ordered_pks(queryset, queryset.db)))
    text = "".join([",".join(run.header()) + "\r\n", *lines.values()])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["title"], r["shout"]) for r in rows] == [("'=sum", "'=SUM"), ("quiet rally", "QUIET RALLY")]

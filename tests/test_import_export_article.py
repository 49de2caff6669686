"""The article's archive, exported type by type and imported into an empty archive, comes back whole: every
record's fields and relations, every count claim (two disagreeing claims stay two), every other name, text
and citation."""

import csv
import io
import json

import openpyxl
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from archive import models, registry
from archive.imports import export_records, import_records
from tests.conftest import article_fixture_files
from tests.import_export_helpers import FORMATS

pytestmark = pytest.mark.django_db

# The order an archivist imports a whole archive in: what a file names exists before it (citations,
# which name sources from every type, come in a second pass).
ORDER = ["places", "organizations", "people", "media-outlets", "sources", "protests", "arrests", "statements"]
KEPT_TABLES = {models.Language, models.ArchiveState}  # reference data, not records
# An import makes unrestricted drafts (archive.resources.base), so the workflow's fields are not compared.
WORKFLOW = {"id", "created", "updated", "status", "restricted", "withdrawn_reason"}
PART_SKIPPED = {"id", "content_type", "object_id"}
# Parts edited in the admin only, never in a file (see archive.resources.columns.part_columns).
NOT_IN_FILES = {"affiliations"}
# Parts whose order means nothing (the admin lists other names by language and name, a statement's texts
# the original first), compared as sets of whole items; claims in the order they were entered (the flat
# columns show the first), citations as sets too. Every field of every part is compared.
UNORDERED = {"other_names", "texts"}


def shown(value):
    """A field's value as a file names it: records by public id, languages by code, slogans by text."""
    if isinstance(value, models.Language):
        return value.code
    if isinstance(value, models.Slogan):
        return (value.text, value.language_id)
    return getattr(value, "public_id", value)


def fields_of(obj, skipped) -> dict:
    values = {}
    for f in obj._meta.concrete_fields:
        if f.name in skipped:
            continue
        values[f.name] = shown(getattr(obj, f.name)) if f.is_relation else f.value_from_object(obj)
    return values


def parts_of(record) -> dict:
    record_type = registry.of(record)
    found = {}
    for part in record_type.parts:
        if part.accessor in NOT_IN_FILES:
            continue
        owner = record._meta.get_field(part.accessor).field.name
        items = [fields_of(obj, {*PART_SKIPPED, owner}) for obj in getattr(record, part.accessor).order_by("pk")]
        if part.accessor in UNORDERED:
            items.sort(key=lambda item: json.dumps(item, default=str))
        found[part.accessor] = items
    found["citations"] = sorted(
        (fields_of(c, PART_SKIPPED) for c in record.citations.all()), key=lambda c: json.dumps(c, default=str)
    )
    return found


def snapshot() -> dict:
    """Every record of every type, by public id: fields, relations and parts, as comparable values."""
    records = {}
    for model in registry.MODELS.values():
        for record in model.objects.all():
            values = fields_of(record, WORKFLOW)
            for f in record._meta.many_to_many:
                values[f.name] = sorted(map(shown, getattr(record, f.name).all()), key=str)
            records[(model.__name__, record.public_id)] = values | parts_of(record)
    return records


def empty_the_archive() -> None:
    """Every record, part, history row, search entry and tombstone gone; languages kept."""
    archive = apps.get_app_config("archive")
    tables = [m._meta.db_table for m in archive.get_models(include_auto_created=True) if m not in KEPT_TABLES]
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # PostgreSQL truncates no table with deferred checks pending: run them now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(statement)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's transactions have them


def without_citations(data: bytes, fmt: str) -> bytes:
    """The exported file without its `citations` column."""
    if fmt == "json":
        rows = json.loads(data)
        return json.dumps([{k: v for k, v in row.items() if k != "citations"} for row in rows]).encode()
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.active
        headers = [cell.value for cell in sheet[1]]
        sheet.delete_cols(headers.index("citations") + 1)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    column = rows[0].index("citations")
    out = io.StringIO()
    csv.writer(out).writerows([row[:column] + row[column + 1 :] for row in rows])
    return out.getvalue().encode()


def test_the_import_order_names_every_type():
    assert sorted(ORDER) == sorted(registry.KEYS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_articles_archive_exported_and_imported_into_an_empty_archive_comes_back_whole(fmt):
    call_command("loaddata", *article_fixture_files(), verbosity=0)  # in this test's transaction only
    before = snapshot()
    files = {key: export_records(registry.get(key).model.objects.all(), fmt) for key in ORDER}
    empty_the_archive()
    assert not any(model.objects.exists() for model in registry.MODELS.values())

    for key in ORDER:  # without citations first: they name sources of every type
        model = registry.get(key).model
        report = import_records(model, without_citations(files[key], fmt), file_name=f"{key}.{fmt}", fmt=fmt)
        assert report.ok, (key, report.messages)
    for key in ORDER:
        model = registry.get(key).model
        report = import_records(model, files[key], file_name=f"{key}.{fmt}", fmt=fmt)
        assert report.ok, (key, report.messages)

    after = snapshot()
    assert sorted(after) == sorted(before)
    for record, values in before.items():
        assert after[record] == values, record
    # The article's two disagreeing counts of the 2020 arrests are both there, each with its claimant.
    claims = after[("Arrest", "arrest-2020-south-azerbaijanis-supporting-karabakh")]["count_claims"]
    assert [(c["words"], c["claimant_kind"], c["footnote"]) for c in claims] == [
        ("hundreds", "researcher", None),
        ("about a hundred", "media", 25),
    ]
    # Urmia's former name keeps its kind and note; a statement keeps its Russian translation and who made it.
    assert {"name": "Rezaiyeh", "language": "en", "kind": "former", "note": "Name in use 1926–1979."} in after[
        ("Place", "place-urmia")
    ]["other_names"]
    texts = after[("Statement", "statement-2022-graparak-iran-haste")]["texts"]
    assert [(t["language"], t["translator"]) for t in texts if t["language"] == "ru"] == [
        ("ru", "news.am (Russian edition), headline quoting Graparak (fn. 24)")
    ]

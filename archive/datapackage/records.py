"""One table per record type, named by its registry key, its columns derived from the type's field spec.

A field's kind decides its columns: text, choices (an enum), numbers and days as themselves; a
record link as `<field>_id`, the public id of the record it points to (empty unless that record
passes the gate), with a foreign key to the target's table; a language as its code; the partial
date as five DATE columns. Relations to several records are link tables (archive.datapackage.related).
Then the type's computed columns (an arrest's `detainee`), and the columns every record has.
"""

from collections.abc import Iterator
from dataclasses import replace
from functools import partial

from django.db.models import QuerySet
from django.utils.text import format_lazy

from archive import translations
from archive.datapackage.columns import (
    CHUNK,
    Column,
    Table,
    TranslationOf,
    TranslationSources,
    column,
    date_columns,
    public,
    record_link,
    record_link_refs,
)
from archive.registry import Kind, RecordType

RECORD_FIELDS = ("public_note", "wikidata_qid", "updated")  # what every record shows besides its own fields


def id_column(record_type: RecordType) -> Column:
    return Column(
        "id",
        description=format_lazy("Permanent public id of the {}; part of its citable URL.", record_type.verbose_name),
        source="public_id",
        required=True,
    )


def field_columns(record_type: RecordType, field) -> tuple[Column, ...]:
    """The columns of one field of the spec: none for a relation to several records (a link table)."""
    model = record_type.model
    if field.kind == Kind.DATE:
        return date_columns(model)
    if field.kind in Kind.MANY:
        return ()
    if field.kind == Kind.RECORD:
        return (record_link(model, field.name),)
    return (column(model, field.name),)


def record_columns(record_type: RecordType) -> tuple[Column, ...]:
    model = record_type.model
    computed = tuple(Column(c.name, description=c.description, source=c.value) for c in record_type.computed)
    own = tuple(c for field in record_type.public_fields for c in field_columns(record_type, field))
    shared = tuple(column(model, name) for name in RECORD_FIELDS)
    shared = tuple(replace(c, required=True) if c.name == "updated" else c for c in shared)  # always set
    return (id_column(record_type), *computed, *own, *shared, *translation_columns(record_type))


def translation_columns(record_type: RecordType) -> tuple[Column, ...]:
    """`original_language`, then a column per public translatable text and language the site is read in
    (`title[fa]`, named as in the import file), then which of them a source published."""
    fields = tuple(f.name for f in record_type.public_fields if f.translatable)
    if not fields:
        return ()
    model = record_type.model
    per_language = tuple(
        Column(
            f"{field}[{tag}]",
            description=format_lazy(
                "The {} in {} ({}), where the archive has it; empty otherwise.",
                model._meta.get_field(field).verbose_name,
                translations.ENGLISH_NAMES[tag],
                tag,
            ),
            source=TranslationOf(field, tag),
        )
        for field in fields
        for tag in translations.READER_TAGS.values()
    )
    sources = Column(
        "translation_sources",
        description="Translations published by a source rather than made by the archive: a JSON object from "
        'the column (e.g. "title[fa]") to the source\'s id in sources.csv; empty when the archive made them all.',
        source=TranslationSources(fields),
    )
    return (column(model, "original_language"), *per_language, sources)


def linked_fields(record_type: RecordType) -> tuple[str, ...]:
    return tuple(f.name for f in record_type.public_fields if f.kind == Kind.RECORD)


def record_query(record_type: RecordType, base: QuerySet | None = None) -> QuerySet:
    """Published records of the type (or those of `base`); each `<field>_pid` holds a linked record's
    public id, NULL if that record is not public."""
    model = record_type.model
    refs = record_link_refs(model, linked_fields(record_type))
    queryset = public(model) if base is None else base
    return queryset.select_related(*record_type.label_paths).annotate(**refs)


def records(record_type: RecordType) -> Iterator:
    return record_query(record_type).order_by("public_id").iterator(chunk_size=CHUNK)


def record_table(record_type: RecordType) -> Table:
    return Table(
        record_type.key,
        record_type.title,
        record_columns(record_type),
        partial(records, record_type),
        ("id",),
        query=partial(record_query, record_type),
    )

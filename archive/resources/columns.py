"""The columns of a record type's import/export file, derived from its registry definition.

A type's file is, in order: `public_id`; a column per field of its field spec (`RecordType.fields`,
the `date` pseudo-field giving `date` and `date_note`), read and written by the field's `Kind`; the
columns of its parts (count claims, other names and a statement's texts, each flat and as a JSON list); and the
columns every record has (`wikidata_qid`, `public_note`, `private_note` on import only, `status` and
`restricted` on export only); then its translations (archive.resources.translations). Adding a field
to a type's spec adds its column here, with nothing else to edit.
"""

from django.db.models import NOT_PROVIDED

from archive.registry import Claims, Field, Kind, Names, RecordType, Texts
from archive.resources.cells import (
    BooleanWidget,
    ChoiceWidget,
    DayWidget,
    DecimalWidget,
    IntegerWidget,
    LanguageWidget,
    TextWidget,
)
from archive.resources.claims import ClaimPart
from archive.resources.fields import (
    CitationsPart,
    Column,
    DateColumn,
    ExportColumn,
    Part,
    RaiseOnlyColumn,
    RelationColumn,
)
from archive.resources.names import OtherNamesPart
from archive.resources.refs import LanguagesWidget, RecordsWidget, RecordWidget, SlogansWidget
from archive.resources.texts import StatementTextPart
from archive.resources.translations import translation_columns

# The widget of a one-value field, by kind (choices and relations are built from the field).
WIDGETS = {
    Kind.TEXT: TextWidget,
    Kind.INTEGER: IntegerWidget,
    Kind.NUMBER: DecimalWidget,
    Kind.DAY: DayWidget,
    Kind.BOOLEAN: BooleanWidget,
    Kind.LANGUAGE: LanguageWidget,
}


def _default(field: Field):
    """An empty cell of a choice or yes/no column takes the model's default (an outlet's base:
    unknown), as a new record in the admin would."""
    model_field = field.model_field
    return model_field.default if model_field.has_default() else NOT_PROVIDED


def _reference(field: Field) -> dict:
    """How a relation column finds records: a limited relation (an organization's country) looks
    among those records only, and says so in its errors (“No country has …”)."""
    limit = field.limit
    return {"limit": limit or None, "what": str(field.label) if limit else None}


def field_columns(field: Field) -> list:
    """The column(s) of one field of a type's spec."""
    kind, name = field.kind, field.name
    if kind == Kind.DATE:
        return [DateColumn(), Column("date_note")]
    if kind == Kind.RECORD:
        return [Column(name, RecordWidget(field.target, **_reference(field)))]
    if kind == Kind.RECORDS:
        return [RelationColumn(name, RecordsWidget(field.target, **_reference(field)))]
    if kind == Kind.LANGUAGES:
        return [RelationColumn(name, LanguagesWidget())]
    if kind == Kind.SLOGANS:
        return [RelationColumn(name, SlogansWidget())]
    if kind == Kind.CHOICE:
        return [Column(name, ChoiceWidget(field.model_field.flatchoices), default=_default(field))]
    if field.protective:  # a flag that protects someone: an import may raise it, never lift it
        return [RaiseOnlyColumn(name, BooleanWidget(), default=_default(field))]
    if kind == Kind.BOOLEAN:
        return [Column(name, BooleanWidget(), default=_default(field))]
    return [Column(name, WIDGETS[kind]())]


def part_columns(part) -> Part | None:
    """The import/export part of a registry part; None for parts edited in the admin only (roles)."""
    if isinstance(part, Claims):
        return ClaimPart(part.accessor, part.prefix, group=part.group)
    if isinstance(part, Names):
        return OtherNamesPart(part.accessor)
    if isinstance(part, Texts):
        return StatementTextPart(part.accessor)
    return None


def common_columns() -> list:
    """What every record has besides its spec, after the type's own columns."""
    return [
        Column("wikidata_qid"),
        Column("public_note"),
        Column("private_note", import_only=True),
        ExportColumn("status"),
        ExportColumn("restricted", BooleanWidget()),
    ]


def parts_of(record_type: RecordType) -> tuple[Part, ...]:
    parts = tuple(part for part in map(part_columns, record_type.parts) if part is not None)
    return (*parts, CitationsPart())


def columns_of(record_type: RecordType) -> dict:
    """Every column of the type's file, by column name, in file order."""
    columns = [Column("public_id")]
    for field in record_type.fields:
        columns += field_columns(field)
    found = {column.column_name: column for column in columns}
    for part in parts_of(record_type):
        found.update(part.column_fields())
    found.update({column.column_name: column for column in common_columns()})
    found.update({column.column_name: column for column in translation_columns(record_type)})
    return found


def export_prefetch(record_type: RecordType) -> tuple[str, ...]:
    """What an export (and an import finding existing records) reads with the records: the many-valued
    fields and the parts that have columns."""
    many = [field.name for field in record_type.fields if field.kind in Kind.MANY]
    return (*many, *(lookup for part in parts_of(record_type) for lookup in part.prefetch))

"""Columns of an import file and how each one reaches the record.

- `Column`: one model field (text, choice, number, language, one reference).
- `RelationColumn`: a many-to-many relation, items separated by |.
- `DateColumn`: the one `date` column, read by archive.date_input.
- `ExportColumn`: shown on export (status, restricted), never imported.
- Parts (`ClaimPart` in archive.resources.claims, `OtherNamesPart` in .names, `StatementTextPart` in
  .texts, `CitationsPart`) read several columns into parts of the record (count claims, other names,
  texts, citations) and write them back on export through `PartColumn`s; a part with a JSON list
  column of all its items is a `ListPart` (archive.resources.lists).

Import happens in two steps so that nothing is written before the whole row
is known to be valid: `apply()` sets fields on the unsaved instance and
stashes relations and parts in a `Pending`; the resource saves them later.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import NOT_PROVIDED
from django.utils.translation import gettext as _
from import_export.fields import Field

from archive.date_input import DateInputError, format_partial_date_input, parse_partial_date
from archive.models import Source
from archive.resources.cells import IntegerWidget, TextWidget, cell_text
from archive.resources.refs import RecordWidget
from archive.resources.validation import model_errors


@dataclass
class PendingPart:
    """A part (claim, other name, text) to save once its record is saved."""

    obj: object
    owner_field: str
    columns: dict[str, str]  # model field -> column
    changed: bool
    unset: tuple[str, ...] = ()  # fields set with the owner, besides owner_field (a citation's object_id)
    delete: bool = False  # a part the row removes (a claim missing from a `size_claims` list)
    label: str = ""  # which item of a list cell this part is (“Claim 2 (…)”), put before its errors

    def validate(self, present=()) -> dict[str, list[str]]:
        if self.delete:
            return {}
        fallback = next(iter(self.columns.values()))
        errors = model_errors(
            self.obj,
            lambda name: self.columns.get(name, fallback),
            exclude={self.owner_field, *self.unset},
            present=present,
        )
        if self.label:
            errors = {column: [f"{self.label}: {m}" for m in messages] for column, messages in errors.items()}
        return errors


@dataclass
class Pending:
    """What a row will write besides the record's own fields."""

    relations: dict[str, list] = field(default_factory=dict)
    parts: list[PendingPart] = field(default_factory=list)


class Column(Field):
    """A column holding one model field."""

    def __init__(self, attribute, widget=None, column_name=None, default=NOT_PROVIDED, import_only=False):
        super().__init__(
            attribute=attribute, column_name=column_name or attribute, widget=widget or TextWidget(), default=default
        )
        self.import_only = import_only
        self.model_fields = (attribute,)

    def apply(self, instance, row, pending: Pending) -> None:
        setattr(instance, self.attribute, self.clean(row))


class RaiseOnlyColumn(Column):
    """A yes/no field an import may switch on but never off (at_risk withholds a name)."""

    def apply(self, instance, row, pending: Pending) -> None:
        value = self.clean(row)
        if not instance._state.adding and getattr(instance, self.attribute) and not value:
            raise ValueError(_("An import cannot lift this; an editor changes it in the admin."))
        setattr(instance, self.attribute, value)


class RelationColumn(Column):
    """A many-to-many relation; saved after the record."""

    def apply(self, instance, row, pending: Pending) -> None:
        pending.relations[self.attribute] = self.clean(row)


class ExportColumn(Field):
    """Shown in exports for the reader; ignored on import."""

    def __init__(self, attribute, widget=None):
        super().__init__(attribute=attribute, column_name=attribute, widget=widget or TextWidget(), readonly=True)
        self.model_fields = ()


class DateColumn(Field):
    """The `date` column: “2020”, “mid-October 2020”, “14 Aban 1399”, “2020-09-27..2020-11-10”, “undated”."""

    def __init__(self, column_name="date"):
        super().__init__(attribute=None, column_name=column_name)
        self.model_fields = ("date_start", "date_end", "date_precision")
        self.parsed: dict = {}  # text -> value or error: files repeat their dates

    def apply(self, instance, row, pending: Pending) -> None:
        text = cell_text(row[self.column_name])
        if text not in self.parsed:
            try:
                self.parsed[text] = parse_partial_date(text)
            except DateInputError as error:
                self.parsed[text] = ValueError(str(error))
        value = self.parsed[text]
        if isinstance(value, ValueError):
            raise value
        instance.date_start, instance.date_end, instance.date_precision = value.start, value.end, value.precision

    def export(self, instance, **kwargs):
        return format_partial_date_input(instance.date_start, instance.date_end, instance.date_precision)


class PartColumn(Field):
    """One column of a part, for export and the import preview; the part itself reads the row."""

    def __init__(self, part, key, column_name):
        super().__init__(attribute=None, column_name=column_name, readonly=True)
        self.part, self.key = part, key
        self.model_fields = ()

    def export(self, instance, **kwargs):
        return self.part.export(instance, self.key) if instance.pk else ""


def _related(instance, relation: str) -> list:
    return sorted(getattr(instance, relation).all(), key=lambda part: part.pk) if instance.pk else []


class Part:
    relation: str
    columns: dict[str, str]  # key (model field) -> column

    @property
    def prefetch(self) -> tuple[str, ...]:
        """What an export reads with the records for this part."""
        return (self.relation,)

    def column_fields(self) -> dict[str, PartColumn]:
        return {column: PartColumn(self, key, column) for key, column in self.columns.items()}

    def part_model(self, model):
        return model._meta.get_field(self.relation).related_model

    def owner_field(self, model) -> str:
        return model._meta.get_field(self.relation).field.name


class CitationsPart(Part):
    """`citations`: a JSON list of {"source", "cited_in", "footnote", "page", "quote", "quote_translation",
    "note"}, sources by public id or title; citations the record lacks are added, none is removed."""

    relation = column = "citations"
    columns = {"citations": "citations"}
    KEYS = ("source", "cited_in", "footnote", "page", "quote", "quote_translation", "note")

    @property
    def prefetch(self) -> tuple[str, ...]:
        return ("citations__source", "citations__cited_in")

    def _item(self, item) -> dict:
        if not isinstance(item, dict) or not item.get("source") or set(item) - set(self.KEYS):
            raise ValueError(
                _("Write each citation as an object with a “source” and optionally %(keys)s.")
                % {"keys": ", ".join(self.KEYS[1:])}
            )
        values = {key: cell_text(item.get(key)) for key in ("page", "quote", "quote_translation", "note")}
        values["footnote"] = IntegerWidget().clean(item.get("footnote"))
        values["source"] = RecordWidget(Source).clean(str(item["source"]))
        values["cited_in"] = RecordWidget(Source).clean(str(item.get("cited_in") or ""))
        return values

    def plan(self, instance, row) -> list[PendingPart]:
        from django.contrib.contenttypes.models import ContentType

        text = cell_text(row.get(self.column)) if self.column in row else ""
        if not text:
            return []
        try:
            items = json.loads(text)
            if not isinstance(items, list):
                raise ValueError
        except ValueError:
            raise ValidationError({self.column: _("Write the citations as a JSON list of objects.")}) from None
        known = {self._key(c) for c in _related(instance, self.relation)}
        pending, problems = [], []
        model, content_type = self.part_model(type(instance)), ContentType.objects.get_for_model(type(instance))
        for item in items:
            try:
                values = self._item(item)
            except ValueError as error:
                problems.append(str(error))
                continue
            citation = model(content_type=content_type, **values)
            if self._key(citation) in known:
                continue
            known.add(self._key(citation))
            columns = dict.fromkeys(["source", *values], self.column)
            pending.append(PendingPart(citation, "record", columns, True, unset=("object_id",)))
        if problems:
            raise ValidationError({self.column: problems})
        return pending

    def _key(self, citation) -> tuple:
        return (citation.source_id, citation.cited_in_id, *(getattr(citation, k) for k in self.KEYS[2:]))

    def export(self, instance, key):
        citations = sorted(instance.citations.all(), key=lambda c: (c.footnote is None, c.footnote or 0, c.pk))
        if not citations:
            return ""
        listed = []
        for citation in citations:
            item = {"source": citation.source.public_id}
            if citation.cited_in is not None:
                item["cited_in"] = citation.cited_in.public_id
            item |= {k: getattr(citation, k) for k in self.KEYS[2:] if getattr(citation, k) not in (None, "")}
            listed.append(item)
        return json.dumps(listed, ensure_ascii=False)

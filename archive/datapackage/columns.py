"""Columns and tables of the data package, the public gate they read through, and columns derived
from model fields (their names, Table Schema types, enums and help text).

Every row comes through ``published()``, and a related record's public id is written only if that
record passes the gate too (a subquery on its own ``published()``), so a link to a hidden record
is left out.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import models as dj
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import override as language_override

from archive import dates, registry
from archive import models as m

CHUNK = 1000


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    description: str = ""  # may be lazy (a model field's help text): read in English when written
    source: str | Callable | None = None  # attribute or key of a row, or a function of it; default: name
    required: bool = False
    enum: tuple = ()
    ref: tuple[str, str] | None = None  # (resource, field) this column points to; "" is the same table

    def value(self, row):
        source = self.source or self.name
        if callable(source):
            return source(row)
        return row.get(source) if isinstance(row, dict) else getattr(row, source)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable]
    primary_key: tuple[str, ...] = ()
    description: str = ""
    # Record tables only: query(base=None) is the annotated QuerySet behind `rows`, narrowed to
    # `base` (a published() QuerySet) if given; the API's CSV export reads it for filtered lists.
    query: Callable[..., QuerySet] | None = None


# --- Translations ------------------------------------------------------------------------------------


def _translations(row) -> dict:
    return (row.get("translations") if isinstance(row, dict) else row.translations) or {}


@dataclass(frozen=True)
class TranslationOf:
    """A column's source: one text of the record in one language (empty if it has none there)."""

    field: str
    tag: str
    needs: tuple[str, ...] = ("translations",)  # what the API's CSV reads to compute it from a row of values

    def __call__(self, row) -> str:
        entry = (_translations(row).get(self.field) or {}).get(self.tag) or {}
        return entry.get("text", "")


@dataclass(frozen=True)
class TranslationSources:
    """A column's source: which of the record's translations a source published, as
    {"title[fa]": "source-fn-12"} (JSON; empty when the archive translated them all)."""

    fields: tuple[str, ...]
    needs: tuple[str, ...] = ("translations",)

    def __call__(self, row) -> str:
        import json

        found = {
            f"{field}[{tag}]": entry["source"]
            for field, languages in _translations(row).items()
            if field in self.fields
            for tag, entry in sorted(languages.items())
            if entry.get("by") == "source" and entry.get("source")
        }
        return json.dumps(found, ensure_ascii=False, sort_keys=True) if found else ""


ROW_FUNCTIONS = (TranslationOf, TranslationSources)


# --- Reaching records through the public gate ------------------------------------------------------


def public(model):
    return model.objects.published()


def public_id_of(model, field: str, value: str = "public_id"):
    """The related record's public id (or `value`) if it passes the gate, else NULL."""
    return Subquery(public(model).filter(pk=OuterRef(field)).values(value)[:1])


def passes(model, field: str) -> Exists:
    """Whether the record that `field` points to passes the gate (on SQLite far faster than `__in`)."""
    return Exists(public(model).filter(pk=OuterRef(field)))


# --- Names ------------------------------------------------------------------------------------------


def table_name(model) -> str:
    """The record table of a model: its registry key."""
    return registry.key_of(model)


@lru_cache
def singular(model) -> str:
    """One record of the model in column names: protest, media_outlet (protest_id, media_outlet_id)."""
    with language_override("en"):
        return str(model._meta.verbose_name).replace(" ", "_")


def id_column_name(model) -> str:
    return f"{singular(model)}_id"


# --- Columns from model fields ----------------------------------------------------------------------


def schema_type(field) -> str:
    """The Table Schema type of a model field's values."""
    if isinstance(field, dj.BooleanField):
        return "boolean"
    if isinstance(field, dj.IntegerField):
        return "integer"
    if isinstance(field, dj.DecimalField | dj.FloatField):
        return "number"
    if isinstance(field, dj.DateTimeField):
        return "datetime"
    if isinstance(field, dj.DateField):
        return "date"
    return "string"


def enum_of(field) -> tuple:
    return tuple(str(value) for value, _label in field.flatchoices) if field.choices else ()


def link(name: str, resource: str, source: str | Callable | None = None, description="") -> Column:
    """A public id in `resource` ("" for this table), empty when there is none or it is not public."""
    where = f"{resource}.csv" if resource else "this table"
    described = format_lazy("{} Id in {}; empty if none or not public.", description, where)
    return Column(name, description=described, source=source, ref=(resource, "id"))


def language(name: str, description, source: str | None = None, required: bool = False) -> Column:
    return Column(name, description=description, source=source, required=required, ref=("languages", "code"))


def column(model, name: str, *, as_name: str = "", source: str | None = None) -> Column:
    """The column of a model's own field: its type, enum, help text; a language as its code."""
    field = model._meta.get_field(name)
    required = not field.blank
    if field.many_to_one and field.related_model is m.Language:
        return language(as_name or name, field.help_text, source or f"{name}_id", required)
    return Column(
        as_name or name,
        schema_type(field),
        field.help_text,
        source=source or (name if as_name else None),
        required=required,
        enum=enum_of(field),
    )


def record_link(model, name: str, source: str | None = None) -> Column:
    """`<name>_id`: the public id of the record a foreign key points to, if that record is public."""
    field = model._meta.get_field(name)
    target = field.related_model
    resource = "" if target is model else table_name(target)
    return link(f"{name}_id", resource, source or f"{name}_pid", field.help_text)


def record_link_refs(model, names: Iterable[str]) -> dict:
    """The annotations record_link columns read: `<name>_pid` → the target's public id, or NULL."""
    return {f"{name}_pid": public_id_of(model._meta.get_field(name).related_model, f"{name}_id") for name in names}


# --- Dates --------------------------------------------------------------------------------------------


def render_date(row) -> str:
    return _render_date(row.date_start, row.date_end, row.date_precision, get_language())


@lru_cache(maxsize=4096)
def _render_date(start, end, precision, language) -> str:
    return dates.render(start, end, precision)  # slow, and a few days recur across thousands of records


def date_earliest(row):
    """The first day the partial date may stand for (`dates.period_of`, the period keys the archive's date filters
    compare); None when undated."""
    return dates.period_of(row.date_start, row.date_end, row.date_precision)[0]


def date_latest(row):
    """The last day the partial date may stand for: the end of the period its end day (else its start day) stands
    for at its precision; None when undated."""
    return dates.period_of(row.date_start, row.date_end, row.date_precision)[1]


BOUNDS_RULE = (
    "day: the day itself; early-month, mid-month, late-month and month: the whole month; year: the whole year; "
    "decade: the whole decade; approximate: {days} days either side; undated: empty. Dates entered in the "
    "Solar Hijri calendar are stored as Gregorian days. A record matches a date range when "
    "[date_earliest, date_latest] overlaps it, as the archive's own date filters decide."
)


def bounds_rule() -> str:
    return BOUNDS_RULE.format(days=dates.APPROXIMATE_SLACK.days)


def date_columns(model) -> tuple[Column, ...]:
    """A partial date as seven columns: start, end, precision, as the archive shows it, how it is known,
    and the first and last day it may stand for."""
    return (
        column(model, "date_start"),
        column(model, "date_end"),
        column(model, "date_precision"),
        Column(
            "date_display", description="The date as the archive shows it, e.g. “mid-October 2020”.", source=render_date
        ),
        column(model, "date_note"),
        Column(
            "date_earliest",
            "date",
            description=format_lazy(
                "First day the date may stand for: the start of the period of date_start at date_precision. {}",
                bounds_rule(),
            ),
            source=date_earliest,
        ),
        Column(
            "date_latest",
            "date",
            description=format_lazy(
                "Last day the date may stand for: the end of the period of date_end (else date_start) at "
                "date_precision. {}",
                bounds_rule(),
            ),
            source=date_latest,
        ),
    )

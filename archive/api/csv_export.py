"""The API's CSV of a whole filtered list (`?format=csv`), fast and in bounded memory.

A record's own columns are the data package's (archive.datapackage): same names, meaning and cell
format, so datapackage.json documents them. Then, derived from the registry, one cell per relation
with several values, joined by " | ": its many-to-many fields (an API group such as a statement's
speakers is one column), its parts, the records that point to it and its citations. A related
record that is not public leaves no trace: no id, no placeholder, no role held at it.

Each record's line is derived by the write path into the public read model (archive.readmodel), in
each language: for a chunk of CHUNK records one query reads the records as values, not model
instances, and one query per relation reads that relation for the whole chunk, joined here in Python.

An export reads the filtered list's primary keys first, in the requested order (8 bytes a record),
then the stored lines a chunk at a time: a record that stops being public while the export runs is
left out (unless its chunk was already read).
"""

import csv
import io
import itertools
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from itertools import repeat
from operator import attrgetter, itemgetter

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import BooleanField, F, Func, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from archive import datapackage as dp
from archive import dialect, registry
from archive import models as m
from archive.api.export import LIST_SEPARATOR, claim_text
from archive.datapackage.writer import cell, escape_text
from archive.public import detainee_label
from archive.registry import Kind

CHUNK = 1000  # records per round of queries
PK_BATCH = 10_000  # primary keys fetched at a time


# --- Relations, a chunk at a time ---------------------------------------------------------------

CHUNK_KEYS = object()  # in a query compiled once per export: the chunk's primary keys go here


class OneOf(Func):
    """`field` is one of `keys`, or, without keys, of each chunk's (see Prepared)."""

    output_field = BooleanField()

    def __init__(self, field: str, keys: list[int] | None = None):
        super().__init__(F(field))
        self.keys = keys

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        keys = CHUNK_KEYS if self.keys is None else dialect.values_param(self.keys, connection, ints=True)
        return dialect.one_of(sql, connection, ints=True), (*params, keys)


class Prepared:
    """A values query over a chunk's records, compiled once per export: Django takes longer to build
    and read one than the database takes to run it. Only for plain values (ids, text, integers),
    which need none of Django's conversions of what the database returns."""

    def __init__(self, queryset: QuerySet, db: str):
        self.db = db
        self.sql, self.params = queryset.query.get_compiler(db).as_sql()

    def rows(self, keys: list[int]) -> list[tuple]:
        connection = connections[self.db]
        encoded = dialect.values_param(keys, connection, ints=True)
        params = [encoded if param is CHUNK_KEYS else param for param in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


@dataclass(frozen=True)
class Source:
    """One relation of the chunk's records: `query(db)` gives (record pk, …) rows for OneOf(record
    field); `text` reads one row's value, None when the public may not see it."""

    query: Callable[[str], QuerySet]
    text: Callable[[tuple], str | None] = itemgetter(1)


@dataclass(frozen=True)
class Many:
    """A column holding several values, gathered from one or more relations in turn."""

    name: str
    sources: tuple[Source, ...]


def linked(model, attr: str, value: str = "public_id") -> Source:
    """`value` of each record that the many-to-many `attr` links to, if that record is public, in
    the order they were linked (slogans and languages, which are not records: in their own order).
    The gate is a lookup on the target's primary key per row: a join or EXISTS would make
    PostgreSQL hash the target's whole table for every chunk."""
    relation = model._meta.get_field(attr)
    through, target = relation.remote_field.through, relation.related_model
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()

    def query(db):
        rows = through.objects.using(db).filter(OneOf(f"{left}_id"))
        if not issubclass(target, m.Record):
            return rows.order_by(*_ordering(target, right), "pk").values_list(f"{left}_id", f"{right}__{value}")
        rows = rows.annotate(v=dp.public_id_of(target, f"{right}_id", value))
        return rows.order_by("pk").values_list(f"{left}_id", "v")

    return Source(query)


def _ordering(model, path: str) -> list[str]:
    """`model`'s default ordering, reached through the relation `path`."""
    return [("-" if f.startswith("-") else "") + f"{path}__{f.removeprefix('-')}" for f in model._meta.ordering]


def referring(model, attr: str) -> Source:
    """Public records of `model` whose many-to-many `attr` links to the chunk's records, in the order linked."""
    relation = model._meta.get_field(attr)
    through = relation.remote_field.through
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()

    def query(db):
        rows = through.objects.using(db).filter(OneOf(f"{right}_id"))
        rows = rows.annotate(v=dp.public_id_of(model, f"{left}_id")).order_by("pk")
        return rows.values_list(f"{right}_id", "v")

    return Source(query)


def pointing(model, field: str) -> Source:
    """Public records of `model` whose foreign key `field` points to the chunk's records."""

    def query(db):
        rows = dp.public(model).using(db).filter(OneOf(f"{field}_id"))
        return rows.order_by(*model._meta.ordering).values_list(f"{field}_id", "public_id")

    return Source(query)


def children(model, field: str, value: str) -> Source:
    """`value` of the chunk's own parts (texts, other names), which are public with their record."""

    def query(db):
        rows = model.objects.using(db).filter(OneOf(f"{field}_id"))
        return rows.order_by(*model._meta.ordering, "pk").values_list(f"{field}_id", value)

    return Source(query)


def claims(model, field: str) -> Source:
    """Count claims as “words (low–high, claimant)”."""

    def query(db):
        rows = model.objects.using(db).filter(OneOf(f"{field}_id")).order_by("pk")
        return rows.values_list(f"{field}_id", "words", "low", "high", "claimant")

    return Source(query, lambda row: claim_text(*row[1:]))


def cited(model) -> Source:
    """Citations as “source-id fn.N”, for sources that are public."""

    def query(db):
        content_type = ContentType.objects.db_manager(db).get_for_model(model)
        rows = m.Citation.objects.using(db).filter(OneOf("object_id"), content_type=content_type)
        rows = rows.annotate(s=dp.public_id_of(m.Source, "source_id")).order_by(*m.Citation._meta.ordering)
        return rows.values_list("object_id", "s", "footnote")

    def text(row):
        _pk, source, footnote = row
        if source is None:
            return None
        return f"{source} fn.{footnote}" if footnote else source

    return Source(query, text)


def roles(model, owner: str) -> Source:
    """“role (organization-id)”; a role held at an organization the public may not see is left out whole
    (its text would tell), a role held at none is the role alone."""

    def query(db):
        rows = model.objects.using(db).filter(OneOf(f"{owner}_id"))
        rows = rows.annotate(o=dp.public_id_of(m.Organization, "organization_id")).order_by("date_start", "pk")
        return rows.values_list(f"{owner}_id", "role", "o", "organization_id")

    def text(row):
        _pk, role, shown, organization = row
        if organization is None:
            return role
        return f"{role} ({shown})" if shown else None

    return Source(query, text)


def gathered(many: Many, found: list[list[tuple]]) -> dict[int, str]:
    """Record pk → the column's cell, from each source's rows, for the records that have any value."""
    values = defaultdict(list)
    for source, rows in zip(many.sources, found, strict=True):
        text = source.text
        for row in rows:
            value = text(row)
            if value is not None:
                values[row[0]].append(value)
    return {pk: escape_text(LIST_SEPARATOR.join(texts)) for pk, texts in values.items()}


# --- What each record type exports, from the registry -------------------------------------------


def field_source(model, field) -> Source:
    """A many-to-many field of the spec: public ids of public records; codes of languages; slogans' text."""
    value = {Kind.LANGUAGES: "pk", Kind.SLOGANS: "text"}.get(field.kind, "public_id")
    return linked(model, field.name, value)


def field_columns(record_type: registry.RecordType) -> list[Many]:
    """One column per many-to-many field of the spec, in its order; the fields of an API group (a
    statement's speakers) share one column, where the first of them stands."""
    model = record_type.model
    group_of = {name: group for group, names in record_type.api_groups.items() for name in names}
    columns, grouped = [], set()
    for field in record_type.fields_of(*Kind.MANY, public=True):
        group = group_of.get(field.name)
        if group is None:
            columns.append(Many(field.public_name, (field_source(model, field),)))
        elif group not in grouped:
            grouped.add(group)
            members = record_type.api_groups[group]
            columns.append(Many(group, tuple(field_source(model, record_type.field(name)) for name in members)))
    return columns


def part_column(record_type: registry.RecordType, part) -> Many:
    model, owner = part.model(record_type.model), part.owner_field(record_type.model)
    if isinstance(part, registry.Claims):
        return Many(part.accessor, (claims(model, owner),))
    if isinstance(part, registry.Roles):
        return Many("roles", (roles(model, owner),))
    value = "text" if isinstance(part, registry.Texts) else "name"
    return Many(part.accessor, (children(model, owner, value),))


def reverse_column(model, name: str) -> Many:
    """Public records pointing here (a protest's arrests) or listing this record (statements about it)."""
    relation = model._meta.get_field(name)
    make = referring if relation.many_to_many else pointing
    return Many(name, (make(relation.related_model, relation.field.name),))


@dataclass(frozen=True)
class Export:
    model: type
    table: dp.Table  # the data package table whose columns come first
    many: tuple[Many, ...]


@cache
def export_of(model) -> Export:
    """The record type's data package table, then its many-to-many fields, its parts, the records that
    point to it (`RecordType.reverse`) and its citations."""
    record_type = registry.of(model)
    many = [
        *field_columns(record_type),
        *(part_column(record_type, part) for part in record_type.parts),
        *(reverse_column(model, name) for name in record_type.reverse),
        Many("citations", (cited(model),)),
    ]
    return Export(model, dp.record_table(record_type), tuple(many))


# --- The record's own columns, from rows of values -----------------------------------------------


def detainee(row) -> str:
    """`detainee_label` from a row of values: the name only if the person passes the gate."""
    if row.person_id is None:
        return row.group_description
    return row.detainee_name if row.detainee_name is not None else _("a detainee, name withheld")


def date_display():
    """`dp.render_date` remembered for this export: a whole type repeats a few thousand dates,
    more than the data package's shared cache holds, and rendering one is slow. In each language its own
    words (the read model words one fetch in every language, `lines_in`)."""
    seen = {}

    def display(row) -> str:
        key = (row.date_start, row.date_end, row.date_precision, translation.get_language())
        text = seen.get(key)
        if text is None:
            if len(seen) >= DATES_REMEMBERED:
                seen.clear()
            text = seen[key] = dp.render_date(row)
        return text

    return display


DATES_REMEMBERED = 100_000

# A data package column computed from a model instance → the same value from a row of values:
# (a maker of the function of the row, annotations it needs, fields it reads).
ROW_VALUES = {
    dp.render_date: (date_display, {}, ("date_start", "date_end", "date_precision")),
    dp.date_earliest: (lambda: dp.date_earliest, {}, ("date_start", "date_precision")),
    dp.date_latest: (lambda: dp.date_latest, {}, ("date_start", "date_end", "date_precision")),
    detainee_label: (
        lambda: detainee,
        {"detainee_name": dp.public_id_of(m.Person, "person_id", "name")},
        ("person_id", "group_description", "detainee_name"),
    ),
}


def _text(value) -> str:
    if value is None:
        return ""
    return escape_text(value) if type(value) is str else cell(value, "string")


def _plain(value) -> str:
    return "" if value is None else str(value)


# The data package's cell format, with shortcuts for the types whose cells are plain str().
FORMATS = {"string": _text, "integer": _plain, "number": _plain, "date": _plain}


def formatter(type_: str) -> Callable[[object], str]:
    return FORMATS.get(type_) or (lambda value: "" if value is None else cell(value, type_))


@dataclass(frozen=True)
class RecordColumns:
    names: tuple[str, ...]
    fields: tuple[str, ...]  # what to read from the database; "pk" first
    annotations: dict
    cells: tuple[tuple[Callable, Callable, bool], ...]  # (value, its format, read from `computed`) per column
    computed: tuple[Callable, ...] = ()  # functions of a model instance with no version for rows of values


def record_columns(table: dp.Table) -> RecordColumns:
    fields, annotations, cells, computed = {"pk": None}, {}, [], []
    for column in table.columns:
        source = column.source or column.name
        if isinstance(source, dp.ROW_FUNCTIONS):  # a function of the row's values (a translation)
            value, on_instance = source, False
            fields.update(dict.fromkeys(source.needs))
        elif source in ROW_VALUES:
            make, extra, needs = ROW_VALUES[source]
            value, on_instance = make(), False
            annotations.update(extra)
            fields.update(dict.fromkeys(needs))
        elif callable(source):  # a computed column without a version for values: read from instances
            value, on_instance = itemgetter(len(computed)), True
            computed.append(source)
        else:
            value, on_instance = attrgetter(source), False
            fields[source] = None
        cells.append((value, formatter(column.type), on_instance))
    names = tuple(c.name for c in table.columns)
    return RecordColumns(names, tuple(fields), annotations, tuple(cells), tuple(computed))


# --- The stream ----------------------------------------------------------------------------------


def ordered_pks(queryset, db: str) -> array:
    """Primary keys of the filtered list, in its order, without holding model rows."""
    pks = array("q")
    rows = queryset.using(db).prefetch_related(None).values_list("pk", flat=True)
    pks.extend(rows.iterator(chunk_size=PK_BATCH))
    return pks


@dataclass(frozen=True)
class Fetched:
    """What the database gave for one chunk: records in the list's order, each relation's rows."""

    records: list[tuple]
    relations: list[list[list[tuple]]]
    computed: dict[int, tuple] | None = None  # record pk → its computed columns read from instances


class Run:
    """One export: the type's columns and its relation queries, built once, then run per chunk."""

    def __init__(self, export: Export, db: str):
        self.export, self.db = export, db
        self.table = export.table
        self.columns = record_columns(self.table)
        self.relations = [[Prepared(source.query(db), db) for source in many.sources] for many in export.many]

    def header(self) -> list[str]:
        return [*self.columns.names, *(many.name for many in self.export.many)]

    def fetch(self, pks: list[int]) -> Fetched:
        """The chunk's records and relations; a record no longer public is left out."""
        base = dp.public(self.export.model).using(self.db).filter(OneOf("pk", pks))  # Django converts dates
        found = self.table.query(base=base).annotate(**self.columns.annotations).order_by()
        by_pk = {row.pk: row for row in found.values_list(*self.columns.fields, named=True)}
        relations = [[query.rows(pks) for query in queries] for queries in self.relations]
        return Fetched([by_pk[pk] for pk in pks if pk in by_pk], relations, self._computed(pks))

    def _computed(self, pks: list[int]) -> dict[int, tuple] | None:
        if not self.columns.computed:
            return None
        # Here, on the reader's thread: a function of an instance may query.
        base = dp.public(self.export.model).using(self.db).filter(OneOf("pk", pks))
        functions = self.columns.computed
        return {record.pk: tuple(f(record) for f in functions) for record in self.table.query(base=base)}

    def reworded(self, fetched: Fetched, pks: list[int]) -> Fetched:
        """`fetched` for the active language. What the database holds is the same in every language; only how
        it is worded differs: dates and labels as the cells are formatted, computed columns (functions of an
        instance, which may word their values) as they are read, so these are read again."""
        return replace(fetched, computed=self._computed(pks)) if self.columns.computed else fetched

    def format(self, fetched: Fetched) -> list[tuple]:
        """CSV rows; touches no database, so that it can run while the next chunk is fetched."""
        records = fetched.records
        computed = []
        if fetched.computed is not None:  # a record hidden between the two reads of its chunk shows blanks
            blank = (None,) * len(self.columns.computed)
            computed = [fetched.computed.get(record.pk, blank) for record in records]
        # Column by column: the loops run in C, one Python call per cell.
        cells = [
            list(map(show, map(value, computed if on_instance else records)))
            for value, show, on_instance in self.columns.cells
        ]
        shown = [record.pk for record in records]
        for many, found in zip(self.export.many, fetched.relations, strict=True):
            cells.append(list(map(gathered(many, found).get, shown, repeat(""))))
        return list(zip(*cells, strict=True))


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def lines_in(model, pks: list[int], languages, db: str = "default") -> dict[str, dict[int, str]]:
    """{language: {pk: its CSV line}} for these records (the public ones): what the public read model stores for
    each (archive.readmodel). The database is read once for every language (`Run.reworded`)."""
    run = Run(export_of(model), db)
    fetched, found = None, {}
    for language in languages:
        with translation.override(language):
            fetched = run.fetch(pks) if fetched is None else run.reworded(fetched, pks)
            found[language] = lines_from(run, fetched)
    return found


def lines_for(run: Run, pks: list[int]) -> dict[int, str]:
    """{pk: its CSV line} for these records (the public ones), in the active language."""
    return lines_from(run, run.fetch(pks))


def lines_from(run: Run, fetched: Fetched) -> dict[int, str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    found = {}
    for record, row in zip(fetched.records, run.format(fetched), strict=True):
        writer.writerow(row)
        found[record.pk] = _taken(buffer)
    return found


def header(model) -> str:
    """The CSV's first line: the columns' names."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(Run(export_of(model), "default").header())
    return buffer.getvalue()


def csv_stream(model, queryset) -> Iterator[str]:
    """The filtered `queryset` (a published() QuerySet of `model`) as CSV text, a chunk at a time: each record's
    line as the public read model stores it (archive.readmodel), in the list's order.

    The primary keys are read here, before the response starts, so that a query the database
    refuses or cuts off is an error response rather than a truncated file.
    """
    from archive import readmodel

    db = queryset.db  # with replicas each query may pick another: the lines come from where the ids did
    pks = ordered_pks(queryset, db)
    return itertools.chain([header(model)], readmodel.csv_lines(registry.key_of(model), pks, using=db))

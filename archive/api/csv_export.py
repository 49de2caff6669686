"""The API's CSV of a whole filtered list (`?format=csv`), fast and in bounded memory.

A record's own columns are the data package's (archive/datapackage.py): same names, same meaning,
same cell format, so datapackage.json documents them. After them come its relations with several
values (places, organizers, speakers, citations…), one cell each, values joined by " | ".

The filtered list's primary keys are read first, in the requested order (8 bytes a record). Then
for each chunk of CHUNK records one query reads the records as values, not model instances, and one
query per relation reads that relation for the whole chunk, joined here in Python. Every one of
those queries passes the public gate again: a record that stops being public while the export
runs is left out, and a related record that is not public never shows, not even as an id.
"""

import csv
import io
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils.translation import gettext as _

from archive import datapackage as dp
from archive import models as m
from archive.api.export import LIST_SEPARATOR, claim_text, escape_formula
from archive.management.commands.build_datapackage import cell
from archive.public import detainee_label

CHUNK = 1000  # records per round of queries
PK_BATCH = 10_000  # primary keys fetched at a time

# For a database alias and a chunk's record pks: (record pk, text) pairs, in display order.
Pairs = Callable[[str, list[int]], Iterable[tuple[int, str]]]


@dataclass(frozen=True)
class Many:
    """A column holding several values, gathered from one or more relations."""

    name: str
    sources: tuple[Pairs, ...]


# --- Relations, a chunk at a time ---------------------------------------------------------------


def _ordering(model, path: str) -> list[str]:
    """`model`'s default ordering, reached through the relation `path`."""
    return [("-" if f.startswith("-") else "") + f"{path}__{f.removeprefix('-')}" for f in model._meta.ordering]


def linked(model, attr: str, value: str = "public_id") -> Pairs:
    """`value` of each record that the many-to-many `attr` links to, if that record is public."""
    relation = model._meta.get_field(attr)
    through, target = relation.remote_field.through, relation.related_model
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()

    def pairs(db, pks):
        rows = through.objects.using(db).filter(**{f"{left}_id__in": pks})
        if issubclass(target, m.Record):
            rows = rows.filter(dp.passes(target, f"{right}_id"))
        rows = rows.order_by(*_ordering(target, right), "pk")
        return rows.values_list(f"{left}_id", f"{right}__{value}")

    return pairs


def referring(model, attr: str) -> Pairs:
    """Public records of `model` whose many-to-many `attr` links to the chunk's records."""
    relation = model._meta.get_field(attr)
    through = relation.remote_field.through
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()

    def pairs(db, pks):
        rows = through.objects.using(db).filter(dp.passes(model, f"{left}_id"), **{f"{right}_id__in": pks})
        rows = rows.order_by(*_ordering(model, left), "pk")
        return rows.values_list(f"{right}_id", f"{left}__public_id")

    return pairs


def pointing(model, field: str) -> Pairs:
    """Public records of `model` whose foreign key `field` points to the chunk's records."""

    def pairs(db, pks):
        rows = dp.public(model).using(db).filter(**{f"{field}_id__in": pks})
        return rows.order_by(*model._meta.ordering).values_list(f"{field}_id", "public_id")

    return pairs


def children(model, field: str, value: str) -> Pairs:
    """`value` of the chunk's own parts (texts, other names), which are public with their record."""

    def pairs(db, pks):
        rows = model.objects.using(db).filter(**{f"{field}_id__in": pks})
        return rows.order_by(*model._meta.ordering, "pk").values_list(f"{field}_id", value)

    return pairs


def claims(model, field: str) -> Pairs:
    """Count claims as “words (low–high, claimant)”."""

    def pairs(db, pks):
        rows = model.objects.using(db).filter(**{f"{field}_id__in": pks}).order_by("pk")
        for pk, *claim in rows.values_list(f"{field}_id", "words", "low", "high", "claimant"):
            yield pk, claim_text(*claim)

    return pairs


def cited(model) -> Pairs:
    """Citations as “source-id fn.N”, for sources that are public."""

    def pairs(db, pks):
        content_type = ContentType.objects.db_manager(db).get_for_model(model)
        rows = m.Citation.objects.using(db).filter(
            dp.passes(m.Source, "source_id"), content_type=content_type, object_id__in=pks
        )
        rows = rows.order_by(*m.Citation._meta.ordering).values_list("object_id", "source__public_id", "footnote")
        for pk, source, footnote in rows:
            yield pk, f"{source} fn.{footnote}" if footnote else source

    return pairs


def speaking_people(db, pks):
    """Speakers' ids, or “name withheld”; withheld ones last, so their place says nothing of the name."""
    through = m.Statement.speaker_people.through
    rows = through.objects.using(db).filter(statement_id__in=pks)
    rows = rows.annotate(p=dp.public_id_of(m.Person, "person_id"), shown=dp.public_id_of(m.Person, "person_id", "name"))
    withheld = _("name withheld")
    for pk, person in rows.order_by(F("shown").asc(nulls_last=True), "pk").values_list("statement_id", "p"):
        yield pk, person or withheld


def roles(db, pks):
    """“role (organization-id)”, the organization only if it is public."""
    rows = m.Affiliation.objects.using(db).filter(person_id__in=pks)
    rows = rows.annotate(o=dp.public_id_of(m.Organization, "organization_id")).order_by("date_start", "pk")
    for pk, role, organization in rows.values_list("person_id", "role", "o"):
        yield pk, f"{role} ({organization})" if organization else role


def gathered(many: Many, db: str, pks: list[int]) -> dict[int, str]:
    """Record pk → the column's cell, for the records that have any value."""
    values = defaultdict(list)
    for source in many.sources:
        for pk, text in source(db, pks):
            values[pk].append(text)
    return {pk: escape_formula(LIST_SEPARATOR.join(texts)) for pk, texts in values.items()}


# --- What each record type exports ---------------------------------------------------------------


def other_names(name_model) -> Many:
    return Many("other_names", (children(name_model, "owner", "name"),))


def citations(model) -> Many:
    return Many("citations", (cited(model),))


@dataclass(frozen=True)
class Export:
    model: type
    table: Callable[[], dp.Table]  # the data package table whose columns come first
    many: tuple[Many, ...]


EXPORTS = {
    m.Protest: Export(
        m.Protest,
        dp.protests,
        (
            Many("places", (linked(m.Protest, "places"),)),
            Many("organizers", (linked(m.Protest, "organizers"),)),
            Many("slogans", (linked(m.Protest, "slogans", "text"),)),
            Many("size_claims", (claims(m.ProtestSizeClaim, "protest"),)),
            Many("arrests", (pointing(m.Arrest, "protest"),)),
            Many("statements", (referring(m.Statement, "about_protests"),)),
            citations(m.Protest),
        ),
    ),
    m.Arrest: Export(
        m.Arrest,
        dp.arrests,
        (
            Many("count_claims", (claims(m.ArrestCountClaim, "arrest"),)),
            Many("statements", (referring(m.Statement, "about_arrests"),)),
            citations(m.Arrest),
        ),
    ),
    m.Statement: Export(
        m.Statement,
        dp.statements,
        (
            Many("speakers", (speaking_people, linked(m.Statement, "speaker_organizations"))),
            Many("signatory_claims", (claims(m.SignatoryClaim, "statement"),)),
            Many("texts", (children(m.StatementText, "statement", "text"),)),
            Many("reported_in", (linked(m.Statement, "reported_in"),)),
            Many(
                "about", tuple(linked(m.Statement, a) for a in ("about_protests", "about_arrests", "about_statements"))
            ),
            citations(m.Statement),
        ),
    ),
    m.Organization: Export(
        m.Organization, dp.organizations, (other_names(m.OrganizationName), citations(m.Organization))
    ),
    m.MediaOutlet: Export(
        m.MediaOutlet,
        dp.media_outlets,
        (
            other_names(m.OutletName),
            Many("languages", (linked(m.MediaOutlet, "languages", "pk"),)),
            citations(m.MediaOutlet),
        ),
    ),
    m.Person: Export(m.Person, dp.people, (other_names(m.PersonName), Many("roles", (roles,)), citations(m.Person))),
    m.Place: Export(m.Place, dp.places, (other_names(m.PlaceName), citations(m.Place))),
    m.Source: Export(m.Source, dp.sources, (citations(m.Source),)),
}


# --- The record's own columns, from rows of values -----------------------------------------------


def detainee(row) -> str:
    """`detainee_label` from a row of values: the name only if the person passes the gate."""
    if row.person_id is None:
        return row.group_description
    return row.detainee_name if row.detainee_name is not None else _("a detainee, name withheld")


# A data package column computed from a model instance → the same value from a row of values:
# (function of the row, annotations it needs, fields it reads).
ROW_VALUES = {
    dp.render_date: (dp.render_date, {}, ("date_start", "date_end", "date_precision")),
    detainee_label: (
        detainee,
        {"detainee_name": dp.public_id_of(m.Person, "person_id", "name")},
        ("person_id", "group_description", "detainee_name"),
    ),
}


def _text(value) -> str:
    if value is None:
        return ""
    return escape_formula(value) if type(value) is str else cell(value, "string")


def formatter(type_: str) -> Callable[[object], str]:
    """The data package's cell format for `type_`, with a fast path for text."""
    if type_ == "string":
        return _text
    return lambda value: "" if value is None else cell(value, type_)


@dataclass(frozen=True)
class RecordColumns:
    names: tuple[str, ...]
    fields: tuple[str, ...]  # what to read from the database; "pk" first
    annotations: dict
    cells: tuple[tuple[Callable, Callable], ...]  # (value of a row, its format) per column


def record_columns(table: dp.Table) -> RecordColumns:
    fields, annotations, cells = {"pk": None}, {}, []
    for column in table.columns:
        source = column.source or column.name
        if callable(source):
            value, extra, needs = ROW_VALUES[source]  # a new computed column needs an entry there
            annotations.update(extra)
            fields.update(dict.fromkeys(needs))
        else:
            value = attrgetter(source)
            fields[source] = None
        cells.append((value, formatter(column.type)))
    return RecordColumns(tuple(c.name for c in table.columns), tuple(fields), annotations, tuple(cells))


# --- The stream ----------------------------------------------------------------------------------


def ordered_pks(queryset, db: str) -> array:
    """Primary keys of the filtered list, in its order, without holding model rows."""
    pks = array("q")
    rows = queryset.using(db).prefetch_related(None).values_list("pk", flat=True)
    pks.extend(rows.iterator(chunk_size=PK_BATCH))
    return pks


def chunk_rows(export: Export, table: dp.Table, columns: RecordColumns, db: str, pks: list[int]) -> list[list[str]]:
    base = dp.public(export.model).using(db).filter(pk__in=pks)
    rows = table.query(base=base).annotate(**columns.annotations).order_by()
    by_pk = {row.pk: row for row in rows.values_list(*columns.fields, named=True)}
    many = [gathered(column, db, pks) for column in export.many]
    out = []
    for pk in pks:
        row = by_pk.get(pk)
        if row is not None:  # None: no longer public
            out.append([show(value(row)) for value, show in columns.cells] + [cells.get(pk, "") for cells in many])
    return out


def lines(export: Export, db: str, pks: array) -> Iterator[str]:
    table = export.table()
    columns = record_columns(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*columns.names, *(many.name for many in export.many)])
    for start in range(0, len(pks), CHUNK):
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(chunk_rows(export, table, columns, db, pks[start : start + CHUNK].tolist()))
    yield buffer.getvalue()


def csv_stream(model, queryset) -> Iterator[str]:
    """The filtered `queryset` (a published() QuerySet of `model`) as CSV text, a chunk at a time.

    The primary keys are read here, before the response starts, so that a query the database
    refuses or cuts off is an error response rather than a truncated file.
    """
    db = queryset.db  # with replicas each call may pick another: pin one for the whole export
    return lines(EXPORTS[model], db, ordered_pks(queryset, db))

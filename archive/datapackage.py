"""What the public data package holds: its tables, their columns, and where it is served from.

Every row comes through ``published()``, and a related record's public id is
written only if that record passes the gate too (a subquery on its own
``published()``), so a link to a hidden record is left out. A withheld
detainee or speaker shows as "name withheld" with no person id. Rows are
iterated from the database in chunks, never held whole.

``manage.py build_datapackage`` writes these tables as CSVs with Table Schemas,
zips them, and swaps the result into ``<output>/current``; ``archive.views_data``
serves it.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Subquery, Value
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archive import dates
from archive import models as m
from archive.dates import DatePrecision
from archive.public import detainee_label

NAME = "karabakh-2020-response-archive"
ZIP_NAME = "datapackage.zip"
DESCRIPTOR = "datapackage.json"
CHUNK = 1000


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    description: str = ""
    source: str | Callable | None = None  # attribute or key of a row, or a function of it; default: name
    required: bool = False
    enum: tuple = ()
    ref: tuple[str, str] | None = None  # (resource, field) this column points to

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
    # Record tables only: query(base=None) is the annotated QuerySet behind `rows`, narrowed to
    # `base` (a published() QuerySet) if given; the API's CSV export reads it for filtered lists.
    query: Callable[..., QuerySet] | None = None


# --- Reaching records through the public gate ------------------------------------------------------


def public(model):
    return model.objects.published()


def public_id_of(model, field: str, value: str = "public_id"):
    """The related record's public id (or `value`) if it passes the gate, else NULL."""
    return Subquery(public(model).filter(pk=OuterRef(field)).values(value)[:1])


def passes(model, field: str) -> Exists:
    """Whether the record that `field` points to passes the gate (on SQLite far faster than `__in`)."""
    return Exists(public(model).filter(pk=OuterRef(field)))


def record_query(model, select=(), base: QuerySet | None = None, **refs) -> QuerySet:
    """Published records of `model` (or those of `base`); each alias in `refs` holds a related record's public id."""
    annotations = {alias: public_id_of(target, field) for alias, (target, field) in refs.items()}
    return (public(model) if base is None else base).select_related(*select).annotate(**annotations)


def records(model, select=(), base: QuerySet | None = None, **refs) -> Iterator:
    queryset = record_query(model, select, base, **refs).order_by("public_id")
    return queryset.iterator(chunk_size=CHUNK)


def record_table(name: str, title: str, columns: tuple[Column, ...], model, select=(), **refs) -> Table:
    rows = partial(records, model, select, **refs)
    return Table(name, title, columns, rows, ("id",), partial(record_query, model, select, **refs))


def link_rows(model, attr: str) -> Iterator:
    """(a, b) public ids of a many-to-many relation, both ends public; b is a code for languages."""
    relation = model._meta.get_field(attr)
    left, right = relation.m2m_field_name(), relation.m2m_reverse_field_name()
    target = relation.related_model
    rows = relation.remote_field.through.objects.filter(passes(model, f"{left}_id"))
    if issubclass(target, m.Record):
        rows = rows.filter(passes(target, f"{right}_id")).annotate(b=F(f"{right}__public_id"))
    else:
        rows = rows.annotate(b=F(f"{right}__pk"))
    rows = rows.annotate(a=F(f"{left}__public_id")).order_by("a", "b")
    return rows.values_list("a", "b", named=True).iterator(chunk_size=CHUNK)


# --- Columns ------------------------------------------------------------------------------------


def id_column(what: str) -> Column:
    return Column(
        "id",
        description=f"Permanent public id of the {what}; part of its citable URL.",
        source="public_id",
        required=True,
    )


def link(name: str, resource: str, source: str | Callable | None = None, description: str = "") -> Column:
    """A public id in `resource` ("" for this table), empty when there is none or it is not public."""
    where = f"{resource}.csv" if resource else "this table"
    description = f"{description} Id in {where}; empty if none or not public.".lstrip()
    return Column(name, description=description, source=source, ref=(resource, "id"))


def language(name: str, description: str, source: str | None = None) -> Column:
    return Column(name, description=description, source=source, ref=("languages", "code"))


def render_date(row) -> str:
    return _render_date(row.date_start, row.date_end, row.date_precision, get_language())


@lru_cache(maxsize=4096)
def _render_date(start, end, precision, language) -> str:
    return dates.render(start, end, precision)  # slow, and a few days recur across thousands of records


DATE_COLUMNS = (
    Column("date_start", "date", "First day, or any day inside the period that the precision implies."),
    Column("date_end", "date", "Last day of a range; empty for a single day or period."),
    Column(
        "date_precision",
        description="How precisely the sources date it: day, month, year, decade, approximate, undated…",
        required=True,
        enum=tuple(DatePrecision.values),
    ),
    Column(
        "date_display", description="The date as the archive shows it, e.g. “mid-October 2020”.", source=render_date
    ),
    Column("date_note", description="How the date is known."),
)
RECORD_COLUMNS = (
    Column("public_note", description="Public note: how this is known, where sources disagree."),
    Column("wikidata_qid", description="Wikidata item, e.g. Q1010."),
    Column("updated", "datetime", "When the record last changed (UTC).", required=True),
)
NAME_COLUMNS = (
    Column("name", description="Primary name.", required=True),
    language("name_language", "Language/script of the primary name (BCP 47).", "name_language_id"),
)


def choice(name: str, choices, description: str = "", required: bool = True) -> Column:
    return Column(name, description=description, required=required, enum=tuple(choices.values))


# --- Record tables ------------------------------------------------------------------------------


def protests() -> Table:
    columns = (
        id_column("protest"),
        Column("title", required=True),
        choice("kind", m.ProtestKind),
        choice("event_status", m.EventStatus, "Held, called for, threatened, prevented."),
        *DATE_COLUMNS,
        Column("description"),
        *RECORD_COLUMNS,
    )
    return record_table("protests", "Protests", columns, m.Protest)


def arrests() -> Table:
    columns = (
        id_column("arrest"),
        link("person_id", "people", "person_pid", "The named detainee; empty for a group or a withheld name."),
        Column("detainee", description="Who was detained, as the public may read it.", source=detainee_label),
        Column("group_description", description="For an unnamed group: who they were."),
        link("place_id", "places", "place_pid"),
        link("protest_id", "protests", "protest_pid", "The protest at or after which it happened."),
        link("authority_id", "organizations", "authority_pid", "The detaining authority."),
        *DATE_COLUMNS,
        Column("accusation", description="What they were accused of, as reported."),
        Column("formal_charge"),
        choice("outcome", m.ArrestOutcome),
        Column("outcome_date", "date"),
        Column("outcome_note"),
        Column("description"),
        *RECORD_COLUMNS,
    )
    refs = {
        "person_pid": (m.Person, "person_id"),
        "place_pid": (m.Place, "place_id"),
        "protest_pid": (m.Protest, "protest_id"),
        "authority_pid": (m.Organization, "authority_id"),
    }
    return record_table("arrests", "Arrests", columns, m.Arrest, ("person",), **refs)


def statements() -> Table:
    columns = (
        id_column("statement"),
        Column("title", required=True),
        choice("form", m.StatementForm),
        Column("speaker_description", description="Speakers not named one by one, e.g. “60 musicians”."),
        link("place_id", "places", "place_pid"),
        *DATE_COLUMNS,
        Column("summary"),
        *RECORD_COLUMNS,
    )
    return record_table("statements", "Statements", columns, m.Statement, place_pid=(m.Place, "place_id"))


def organizations() -> Table:
    columns = (
        id_column("organization"),
        *NAME_COLUMNS,
        choice("kind", m.OrganizationKind),
        link("country_id", "places", "country_pid"),
        link("based_in_id", "places", "based_in_pid"),
        link("parent_id", "", "parent_pid", "The body it is part of."),
        Column("founded_year", "integer"),
        Column("dissolved_year", "integer"),
        Column("description"),
        *RECORD_COLUMNS,
    )
    refs = {
        "country_pid": (m.Place, "country_id"),
        "based_in_pid": (m.Place, "based_in_id"),
        "parent_pid": (m.Organization, "parent_id"),
    }
    return record_table("organizations", "Organizations", columns, m.Organization, **refs)


def media_outlets() -> Table:
    columns = (
        id_column("media outlet"),
        *NAME_COLUMNS,
        choice("kind", m.OutletKind),
        link("country_id", "places", "country_pid"),
        choice("base", m.OutletBase, "Inside the country or abroad."),
        choice("affiliation", m.OutletAffiliation),
        link("owner_id", "organizations", "owner_pid"),
        Column("active_from", "integer", "First year active."),
        Column("active_until", "integer", "Last year active."),
        Column("url", description="Home page or channel address."),
        Column("description"),
        *RECORD_COLUMNS,
    )
    refs = {"country_pid": (m.Place, "country_id"), "owner_pid": (m.Organization, "owner_id")}
    return record_table("media_outlets", "Media outlets", columns, m.MediaOutlet, **refs)


def people() -> Table:
    columns = (id_column("person"), *NAME_COLUMNS, Column("description"), *RECORD_COLUMNS)
    return record_table("people", "People", columns, m.Person)


def places() -> Table:
    columns = (
        id_column("place"),
        *NAME_COLUMNS,
        choice("kind", m.PlaceKind),
        link("parent_id", "", "parent_pid", "The place this one lies in."),
        Column("latitude", "number", "WGS 84 decimal degrees."),
        Column("longitude", "number", "WGS 84 decimal degrees."),
        Column("description"),
        *RECORD_COLUMNS,
    )
    return record_table("places", "Places", columns, m.Place, parent_pid=(m.Place, "parent_id"))


def sources() -> Table:
    columns = (
        id_column("source"),
        choice("kind", m.SourceKind),
        Column("title", description="Title in the original language and script.", required=True),
        Column("title_translation", description="English translation of the title."),
        Column("authors", description="Authors as the source names them."),
        link("outlet_id", "media_outlets", "outlet_pid", "Where it was published."),
        Column("publisher"),
        language("language", "Language of the item.", "language_id"),
        Column("url", description="Where the item was read."),
        Column("accessed", "date", "When the web address was last read."),
        Column("archived_url", description="An archived copy."),
        Column("pages"),
        Column("reference_text", description="The reference exactly as the citing work prints it."),
        *DATE_COLUMNS,
        *RECORD_COLUMNS,
    )
    title = "Sources (publication date as the date)"
    return record_table("sources", title, columns, m.Source, outlet_pid=(m.MediaOutlet, "outlet_id"))


# --- Link tables --------------------------------------------------------------------------------

RECORD_TYPES = (
    ("protest", "protests", m.Protest),
    ("arrest", "arrests", m.Arrest),
    ("statement", "statements", m.Statement),
    ("organization", "organizations", m.Organization),
    ("media_outlet", "media_outlets", m.MediaOutlet),
    ("person", "people", m.Person),
    ("place", "places", m.Place),
    ("source", "sources", m.Source),
)
RESOURCE_OF = {record_type: resource for record_type, resource, _model in RECORD_TYPES}


def typed_link(record_type: str, name: str = "") -> Column:
    """Holds the row's record id when the row belongs to a `record_type` record (see record_type)."""

    def value(row):
        return row.record_pid if row.record_type == record_type else None

    description = f"The {record_type.replace('_', ' ')}, when record_type is {record_type}."
    return Column(
        name or f"{record_type}_id", description=description, source=value, ref=(RESOURCE_OF[record_type], "id")
    )


def record_type_column(types: Iterable[str]) -> Column:
    return Column(
        "record_type", description="Which kind of record the row belongs to.", required=True, enum=tuple(types)
    )


def m2m_table(name: str, title: str, model, attr: str, left: str, right: str) -> Table:
    """A link table of one many-to-many relation, both ends public."""
    target = ("languages", "code") if right == "language" else (RESOURCE_OF[right.removesuffix("_id")], "id")
    source = RESOURCE_OF[left.removesuffix("_id")]
    columns = (
        Column(left, description=f"Id in {source}.csv.", source="a", required=True, ref=(source, "id")),
        Column(right, description=f"{target[1]} in {target[0]}.csv.", source="b", required=True, ref=target),
    )
    return Table(name, title, columns, partial(link_rows, model, attr), (left, right))


def about_rows() -> Iterator[dict]:
    kinds = (
        ("about_protests", "protest_id"),
        ("about_arrests", "arrest_id"),
        ("about_statements", "about_statement_id"),
    )
    for attr, column in kinds:
        for row in link_rows(m.Statement, attr):
            yield {"statement_id": row.a, column: row.b}


def statement_about() -> Table:
    columns = (
        link("statement_id", "statements", description="The statement."),
        link("protest_id", "protests", description="A protest it concerns."),
        link("arrest_id", "arrests", description="An arrest it concerns."),
        link("about_statement_id", "statements", description="A statement it answers or refers to."),
    )
    return Table("statement_about", "What statements are about", columns, about_rows)


def speaker_rows() -> Iterator:
    statements = passes(m.Statement, "statement_id")
    people = m.Statement.speaker_people.through.objects.filter(statements).annotate(
        p=public_id_of(m.Person, "person_id"),
        o=Value(None, CharField()),
        label=public_id_of(m.Person, "person_id", "name"),
    )
    orgs = m.Statement.speaker_organizations.through.objects.filter(
        statements, passes(m.Organization, "organization_id")
    ).annotate(p=Value(None, CharField()), o=F("organization__public_id"), label=F("organization__name"))
    for rows in (people, orgs):
        rows = rows.annotate(s=F("statement__public_id")).order_by("s", "p", "o", "pk")
        yield from rows.values_list("s", "p", "o", "label", named=True).iterator(chunk_size=CHUNK)


def statement_speakers() -> Table:
    columns = (
        link("statement_id", "statements", "s"),
        link("person_id", "people", "p", "A speaker or signatory; empty (“name withheld”) if not public."),
        link("organization_id", "organizations", "o", "An organization that issued or signed it."),
        Column("name", description="The speaker's name.", source=lambda row: row.label or _("name withheld")),
    )
    return Table("statement_speakers", "Speakers and signatories of statements", columns, speaker_rows)


def statement_texts() -> Table:
    def rows():
        texts = m.StatementText.objects.filter(passes(m.Statement, "statement_id"))
        texts = texts.annotate(s=F("statement__public_id")).order_by("s", "-is_original", "language_id")
        fields = ("s", "language_id", "is_original", "text", "translator")
        return texts.values_list(*fields, named=True).iterator(chunk_size=CHUNK)

    columns = (
        link("statement_id", "statements", "s"),
        language("language", "Language and script of the text.", "language_id"),
        Column("original", "boolean", "True for the text in the language it was made in.", "is_original", True),
        Column("text", description="The words, verbatim as far as the source gives them.", required=True),
        Column("translator", description="Who translated it."),
    )
    return Table("statement_texts", "Statement texts", columns, rows, ("statement_id", "language", "original"))


def protest_slogans() -> Table:
    def rows():
        links = m.Protest.slogans.through.objects.filter(passes(m.Protest, "protest_id"))
        links = links.annotate(pr=F("protest__public_id")).order_by("pr", "slogan__text")
        fields = ("pr", "slogan__text", "slogan__language_id", "slogan__translation")
        return links.values_list(*fields, named=True).iterator(chunk_size=CHUNK)

    columns = (
        link("protest_id", "protests", "pr"),
        Column("text", description="The slogan in its original language.", source="slogan__text", required=True),
        language("language", "Language of the text.", "slogan__language_id"),
        Column("translation", description="English wording, as the source gives it.", source="slogan__translation"),
    )
    return Table("protest_slogans", "Slogans of protests", columns, rows)


def roles() -> Table:
    def rows():
        roles = m.Affiliation.objects.filter(passes(m.Person, "person_id")).annotate(
            p=F("person__public_id"), o=public_id_of(m.Organization, "organization_id")
        )
        fields = ("p", "o", "role", "date_start", "date_end", "date_precision", "date_note")
        return roles.order_by("p", "date_start", "pk").values_list(*fields, named=True).iterator(chunk_size=CHUNK)

    columns = (
        link("person_id", "people", "p"),
        link("organization_id", "organizations", "o", "Where the role was held, if public."),
        Column("role", required=True),
        *DATE_COLUMNS,
    )
    return Table("roles", "Roles and affiliations of people", columns, rows)


def citation_rows() -> Iterator:
    fields = ("record_type", "record_pid", "source_pid", "cited_in_pid")
    fields += ("footnote", "page", "quote", "quote_translation")
    for record_type, _resource, model in RECORD_TYPES:
        citations = m.Citation.objects.filter(
            passes(model, "object_id"),
            passes(m.Source, "source_id"),
            content_type=ContentType.objects.get_for_model(model),
        ).annotate(
            record_type=Value(record_type, CharField()),
            record_pid=public_id_of(model, "object_id"),
            source_pid=F("source__public_id"),
            cited_in_pid=public_id_of(m.Source, "cited_in_id"),
        )
        citations = citations.order_by("record_pid", "footnote", "pk")
        yield from citations.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def citations() -> Table:
    columns = (
        record_type_column(RESOURCE_OF),
        *(typed_link(t, "record_source_id" if t == "source" else "") for t in RESOURCE_OF),
        link("source_id", "sources", "source_pid", "The supporting source."),
        link("cited_in_id", "sources", "cited_in_pid", "The work through which the archive knows the source."),
        Column("footnote", "integer", "Footnote number in the citing work."),
        Column("page", description="Page or other locator."),
        Column("quote", description="The passage that supports the record, verbatim."),
        Column("quote_translation", description="English translation of the passage."),
    )
    return Table("citations", "Citations: which source supports which record", columns, citation_rows)


NAMED = (
    ("person", m.Person, m.PersonName),
    ("organization", m.Organization, m.OrganizationName),
    ("media_outlet", m.MediaOutlet, m.OutletName),
    ("place", m.Place, m.PlaceName),
)


def other_name_rows() -> Iterator:
    for record_type, model, name_model in NAMED:
        names = name_model.objects.filter(passes(model, "owner_id")).annotate(
            record_type=Value(record_type, CharField()), record_pid=F("owner__public_id")
        )
        names = names.order_by("record_pid", "language_id", "name")
        fields = ("record_type", "record_pid", "name", "language_id", "kind")
        yield from names.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def other_names() -> Table:
    columns = (
        record_type_column(t for t, _model, _names in NAMED),
        *(typed_link(t) for t, _model, _names in NAMED),
        Column("name", description="The name exactly as written in this script.", required=True),
        language("language", "Language and script of this form.", "language_id"),
        choice("kind", m.NameKind, "How this name relates to the primary name."),
    )
    return Table("other_names", "Other names, in every language and script", columns, other_name_rows)


CLAIMS = (
    ("protest_size", "protest", m.ProtestSizeClaim),
    ("detained", "arrest", m.ArrestCountClaim),
    ("signatories", "statement", m.SignatoryClaim),
)


def claim_rows() -> Iterator:
    fields = ("claim_type", "record_type", "record_pid", "group_text", "words", "low", "high", "claimant")
    fields += ("claimant_kind", "source_pid", "footnote", "note")
    for claim_type, record_type, model in CLAIMS:
        owner = model._meta.get_field(record_type).related_model
        claims = model.objects.filter(passes(owner, f"{record_type}_id")).annotate(
            claim_type=Value(claim_type, CharField()),
            record_type=Value(record_type, CharField()),
            record_pid=F(f"{record_type}__public_id"),
            group_text=F("group") if record_type == "statement" else Value("", CharField()),
            source_pid=public_id_of(m.Source, "source_id"),
        )
        claims = claims.order_by("record_pid", "pk")
        yield from claims.values_list(*fields, named=True).iterator(chunk_size=CHUNK)


def count_claims() -> Table:
    columns = (
        Column("claim_type", description="What is counted.", required=True, enum=tuple(c[0] for c in CLAIMS)),
        record_type_column(c[1] for c in CLAIMS),
        *(typed_link(c[1]) for c in CLAIMS),
        Column("signatories", description="Who signed, as described (signatories only).", source="group_text"),
        Column("words", description="The figure in the source's words: “twenty”, “hundreds”."),
        Column("low", "integer", "Lowest number the words allow."),
        Column("high", "integer", "Highest number the words allow; empty if open-ended."),
        Column("claimant", description="Who gives this figure."),
        choice("claimant_kind", m.ClaimantKind, "What sort of voice makes the claim."),
        link("source_id", "sources", "source_pid", "The source that carries the figure, if public."),
        Column("footnote", "integer", "Footnote number in the citing work."),
        Column("note", description="E.g. which other claim this contradicts."),
    )
    return Table("count_claims", "Counts as claimed: crowd sizes, numbers detained, signatories", columns, claim_rows)


def languages() -> Table:
    columns = (
        Column("code", description="BCP 47 tag, e.g. az-Latn, fa.", required=True),
        Column("name", description="English name.", required=True),
        Column("native_name", description="The language's name for itself."),
        Column("direction", description="Writing direction.", required=True, enum=("ltr", "rtl")),
    )
    rows = m.Language.objects.order_by("code").iterator
    return Table("languages", "Languages and scripts", columns, partial(rows, chunk_size=CHUNK), ("code",))


LINKS = (  # name, title, model, relation, left column, right column
    ("protest_places", "Where protests took place", m.Protest, "places", "protest_id", "place_id"),
    ("protest_organizers", "Who organized protests", m.Protest, "organizers", "protest_id", "organization_id"),
    ("statement_reported_in", "Who carried statements", m.Statement, "reported_in", "statement_id", "media_outlet_id"),
    ("media_outlet_languages", "Outlets' languages", m.MediaOutlet, "languages", "media_outlet_id", "language"),
    ("source_authors", "Authors who have a record", m.Source, "author_people", "source_id", "person_id"),
)
RECORD_TABLES = (protests, arrests, statements, organizations, media_outlets, people, places, sources)
OTHER_TABLES = (protest_slogans, statement_speakers, statement_texts, statement_about, roles, citations, other_names)


def tables() -> list[Table]:
    return [
        *(spec() for spec in RECORD_TABLES),
        *(m2m_table(*link) for link in LINKS),
        *(spec() for spec in OTHER_TABLES),
        count_claims(),
        languages(),
    ]


# --- Where the served package lives ---------------------------------------------------------------


def output_dir() -> Path:
    return Path(getattr(settings, "ARCHIVE_DATA_DIR", settings.BASE_DIR / "var" / "datapackage"))


def current_file(name: str, output: Path | None = None) -> Path:
    """A file of the package now being served: <output>/current/<name>."""
    return Path(output or output_dir()) / "current" / name

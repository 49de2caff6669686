"""The tables the generator fills, and how a generated row maps onto each.

A generator supplies the fields it cares about, in a fixed order; every other
concrete column gets the model field's own default, computed once (an empty
string, False, NULL). Columns the database fills itself (``db_default``, the
PostgreSQL-generated search vector) are left out. So a field another change
adds with a default keeps working, and one added without a default fails at
the start with its name, not halfway through a load.
"""

from dataclasses import dataclass, field

from django.db import models as dj

from archive import models as m


class SchemaError(RuntimeError):
    """The models have a required column the generator does not fill."""


@dataclass
class Table:
    name: str
    model: type[dj.Model]
    fields: list[str]
    columns: list[str] = field(default_factory=list)
    fill: tuple = ()
    prep: list = field(default_factory=list)

    def __post_init__(self):
        meta = self.model._meta
        supplied = [meta.get_field(name) for name in self.fields]
        self.columns = [f.column for f in supplied]
        extra_fields, fill = [], []
        for f in meta.concrete_fields:
            if f in supplied or f.has_db_default():
                continue
            if f.primary_key or (f.unique and not f.null) or (not f.null and not _has_default(f)):
                raise SchemaError(f"{meta.label}.{f.name} has no default and the generator does not fill it")
            extra_fields.append(f)
            fill.append(f.get_default())
        self.columns += [f.column for f in extra_fields]
        self.fill = tuple(fill)
        self.prep = [f.get_db_prep_save for f in supplied + extra_fields]

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table


def _has_default(f) -> bool:
    # Django gives non-null text fields "" when no default is declared; anything else needs one.
    return f.has_default() or f.empty_strings_allowed or isinstance(f, dj.BooleanField)


RECORD = ["id", "public_id", "status", "withdrawn_reason", "restricted", "private_note", "created", "updated"]
DATED = ["date_start", "date_end", "date_precision", "date_note"]
NAME = ["id", "owner_id", "name", "language_id", "kind"]
CLAIM = ["id", "words", "low", "high", "claimant", "claimant_kind", "source_id", "footnote"]


def _through(model, attr):
    return getattr(model, attr).through


def _link(name, model, attr):
    through = _through(model, attr)
    columns = [f.attname for f in through._meta.concrete_fields if not f.primary_key]
    return Table(name, through, ["id", *columns])


# (name, model, fields) in load order, parents before the rows that point at them; a field list
# that is one string names a many-to-many field, whose link table is filled.
SPECS = [
    (
        "place",
        m.Place,
        [
            *RECORD,
            "name",
            "name_language_id",
            "kind",
            "parent_id",
            "latitude",
            "longitude",
            "description",
            "wikidata_qid",
        ],
    ),
    ("placename", m.PlaceName, NAME),
    (
        "organization",
        m.Organization,
        [
            *RECORD,
            "name",
            "name_language_id",
            "kind",
            "country_id",
            "based_in_id",
            "parent_id",
            "founded_year",
            "dissolved_year",
            "description",
        ],
    ),
    ("organizationname", m.OrganizationName, NAME),
    ("person", m.Person, [*RECORD, "name", "name_language_id", "description", "at_risk"]),
    ("personname", m.PersonName, NAME),
    ("affiliation", m.Affiliation, ["id", *DATED, "person_id", "organization_id", "role"]),
    (
        "mediaoutlet",
        m.MediaOutlet,
        [
            *RECORD,
            "name",
            "name_language_id",
            "kind",
            "country_id",
            "base",
            "affiliation",
            "owner_id",
            "active_from",
            "active_until",
            "url",
            "description",
        ],
    ),
    ("outletname", m.OutletName, NAME),
    ("mediaoutlet_languages", m.MediaOutlet, "languages"),
    (
        "source",
        m.Source,
        [
            *RECORD,
            *DATED,
            "kind",
            "title",
            "title_translation",
            "authors",
            "outlet_id",
            "publisher",
            "language_id",
            "url",
            "accessed",
            "archived_url",
            "pages",
            "reference_text",
        ],
    ),
    ("source_author_people", m.Source, "author_people"),
    ("slogan", m.Slogan, ["id", "text", "language_id", "translation"]),
    ("protest", m.Protest, [*RECORD, *DATED, "title", "kind", "event_status", "description"]),
    ("protest_places", m.Protest, "places"),
    ("protest_organizers", m.Protest, "organizers"),
    ("protest_slogans", m.Protest, "slogans"),
    ("protestsizeclaim", m.ProtestSizeClaim, [*CLAIM, "protest_id"]),
    (
        "arrest",
        m.Arrest,
        [
            *RECORD,
            *DATED,
            "person_id",
            "group_description",
            "place_id",
            "protest_id",
            "authority_id",
            "accusation",
            "formal_charge",
            "outcome",
            "outcome_date",
            "outcome_note",
            "description",
        ],
    ),
    ("arrestcountclaim", m.ArrestCountClaim, [*CLAIM, "arrest_id"]),
    ("statement", m.Statement, [*RECORD, *DATED, "title", "form", "speaker_description", "place_id", "summary"]),
    ("statementtext", m.StatementText, ["id", "statement_id", "language_id", "text", "is_original", "translator"]),
    ("signatoryclaim", m.SignatoryClaim, [*CLAIM, "statement_id", "group"]),
    ("statement_speaker_people", m.Statement, "speaker_people"),
    ("statement_speaker_organizations", m.Statement, "speaker_organizations"),
    ("statement_reported_in", m.Statement, "reported_in"),
    ("statement_about_protests", m.Statement, "about_protests"),
    ("statement_about_arrests", m.Statement, "about_arrests"),
    ("statement_about_statements", m.Statement, "about_statements"),
    (
        "citation",
        m.Citation,
        [
            "id",
            "content_type_id",
            "object_id",
            "source_id",
            "cited_in_id",
            "footnote",
            "page",
            "quote",
            "quote_translation",
            "note",
        ],
    ),
    ("tombstone", m.Tombstone, ["id", "record_type", "public_id", "status", "reason", "removed_at"]),
    # Not generated: derived from the records by the write path (archive.changes) once they are loaded.
    # Listed so that it is emptied, checked for existing rows and has its sequence reset with the rest.
    (
        "searchentry",
        m.SearchEntry,
        [
            "id",
            "content_type_id",
            "object_id",
            "record_type",
            "title",
            "names",
            "body",
            "text",
            "is_public",
            "date",
            "updated",
        ],
    ),
]


def build_tables() -> dict[str, Table]:
    tables = [_link(*spec) if isinstance(spec[2], str) else Table(*spec) for spec in SPECS]
    return {table.name: table for table in tables}


# The record types whose rows mean "this database already holds an archive".
RECORD_MODELS = [m.Place, m.Person, m.Organization, m.MediaOutlet, m.Source, m.Protest, m.Arrest, m.Statement]

"""The columns of each record type's import/export file, in file order."""

from archive import models as m
from archive.resources.base import record_resource
from archive.resources.cells import (
    BooleanWidget,
    ChoiceWidget,
    DayWidget,
    DecimalWidget,
    IntegerWidget,
    LanguageWidget,
)
from archive.resources.fields import (
    ClaimPart,
    Column,
    DateColumn,
    OtherNamesPart,
    RaiseOnlyColumn,
    RelationColumn,
    StatementTextPart,
)
from archive.resources.refs import LanguagesWidget, RecordsWidget, RecordWidget, SlogansWidget

COUNTRY = {"kind": m.PlaceKind.COUNTRY}


def ref(attribute, model, **kwargs) -> Column:
    return Column(attribute, RecordWidget(model, **kwargs))


def refs(attribute, model, **kwargs) -> RelationColumn:
    return RelationColumn(attribute, RecordsWidget(model, **kwargs))


def choice(attribute, choices, default=None) -> Column:
    extra = {"default": default} if default is not None else {}
    return Column(attribute, ChoiceWidget(choices), **extra)


def dated() -> list:
    return [DateColumn(), Column("date_note")]


def named() -> list:
    return [Column("public_id"), Column("name"), Column("name_language", LanguageWidget())]


NAMES_PREFETCH = ("other_names",)

PlaceResource = record_resource(
    m.Place,
    [
        *named(),
        choice("kind", m.PlaceKind),
        ref("parent", m.Place),
        Column("latitude", DecimalWidget()),
        Column("longitude", DecimalWidget()),
        Column("description"),
    ],
    parts=(OtherNamesPart(),),
    prefetch=NAMES_PREFETCH,
)

PersonResource = record_resource(
    m.Person,
    [*named(), Column("description"), RaiseOnlyColumn("at_risk", BooleanWidget(), default=False)],
    parts=(OtherNamesPart(),),
    prefetch=NAMES_PREFETCH,
)

OrganizationResource = record_resource(
    m.Organization,
    [
        *named(),
        choice("kind", m.OrganizationKind),
        ref("country", m.Place, limit=COUNTRY, what="country"),
        ref("based_in", m.Place),
        ref("parent", m.Organization),
        Column("founded_year", IntegerWidget()),
        Column("dissolved_year", IntegerWidget()),
        Column("description"),
    ],
    parts=(OtherNamesPart(),),
    prefetch=NAMES_PREFETCH,
)

MediaOutletResource = record_resource(
    m.MediaOutlet,
    [
        *named(),
        choice("kind", m.OutletKind),
        RelationColumn("languages", LanguagesWidget()),
        ref("country", m.Place, limit=COUNTRY, what="country"),
        choice("base", m.OutletBase, default=m.OutletBase.UNKNOWN),
        choice("affiliation", m.OutletAffiliation, default=m.OutletAffiliation.UNKNOWN),
        ref("owner", m.Organization),
        Column("active_from", IntegerWidget()),
        Column("active_until", IntegerWidget()),
        Column("url"),
        Column("description"),
    ],
    parts=(OtherNamesPart(),),
    prefetch=(*NAMES_PREFETCH, "languages"),
)

SourceResource = record_resource(
    m.Source,
    [
        Column("public_id"),
        choice("kind", m.SourceKind),
        Column("title"),
        Column("title_translation"),
        Column("authors"),
        refs("author_people", m.Person),
        ref("outlet", m.MediaOutlet),
        Column("publisher"),
        Column("language", LanguageWidget()),
        *dated(),
        Column("url"),
        Column("accessed", DayWidget()),
        Column("archived_url"),
        Column("pages"),
        Column("reference_text"),
    ],
    prefetch=("author_people",),
)

ProtestResource = record_resource(
    m.Protest,
    [
        Column("public_id"),
        Column("title"),
        choice("kind", m.ProtestKind),
        choice("event_status", m.EventStatus, default=m.EventStatus.HELD),
        *dated(),
        refs("places", m.Place),
        refs("organizers", m.Organization),
        RelationColumn("slogans", SlogansWidget()),
        Column("description"),
    ],
    parts=(ClaimPart("size_claims", "size"),),
    prefetch=("places", "organizers", "slogans", "size_claims"),
)

ArrestResource = record_resource(
    m.Arrest,
    [
        Column("public_id"),
        ref("person", m.Person),
        Column("group_description"),
        *dated(),
        ref("place", m.Place),
        ref("protest", m.Protest),
        ref("authority", m.Organization),
        Column("accusation"),
        Column("formal_charge"),
        choice("outcome", m.ArrestOutcome, default=m.ArrestOutcome.UNKNOWN),
        Column("outcome_date", DayWidget()),
        Column("outcome_note"),
        Column("description"),
    ],
    parts=(ClaimPart("count_claims", "number"),),
    prefetch=("count_claims",),
)

StatementResource = record_resource(
    m.Statement,
    [
        Column("public_id"),
        Column("title"),
        choice("form", m.StatementForm),
        *dated(),
        refs("speaker_people", m.Person),
        refs("speaker_organizations", m.Organization),
        Column("speaker_description"),
        ref("place", m.Place),
        Column("summary"),
        refs("reported_in", m.MediaOutlet),
        refs("about_protests", m.Protest),
        refs("about_arrests", m.Arrest),
        refs("about_statements", m.Statement),
    ],
    parts=(StatementTextPart(), ClaimPart("signatory_claims", "signatories", match="group", group="signatories")),
    prefetch=(
        "speaker_people",
        "speaker_organizations",
        "reported_in",
        "about_protests",
        "about_arrests",
        "about_statements",
        "texts",
        "signatory_claims",
    ),
)

RESOURCES = {
    resource._meta.model: resource
    for resource in (
        ProtestResource,
        ArrestResource,
        StatementResource,
        OrganizationResource,
        MediaOutletResource,
        PersonResource,
        PlaceResource,
        SourceResource,
    )
}

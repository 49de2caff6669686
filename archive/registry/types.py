"""The eight record types, in the archive's order (home page counts, lists, the data package)."""

from django.utils.translation import gettext_lazy as _

from archive import models as m
from archive.public import detainee_label
from archive.registry.spec import (
    Claims,
    Computed,
    Document,
    Field,
    Identity,
    Names,
    RecordType,
    Roles,
    Section,
    Texts,
)


def TEXT(name: str) -> Field:
    """A text field the record may also hold in other languages."""
    return Field(name, translatable=True)


NAMED_DOCUMENT = Document(names=("name", "other_names__name"), text=("description",))

PROTESTS = RecordType(
    key="protests",
    id_prefix="protest",
    # A new imported row with the same identity as a record is a probable duplicate of it.
    identity=Identity("title", ("date",), places=True),
    model=m.Protest,
    fields=(
        TEXT("title"),
        "kind",
        "event_status",
        "date",
        "places",
        "about_place",
        "organizers",
        "slogans",
        TEXT("description"),
    ),
    label="title",
    document=Document(
        names=("title",),
        text=("description", "slogans__text", "slogans__translation", "places__name", "organizers__name"),
    ),
    parts=(Claims("size_claims", prefix="size", what="protest_size", label=_("Size")),),
    sections=(
        Section(_("Places"), ("places",)),
        Section(_("Organizers"), ("organizers",)),
        Section(_("Arrests"), ("arrests",)),
        Section(_("Statements about it"), ("statements",)),
    ),
    reverse=("arrests", "statements"),
    link_tables={
        "places": ("protest_places", "protest_id", "place_id"),
        "organizers": ("protest_organizers", "protest_id", "organization_id"),
    },
    filterset="archive.filters.ProtestFilter",
    admin_list=(
        "title",
        "date_display",  # as precise as known ("mid-October 2020"); precision is a filter
        "kind",
        "event_status",
        "places",
        "size_claims",
        "status",
        "restricted",
        "updated",
    ),
    title="Protests",
)

ARRESTS = RecordType(
    key="arrests",
    id_prefix="arrest",
    id_words=False,  # an arrest's label names the detainee, who may come to be at risk
    identity=Identity("group_description", ("person_id", "place_id", "date")),
    model=m.Arrest,
    fields=(
        "person",
        "group_description",
        "date",
        "place",
        "protest",
        "authority",
        "accusation",
        "formal_charge",
        "outcome",
        "outcome_date",
        "outcome_note",
        TEXT("description"),
    ),
    label=detainee_label,
    label_paths=("person",),
    document=Document(names=(detainee_label,), text=("description", "accusation", "place__name", "protest__title")),
    parts=(Claims("count_claims", prefix="number", what="detained", label=_("Number detained")),),
    sections=(
        Section(_("Detainee"), ("person",)),
        Section(_("Place"), ("place",)),
        Section(_("At protest"), ("protest",)),
        Section(_("Detaining authority"), ("authority",)),
        Section(_("Statements about it"), ("statements",)),
    ),
    reverse=("statements",),
    computed=(Computed("detainee", detainee_label, "Who was detained, as the public may read it."),),
    filterset="archive.filters.ArrestFilter",
    admin_list=(
        "__str__",
        "date_display",  # as precise as known ("mid-October 2020"); precision is a filter
        "place",
        "protest",
        "authority",
        "count_claims",
        "outcome",
        "status",
        "restricted",
    ),
    title="Arrests",
)

STATEMENTS = RecordType(
    key="statements",
    id_prefix="statement",
    identity=Identity("title", ("place_id", "date")),
    model=m.Statement,
    fields=(
        TEXT("title"),
        "form",
        "date",
        "speaker_people",
        "speaker_organizations",
        "speaker_description",
        "place",
        TEXT("summary"),
        "reported_in",
        "about_protests",
        "about_arrests",
        "about_statements",
    ),
    label="title",
    document=Document(
        names=("title",),
        text=(
            "summary",
            "speaker_description",
            "texts__text",
            "speaker_people__name",
            "speaker_organizations__name",
            "signatory_claims__group",
        ),
    ),
    parts=(
        Texts(),
        Claims("signatory_claims", prefix="signatories", what="signatories", group=True, label=_("Signatories")),
    ),
    sections=(
        Section(_("Speakers"), ("speaker_people", "speaker_organizations")),
        Section(_("Place"), ("place",)),
        Section(_("Reported in"), ("reported_in",)),
        Section(_("About"), ("about_protests", "about_arrests", "about_statements")),
        Section(_("Answered or cited by"), ("referenced_by",)),
    ),
    api_groups={
        "speakers": ("speaker_people", "speaker_organizations"),
        "about": ("about_protests", "about_arrests", "about_statements"),
    },
    link_tables={
        "speaker_people": ("statement_speaker_people", "statement_id", "person_id"),
        "speaker_organizations": ("statement_speaker_organizations", "statement_id", "organization_id"),
        "reported_in": ("statement_reported_in", "statement_id", "media_outlet_id"),
        "about_protests": ("statement_about_protests", "statement_id", "protest_id"),
        "about_arrests": ("statement_about_arrests", "statement_id", "arrest_id"),
        "about_statements": ("statement_about_statements", "statement_id", "about_statement_id"),
    },
    filterset="archive.filters.StatementFilter",
    admin_list=(
        "title",
        "form",
        "date_display",  # as precise as known ("mid-October 2020"); precision is a filter
        "place",
        "signatory_claims",
        "status",
        "restricted",
        "updated",
    ),
    admin_filters=(("texts__language", "related_only"),),
    title="Statements",
)

ORGANIZATIONS = RecordType(
    key="organizations",
    id_prefix="org",
    identity=Identity("name", ("kind",)),
    model=m.Organization,
    fields=(
        "name",
        "name_language",
        "kind",
        "country",
        "based_in",
        "parent",
        "founded_year",
        "dissolved_year",
        TEXT("description"),
    ),
    label="name",
    document=NAMED_DOCUMENT,
    parts=(Names(),),
    sections=(
        Section(_("Part of"), ("parent",)),
        Section(_("Parts"), ("children",)),
        Section(_("Based in"), ("based_in",)),
        Section(_("Protests organized"), ("protests_organized",)),
        Section(_("Statements"), ("statements",)),
        Section(_("Arrests made"), ("arrests_made",)),
        Section(_("Media outlets"), ("outlets",)),
    ),
    filterset="archive.filters.OrganizationFilter",
    admin_list=("name", "kind", "country", "based_in", "founded_year", "status", "updated"),
    title="Organizations",
    mergeable=True,
)

MEDIA_OUTLETS = RecordType(
    key="media-outlets",
    id_prefix="outlet",
    identity=Identity("name", ("kind",)),
    model=m.MediaOutlet,
    fields=(
        "name",
        "name_language",
        "kind",
        "languages",
        "country",
        "base",
        "affiliation",
        "owner",
        "active_from",
        "active_until",
        Field("url", api_name="web_address"),
        TEXT("description"),
    ),
    label="name",
    document=NAMED_DOCUMENT,
    parts=(Names(),),
    sections=(
        Section(_("Owner"), ("owner",)),
        Section(_("Sources"), ("sources",)),
        Section(_("Statements it reported"), ("statements_reported",)),
    ),
    link_tables={"languages": ("media_outlet_languages", "media_outlet_id", "language")},
    filterset="archive.filters.MediaOutletFilter",
    admin_list=("name", "kind", "affiliation", "base", "active_from", "active_until", "status", "updated"),
    admin_filters=(("languages", None),),
    title="Media outlets",
    mergeable=True,
)

PEOPLE = RecordType(
    key="people",
    id_prefix="person",
    identity=Identity("name"),
    model=m.Person,
    fields=("name", "name_language", TEXT("description"), Field("at_risk", public=False, protective=True)),
    label="name",
    document=NAMED_DOCUMENT,
    parts=(Names(), Roles()),
    sections=(
        Section(_("Statements"), ("statements",)),
        Section(_("Arrests"), ("arrests",)),
        Section(_("Sources written"), ("authored_sources",)),
    ),
    filterset="archive.filters.PersonFilter",
    admin_list=("name", "at_risk", "status", "restricted", "updated"),
    admin_filters=(("at_risk", None),),
    title="People",
    mergeable=True,
)

PLACES = RecordType(
    key="places",
    id_prefix="place",
    identity=Identity("name", ("parent_id",)),
    model=m.Place,
    fields=("name", "name_language", "kind", "parent", "latitude", "longitude", TEXT("description")),
    label="name",
    document=NAMED_DOCUMENT,
    parts=(Names(),),
    sections=(
        Section(_("Part of"), ("parent",)),
        Section(_("Places in it"), ("children",)),
        Section(_("Protests"), ("protests",), listed_by="place"),
        Section(_("Arrests"), ("arrests",), listed_by="place"),
        Section(_("Statements"), ("statements",), listed_by="place"),
    ),
    filterset="archive.filters.PlaceFilter",
    admin_list=("name", "kind", "parent", "latitude", "longitude", "status", "updated"),
    title="Places",
    mergeable=True,
)

SOURCES = RecordType(
    key="sources",
    id_prefix="source",
    identity=Identity("title", ("outlet_id", "date")),
    model=m.Source,
    fields=(
        "kind",
        Field("title", translatable=True, written_in="language", english="title_translation"),
        "title_translation",
        "authors",
        "author_people",
        "outlet",
        "publisher",
        "language",
        "date",
        Field("url", api_name="web_address"),
        "accessed",
        "archived_url",
        "pages",
        "reference_text",
    ),
    label="title",
    document=Document(names=("title", "title_translation", "authors"), text=("reference_text", "outlet__name")),
    sections=(Section(_("Outlet"), ("outlet",)), Section(_("Authors"), ("author_people",))),
    link_tables={"author_people": ("source_authors", "source_id", "person_id")},
    filterset="archive.filters.SourceFilter",
    admin_list=("title", "authors", "kind", "outlet", "date_display", "language", "status"),
    title="Sources (publication date as the date)",
)

TYPES = (PROTESTS, ARRESTS, STATEMENTS, ORGANIZATIONS, MEDIA_OUTLETS, PEOPLE, PLACES, SOURCES)

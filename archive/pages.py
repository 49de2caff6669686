"""What a public record page shows: its fields and its related records, all
reached through the public gate. Used by the site's record pages."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from archive import models
from archive.public import detainee_label

# URL segment of each public type.
SLUGS = {
    "protests": models.Protest,
    "arrests": models.Arrest,
    "statements": models.Statement,
    "organizations": models.Organization,
    "media-outlets": models.MediaOutlet,
    "people": models.Person,
    "places": models.Place,
    "sources": models.Source,
}
SLUG_OF = {model: slug for slug, model in SLUGS.items()}


def title_of(record) -> str:
    if isinstance(record, models.Arrest):
        return str(detainee_label(record))
    return getattr(record, "name", None) or getattr(record, "title", "")


@dataclass
class Section:
    label: str
    records: list = field(default_factory=list)


def _published(manager):
    return list(manager.published()) if hasattr(manager, "published") else [r for r in manager.all() if r.is_public]


def _one(record):
    return [record] if record is not None and record.is_public else []


def related_sections(record) -> list[Section]:
    """Related records linked both ways, only those the public may open."""
    match record:
        case models.Protest():
            pairs = [
                (_("Places"), _published(record.places)),
                (_("Organizers"), _published(record.organizers)),
                (_("Arrests"), _published(record.arrests)),
                (_("Statements about it"), _published(record.statements)),
            ]
        case models.Arrest():
            pairs = [
                (_("Detainee"), _one(record.person)),
                (_("Place"), _one(record.place)),
                (_("At protest"), _one(record.protest)),
                (_("Detaining authority"), _one(record.authority)),
                (_("Statements about it"), _published(record.statements)),
            ]
        case models.Statement():
            about = _published(record.about_protests) + _published(record.about_arrests)
            pairs = [
                (_("Speakers"), _published(record.speaker_people) + _published(record.speaker_organizations)),
                (_("Place"), _one(record.place)),
                (_("Reported in"), _published(record.reported_in)),
                (_("About"), about + _published(record.about_statements)),
                (_("Answered or cited by"), _published(record.referenced_by)),
            ]
        case models.Organization():
            pairs = [
                (_("Part of"), _one(record.parent)),
                (_("Parts"), _published(record.children)),
                (_("Based in"), _one(record.based_in)),
                (_("Protests organized"), _published(record.protests_organized)),
                (_("Statements"), _published(record.statements)),
                (_("Arrests made"), _published(record.arrests_made)),
                (_("Media outlets"), _published(record.outlets)),
            ]
        case models.Person():
            pairs = [
                (_("Statements"), _published(record.statements)),
                (_("Arrests"), _published(record.arrests)),
                (_("Sources written"), _published(record.authored_sources)),
            ]
        case models.Place():
            pairs = [
                (_("Part of"), _one(record.parent)),
                (_("Places in it"), _published(record.children)),
                (_("Protests"), _published(record.protests)),
                (_("Arrests"), _published(record.arrests)),
                (_("Statements"), _published(record.statements)),
            ]
        case models.MediaOutlet():
            pairs = [
                (_("Owner"), _one(record.owner)),
                (_("Sources"), _published(record.sources)),
                (_("Statements it reported"), _published(record.statements_reported)),
            ]
        case models.Source():
            pairs = [(_("Outlet"), _one(record.outlet)), (_("Authors"), _published(record.author_people))]
        case _:
            pairs = []
    return [Section(str(label), records) for label, records in pairs if records]


def public_citations(record) -> list:
    citations = record.citations.select_related("source", "cited_in")
    return [c for c in citations if c.source.is_public]


def cited_by(source) -> list:
    """Records that cite a source, for the source's page: one query per record type."""
    ids_by_type: dict = {}
    for content_type_id, object_id in models.Citation.objects.filter(source=source).values_list(
        "content_type_id", "object_id"
    ):
        ids_by_type.setdefault(content_type_id, set()).add(object_id)
    found = []
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model in SLUG_OF:
            found.extend(model.objects.published().filter(pk__in=ids))
    return found

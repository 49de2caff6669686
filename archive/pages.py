"""What a public record page shows besides its own fields: its related records, its citations,
and for a source the records citing it — all reached through the public gate."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from archive import models, registry


def title_of(record) -> str:
    """What the public calls a record (an arrest: who was detained, name withheld if need be)."""
    return str(registry.of(record).label_of(record))


@dataclass
class Section:
    label: str
    records: list = field(default_factory=list)


def _public(record, path: str) -> list:
    value = getattr(record, path)
    if hasattr(value, "published"):
        return list(value.published())
    if hasattr(value, "all"):
        return [r for r in value.all() if r.is_public]
    return [value] if value is not None and value.is_public else []


def related_sections(record) -> list[Section]:
    """Related records linked both ways, only those the public may open."""
    sections = []
    for section in registry.of(record).sections:
        records = [related for path in section.paths for related in _public(record, path)]
        if records:
            sections.append(Section(str(section.label), records))
    return sections


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
        if registry.is_record(model):
            found.extend(model.objects.published().filter(pk__in=ids))
    return found

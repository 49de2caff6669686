"""Index entries: what each record contributes to search, from its registry `Document`.

Written only by the write path (archive.changes), a thousand records per upsert, and by
`rebuild()`. Only public facts go into an entry: a path through a linked record (a protest's
organizers' names) passes only records the public may see.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Manager
from django.utils import timezone

from archive import models, registry
from archive.folding import clean, fold

CHUNK = 1000

# What an upsert rewrites: every column of the entry but its key.
ENTRY_FIELDS = [
    f.name for f in models.SearchEntry._meta.concrete_fields if f.name not in {"id", "content_type", "object_id"}
]


def _values(record, path: str) -> list[str]:
    """The strings a path reaches from a record, through public records only."""
    found = [record]
    for name in path.split("__"):
        reached = []
        for obj in found:
            value = getattr(obj, name, None)
            items = list(value.all()) if isinstance(value, Manager) else [value]
            reached += [item for item in items if item is not None and getattr(item, "is_public", True)]
        found = reached
    return [value for value in found if isinstance(value, str) and value]


def _strings(record, entries) -> list[str]:
    out = []
    for entry in entries:
        if callable(entry):
            value = entry(record)
            out += [value] if isinstance(value, str) else list(value)
        else:
            out += _values(record, entry)
    return [text for text in out if text]


def entry_values(record) -> dict:
    record_type = registry.of(record)
    document = record_type.document
    names = [fold(name) for name in _strings(record, document.names)]
    text = "\n".join(_strings(record, document.text))
    return {
        "record_type": record_type.key,
        "title": str(record_type.label_of(record))[:1000],
        "names": "| " + " | ".join(name for name in names if name) + " |",
        "body": " " + fold(text),
        "text": clean(text),
        "is_public": record.is_public,
        "date": getattr(record, "date_start", None),
    }


def _relations(record_type) -> tuple[list[str], list[str]]:
    """(select_related, prefetch_related) for reading what a type's document shows."""
    select, prefetch = list(record_type.label_paths), []
    paths = [entry for entry in (*record_type.document.names, *record_type.document.text) if isinstance(entry, str)]
    for path in paths:
        relation = path.split("__")[:-1]
        model, forward = record_type.model, True
        for name in relation:
            field = model._meta.get_field(name)
            forward = forward and field.many_to_one
            model = field.related_model
        if relation:
            (select if forward else prefetch).append("__".join(relation))
    return list(dict.fromkeys(select)), list(dict.fromkeys(prefetch))


def reindex_records(model, pks) -> int:
    """Write (or rewrite) the entries of these records, a thousand per upsert."""
    pks = sorted(set(pks))
    select, prefetch = _relations(registry.of(model))
    content_type = ContentType.objects.get_for_model(model)
    for start in range(0, len(pks), CHUNK):
        records = model._base_manager.filter(pk__in=pks[start : start + CHUNK])
        now = timezone.now()
        entries = [
            models.SearchEntry(content_type=content_type, object_id=record.pk, updated=now, **entry_values(record))
            for record in records.select_related(*select).prefetch_related(*prefetch)
        ]
        models.SearchEntry.objects.bulk_create(
            entries, update_conflicts=True, unique_fields=["content_type", "object_id"], update_fields=ENTRY_FIELDS
        )
    return len(pks)


def remove_records(model, pks) -> None:
    content_type = ContentType.objects.get_for_model(model)
    pks = sorted(set(pks))
    for start in range(0, len(pks), CHUNK):
        models.SearchEntry.objects.filter(content_type=content_type, object_id__in=pks[start : start + CHUNK]).delete()


def rebuild() -> int:
    """Every entry afresh (after bulk SQL that bypassed the write path)."""
    models.SearchEntry.objects.all().delete()
    return sum(
        reindex_records(record_type.model, record_type.model._base_manager.values_list("pk", flat=True))
        for record_type in registry.TYPES
    )

"""Which records show which: the one dependency graph of the write path.

A record's public form (its API record, its page, its search entry, its rows in the data package)
shows other records: a protest its places' names, an arrest its detainee's name (or that it is
withheld), a statement its speakers, every record its sources' titles. When a record changes, the
records that show it must change with it (a new `updated`, a new search entry). The edges come
from the registry (`RecordType.links`): its relation fields, its parts' links, its citations, its
page sections and its API's reverse lists. Two more kinds of edge are added here:

- a label read through a relation: an arrest is labelled by its detainee, so a protest that lists
  its arrests shows the detainee's name too (``arrests__person``);
- a source's page lists the records that cite it.
"""

from collections import defaultdict
from functools import cache

from django.contrib.contenttypes.models import ContentType

from archive import models as m
from archive.registry import BY_MODEL, TYPES

CHUNK = 1000


@cache
def edges() -> dict[type, tuple[tuple[type, str], ...]]:
    """For each model, the (record model, path) pairs through which records of that model show it."""
    found = defaultdict(list)
    for record_type in TYPES:
        for path in record_type.links:
            target = record_type.target(path)
            found[target].append((record_type.model, path))
            shown = BY_MODEL.get(target)
            for label_path in shown.label_paths if shown else ():
                longer = f"{path}__{label_path}"
                found[record_type.target(longer)].append((record_type.model, longer))
    return {model: tuple(dict.fromkeys(pairs)) for model, pairs in found.items()}


def dependents(model, ids) -> dict[type, set[int]]:
    """Records whose public form shows any of these records (of `model`), by model: one query per edge
    and thousand ids."""
    ids = sorted(set(ids))
    found: dict[type, set[int]] = defaultdict(set)
    if not ids:
        return found
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for shower, path in edges().get(model, ()):
            rows = shower._base_manager.filter(**{f"{path}__in": chunk}).values_list("pk", flat=True)
            found[shower].update(rows)
        if model in BY_MODEL:
            content_type = ContentType.objects.get_for_model(model)
            citing = m.Citation.objects.filter(content_type=content_type, object_id__in=chunk)
            found[m.Source].update(citing.values_list("source_id", flat=True))
    return found

"""The places each public record is in, with every public place they lie within: what a list's place filter
reads (one indexed semi-join) instead of walking the place tree a query per level on every request.

A record at a site in Tabriz is in the site, in Tabriz, in East Azerbaijan and in Iran — up to the first
place that is not public, as the filter's walk down through public places found it: a record at a hidden
site is not found under its city. A place's own keys are the places it lies within (the `within` filter).
Each key carries its record's date, so the newest records in a place are read in order from an index (search's
"what happened in the place it names", `archive.search.linked`).

When a place changes, records elsewhere may need new keys: those in any place beneath it, if the place
became public or stopped being so, or moved (its own keys changed). `refresh` finds them from the stored
keys and re-derives theirs.
"""

from collections.abc import Iterable
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count

from archive import registry
from archive.models import Place, PublicPlace

CHUNK = 1000


@cache
def paths_of(model) -> tuple[str, ...]:
    """The relations through which the type's place filter finds its records; () if it has none."""
    from archive.filters import PublicIdFilter, filterset_for  # the filters read these keys

    found = [
        f for f in filterset_for(model).base_filters.values() if isinstance(f, PublicIdFilter) and f.with_descendants
    ]
    if len(found) > 1:  # one set of keys per type: the filter, its option counts and the map all read them
        raise ImproperlyConfigured(f"{model.__name__} has more than one filter with the places within a place")
    return tuple(found[0].paths) if found else ()


def counts(records) -> dict[int, int]:
    """For each public place, how many of `records` (a queryset of one type's public records) the type's place
    filter would find there: the records there or at a public place within it. One aggregate query over the
    stored keys; a record is counted once per place however many of its places lie within it (a key is unique
    per record and place)."""
    key = registry.key_of(records.model)
    inside = PublicPlace.objects.filter(record_type=key, object_id__in=records.order_by().values("pk"))
    rows = inside.order_by().values("place_id").annotate(n=Count("object_id")).values_list("place_id", "n")
    return dict(rows)


def found_in_any(records, places) -> int:
    """How many of `records` (one type's public records) the place filter would find in at least one of
    `places` (a queryset of places): one query over the stored keys."""
    key = registry.key_of(records.model)
    inside = PublicPlace.objects.filter(record_type=key, place_id__in=places.order_by().values("pk"))
    # The keys' records made distinct first, then each checked by the gate: at M a third faster than gating
    # every key (91,086 keys, 64,654 protests).
    return records.order_by().filter(pk__in=inside.values("object_id")).count()


def public_parents() -> dict[int, int | None]:
    """Every public place's parent: the tree the keys are walked up."""
    return dict(Place.objects.published().values_list("pk", "parent_id"))


def derive(model, pks: Iterable[int], parents: dict[int, int | None]) -> list[PublicPlace]:
    paths = paths_of(model)
    if not paths:
        return []
    key = registry.key_of(model)
    public = model.objects.published().filter(pk__in=list(pks)).order_by()
    # The date search ranks a record by (its `date_start`), which search reads a place's newest records by.
    dates = dict(public.values_list("pk", "date_start")) if registry.of(model).dated else {}
    found: set[tuple[int, int]] = set()
    for path in paths:
        for pk, place_id in public.values_list("pk", path):
            if model is Place:  # a place is within its parent's places, not within itself
                place_id = parents.get(pk)
            while place_id in parents and (pk, place_id) not in found:
                found.add((pk, place_id))
                place_id = parents[place_id]
    return [
        PublicPlace(record_type=key, object_id=pk, place_id=place, date=dates.get(pk)) for pk, place in sorted(found)
    ]


def _stored(key: str, pks: list[int]) -> dict[int, frozenset[int]]:
    rows = PublicPlace.objects.filter(record_type=key, object_id__in=pks).values_list("object_id", "place_id")
    found: dict[int, set[int]] = {}
    for pk, place_id in rows:
        found.setdefault(pk, set()).add(place_id)
    return {pk: frozenset(places) for pk, places in found.items()}


def write(model, pks: list[int], parents: dict) -> None:
    """Re-derive these records' keys (a chunk): keys no longer true (or of a record whose date changed) go, new
    ones come, the others stay as they are (so two writes re-keying the same record do not collide)."""
    key = registry.key_of(model)
    fresh = derive(model, pks, parents)
    wanted = {(row.object_id, row.place_id, row.date) for row in fresh}
    stored = PublicPlace.objects.filter(record_type=key, object_id__in=pks)
    gone = [pk for pk, *row in stored.values_list("pk", "object_id", "place_id", "date") if tuple(row) not in wanted]
    for start in range(0, len(gone), CHUNK):
        PublicPlace.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
    PublicPlace.objects.bulk_create(fresh, batch_size=CHUNK, ignore_conflicts=True)


def refresh(model, pks: list[int], parents: dict, *, was_public: set[int], now_public: set[int]) -> list[int]:
    """Re-derive these records' keys (a chunk). For places, returns those whose records beneath need new keys
    too (see `beneath`): a place that became public or stopped being so, or lies within other places now."""
    if not paths_of(model):
        return []
    if model is not Place:
        write(model, pks, parents)
        return []
    before = _stored(registry.key_of(model), pks)
    write(model, pks, parents)
    after = _stored(registry.key_of(model), pks)
    return [pk for pk in pks if (pk in was_public) != (pk in now_public) or before.get(pk) != after.get(pk)]


def beneath(changed: list[int], parents: dict) -> None:
    """New keys for every record in a place beneath these places (found from the stored keys; places beneath,
    public or not, found by walking down the whole tree)."""
    if not changed:
        return
    inside = sorted(Place.objects.all().descendant_ids(changed) - set(changed))
    reached = sorted(set(inside) | set(changed))
    for record_type in registry.TYPES:
        model = record_type.model
        if not paths_of(model):
            continue
        if model is Place:
            affected = inside  # each one's own keys walk up through the changed places
        else:
            affected = set()
            for start in range(0, len(reached), CHUNK):
                rows = PublicPlace.objects.filter(
                    record_type=record_type.key, place_id__in=reached[start : start + CHUNK]
                )
                affected.update(rows.values_list("object_id", flat=True))
            affected = sorted(affected)
        for start in range(0, len(affected), CHUNK):
            write(model, affected[start : start + CHUNK], parents)


def remove(model, pks: list[int]) -> None:
    if paths_of(model):
        PublicPlace.objects.filter(record_type=registry.key_of(model), object_id__in=pks).delete()


def differences(model, pks: list[int], parents: dict) -> list[str]:
    """Records whose stored keys differ from fresh ones."""
    if not paths_of(model):
        return []
    key = registry.key_of(model)
    stored = set(PublicPlace.objects.filter(record_type=key).values_list("object_id", "place_id", "date"))
    fresh = set()
    for start in range(0, len(pks), CHUNK):
        fresh |= {(row.object_id, row.place_id, row.date) for row in derive(model, pks[start : start + CHUNK], parents)}
    found = []
    for pk, place, date in sorted(stored ^ fresh, key=lambda row: (row[0], row[1], str(row[2]))):
        where = "but not stored" if (pk, place, date) in fresh else "stored, but not"
        found.append(f"{key} {pk}: in place {place}, dated {date or '-'}, {where}")
    return found

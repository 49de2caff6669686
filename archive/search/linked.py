"""Records linked to the things a query names: a place's protests, arrests and statements (at it or
at any public place inside it), an organization's protests, statements and arrests, a person's
statements, arrests and writings, an outlet's sources and the statements it reported.

What "linked" means comes from the registry: a named type's page sections (`RecordType.sections`)
that list records of a type that is not itself a named thing. A section its page fills through the
related list's filter (`Section.listed_by`: a place's protests are those `?place=` finds) is followed
through the same filter's declaration, so search, the record page and the filtered list agree. Every
linked record passes the public gate (`published()`); an at-risk person is never public, so never a
named thing a query can reach.
"""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q

from archive import models, registry
from archive.search.documents import far_side
from archive.search.portable import like_q
from archive.search.query import ParsedQuery

# How many named things a query may reach through (an exact name shared by a few places, say).
MAX_ANCHORS = 5


@cache
def links(key: str) -> tuple[tuple[registry.RecordType, tuple[str, ...], bool], ...]:
    """For a named type, each (linked type, its relation paths to the named thing, whether places
    inside count too), from the type's page sections."""
    record_type = registry.get(key)
    found = []
    for section in record_type.sections:
        for path in section.paths:
            target = registry.of(record_type.target(path))
            if target.named:
                continue
            if section.listed_by:
                from archive.filters import filterset_for  # filters import the search package

                declared = filterset_for(target.key).base_filters[section.listed_by]
                found.append((target, tuple(declared.paths), declared.with_descendants))
            else:
                found.append((target, (far_side(record_type.model._meta.get_field(path)),), False))
    return tuple(found)


def anchors(ranked: list) -> list:
    """The entries among the best that are named things the query names exactly (or by another name)."""
    named = [entry for entry in ranked if entry.exact and registry.get(entry.record_type).named]
    return named[:MAX_ANCHORS]


def linked_entries(entries, parsed: ParsedQuery, found: list, limit: int) -> list:
    """Public entries (of `entries`, already narrowed to public ones and the wanted types) of records
    linked to the named things in `found`, newest first, at most `limit`: one query, and a short one per type
    for each named place."""
    by_type: dict[str, list[int]] = {}
    for entry in found:
        by_type.setdefault(entry.record_type, []).append(entry.object_id)
    condition = Q()
    in_places: dict[registry.RecordType, list[int]] = {}
    for key, ids in by_type.items():
        for target, paths, with_descendants in links(key):
            if with_descendants:  # in the places or any public place within them: the read model's keys
                in_places.setdefault(target, []).extend(ids)
                continue
            reached = Q()
            for path in paths:
                reached |= Q(**{f"{path}__in": ids})
            public = target.model.objects.published().filter(reached).values("pk")
            condition |= Q(record_type=target.key, object_id__in=public)
    # Only exclusions (-word) can drop a record in a place from the newest `limit`; then every key is read.
    condition |= _in_places(in_places, None if parsed.exclusions else limit)
    if not condition:
        return []
    linked = entries.filter(condition)
    for words in parsed.exclusions:
        linked = linked.exclude(like_q(words))
    # Ties on the date in the order the keys give them (see `_in_places`).
    linked = linked.order_by(F("date").desc(nulls_last=True), "record_type", "object_id")[:limit]
    result = list(linked)
    for entry in result:
        entry.exact = 0
    return result


def _in_places(places: dict[registry.RecordType, list[int]], limit: int | None) -> Q:
    """The entries of records of each type in its places or any public place within them, from the read model's
    keys. With a `limit`, only the newest `limit` of each type in each place: the newest `limit` linked records
    are among them (a record ranked k-th among all is at most k-th in each of its places, ties on the date broken
    by type, then by id, both here and in the linked list), and the keys' index (`publicplace_newest`) gives each
    place's newest in order — for a busy city the place's few newest keys, not all its records' entries."""
    if not places:
        return Q()
    if limit is None:
        condition = Q()
        for target, ids in places.items():
            keys = models.PublicPlace.objects.filter(record_type=target.key, place_id__in=ids).values("object_id")
            condition |= Q(record_type=target.key, object_id__in=keys)
        return condition
    newest = (F("date").desc(nulls_last=True), "object_id")
    condition = Q()
    for target, ids in places.items():
        reached: set[int] = set()
        for place in sorted(set(ids)):  # one short index scan each (a few: at most MAX_ANCHORS places)
            keys = models.PublicPlace.objects.filter(record_type=target.key, place_id=place).order_by(*newest)
            reached.update(keys.values_list("object_id", flat=True)[:limit])
        if reached:  # by content type: the entries' unique index finds each one
            content_type = ContentType.objects.get_for_model(target.model)
            condition |= Q(content_type=content_type, object_id__in=sorted(reached))
    return condition

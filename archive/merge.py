"""Merging duplicate people, organizations, places and media outlets."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from archive import changes, registry
from archive.models import Citation, Language, Record, Tombstone

# Flags that protect someone or something: the merged record keeps the stricter of each.
PROTECTIVE = ("restricted", "at_risk")


class MergeError(Exception):
    pass


def _save(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj.save()


def _move_other_names(survivor, duplicate, user, reason: str) -> None:
    taken = set(survivor.other_names.values_list("name", "language_id"))
    for alias in duplicate.other_names.all():
        if (alias.name, alias.language_id) in taken or (alias.name == survivor.name):
            alias._history_user = user
            alias.delete()
            continue
        alias.owner = survivor
        _save(alias, user, reason)
        taken.add((alias.name, alias.language_id))
    language_id = duplicate.name_language_id or survivor.name_language_id or "en"
    if duplicate.name != survivor.name and (duplicate.name, language_id) not in taken:
        alias_model = survivor.other_names.model
        alias = alias_model(
            owner=survivor,
            name=duplicate.name,
            language=Language.objects.get_or_create(code=language_id, defaults={"name": language_id})[0],
            note=_("Name of merged record %(id)s") % {"id": duplicate.public_id},
        )
        _save(alias, user, reason)


def _move_references(survivor, duplicate, user, reason: str) -> None:
    for relation in duplicate._meta.related_objects:
        if relation.related_model is survivor.other_names.model:
            continue
        accessor = relation.get_accessor_name()
        if relation.many_to_many:
            for related in getattr(duplicate, accessor).all():
                manager = getattr(related, relation.field.name)
                manager.add(survivor)
                manager.remove(duplicate)
        elif relation.one_to_many:
            for related in getattr(duplicate, accessor).all():
                # A record cannot become its own parent: the survivor's own link is dropped.
                is_survivor = type(related) is type(survivor) and related.pk == survivor.pk
                target = None if is_survivor else survivor
                setattr(related, relation.field.name, target)
                _save(related, user, reason)
    content_type = ContentType.objects.get_for_model(duplicate)
    for citation in Citation.objects.filter(content_type=content_type, object_id=duplicate.pk):
        citation.object_id = survivor.pk
        _save(citation, user, reason)
    _merge_same_citations(survivor, content_type, user, reason)


# A citation's passage: the same source, through the same work, at the same footnote and page.
PASSAGE = ("source_id", "cited_in_id", "footnote", "page")
FULLER = ("quote", "quote_translation", "note")  # of two copies, the longer of each is kept


def _same_passage(a: Citation, b: Citation) -> bool:
    """Two citations of one passage: same locator, and one quote is (a part of) the other."""
    if any(getattr(a, field) != getattr(b, field) for field in PASSAGE):
        return False
    quote_a, quote_b = " ".join(a.quote.split()), " ".join(b.quote.split())
    return quote_a in quote_b or quote_b in quote_a


def _merge_same_citations(survivor, content_type, user, reason: str) -> None:
    """The two records each cited the same passage: keep one citation, with the fuller quote and note."""
    kept: list[Citation] = []
    for citation in Citation.objects.filter(content_type=content_type, object_id=survivor.pk).order_by("pk"):
        same = next((k for k in kept if _same_passage(k, citation)), None)
        if same is None:
            kept.append(citation)
            continue
        fuller = {f: getattr(citation, f) for f in FULLER if len(getattr(citation, f)) > len(getattr(same, f))}
        citation._history_user = user
        citation._change_reason = reason[:100]
        citation.delete()
        if fuller:
            for field, value in fuller.items():
                setattr(same, field, value)
            _save(same, user, reason)


@dataclass(frozen=True)
class MergeCandidate:
    """One record chosen for a merge, as its confirmation page shows it: what would move and which
    protective flags it carries."""

    record: Record
    moves: tuple[tuple[str, int], ...]  # (what, how many), only what it has
    flags: tuple[str, ...]


def merge_preview(records) -> list[MergeCandidate]:
    """What merging `records` would move from each, before anything moves: its other names, its
    citations and every record pointing at it, counted per relation."""
    candidates = []
    for record in records:
        moves = tuple((what, count) for what, count in _references(record) if count)
        candidates.append(MergeCandidate(record, moves, tuple(protective_flags([record]))))
    return candidates


def _references(record):
    yield _("other names"), record.other_names.count()
    content_type = ContentType.objects.get_for_model(record)
    yield _("citations"), Citation.objects.filter(content_type=content_type, object_id=record.pk).count()
    for relation in record._meta.related_objects:
        if relation.related_model is record.other_names.model or not (relation.one_to_many or relation.many_to_many):
            continue
        what = _("%(records)s — %(relation)s") % {
            "records": relation.related_model._meta.verbose_name_plural,
            "relation": relation.field.verbose_name,
        }
        yield what, relation.related_model._base_manager.filter(**{relation.field.name: record}).count()


def protective_flags(records) -> list[str]:
    """The protective flags any of `records` carries (what a merge must keep, and say it keeps)."""
    return [flag for flag in PROTECTIVE if any(getattr(record, flag, False) for record in records)]


def entity_merge(*, survivor: Record, duplicates: list[Record], user, reason: str = "") -> Record:
    """Move every reference from each duplicate to `survivor`, keep the duplicates'
    names as aliases, then delete the duplicates — each step recorded in history,
    all one change of the write path. The survivor keeps the stricter of every
    protective flag: merging a person at risk makes the kept record at risk too."""
    with changes.recording(user=user):
        return _merge(survivor=survivor, duplicates=duplicates, user=user, reason=reason)


def _merge(*, survivor: Record, duplicates: list[Record], user, reason: str) -> Record:
    if not registry.is_record(survivor) or not registry.of(survivor).mergeable:
        raise MergeError(_("Only people, organizations, places and media outlets can be merged."))
    kind = survivor._meta.model_name
    if not user.has_perm(f"archive.delete_{kind}"):
        raise MergeError(_("You may not merge these records."))
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    if not duplicates:
        raise MergeError(_("Choose at least two different records to merge."))
    for duplicate in duplicates:
        if type(duplicate) is not type(survivor):
            raise MergeError(_("Only records of the same type can be merged."))
        why = reason or _("Merged %(dup)s into %(keep)s") % {"dup": duplicate.public_id, "keep": survivor.public_id}
        _move_other_names(survivor, duplicate, user, why)
        _move_references(survivor, duplicate, user, why)
        for field in ("description", "wikidata_qid", "public_note"):
            if hasattr(survivor, field) and not getattr(survivor, field) and getattr(duplicate, field, ""):
                setattr(survivor, field, getattr(duplicate, field))
        duplicate._history_user = user
        duplicate._change_reason = why[:100]
        changes.current().merged_into(type(duplicate), duplicate.pk, survivor.pk)
        duplicate.delete()
    for flag in protective_flags([survivor, *duplicates]):
        setattr(survivor, flag, True)
    _save(survivor, user, reason or _("Merged duplicates into this record"))
    return survivor


def merged_survivor(model, public_id: str):
    """The published record that the merged-away record `public_id` of `model` went into, or None (never
    merged, or the kept record is not public: then nothing says where it went)."""
    merged_into = (
        Tombstone.objects.filter(record_type=registry.key_of(model), public_id=public_id, status="merged")
        .exclude(merged_into="")
        .values_list("merged_into", flat=True)
        .first()
    )
    if merged_into is None:
        return None
    return model.objects.published().filter(public_id=merged_into).first()


def public_merge_targets(model, public_ids) -> set[str]:
    """Which of `public_ids` (kept records of merges) are published: only those a tombstone may name."""
    return set(model.objects.published().filter(public_id__in=set(public_ids)).values_list("public_id", flat=True))

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


def _alias_steps(survivor, duplicate, taken: set) -> list[tuple[str, object, str, str]]:
    """What becomes of a duplicate's names, as (step, alias, name, language): each other name `move`s to the
    kept record, or is `drop`ped when the kept record already has it; its own name is `add`ed as an alias
    unless the kept record has it. `taken` (the kept record's (name, language) pairs) grows as it goes, so
    the preview of several duplicates says what the merge will do."""
    steps = []
    for alias in duplicate.other_names.all():
        key = (alias.name, alias.language_id)
        if key in taken or alias.name == survivor.name:
            steps.append(("drop", alias, *key))
            continue
        steps.append(("move", alias, *key))
        taken.add(key)
    language_id = duplicate.name_language_id or survivor.name_language_id or "en"
    if duplicate.name != survivor.name and (duplicate.name, language_id) not in taken:
        steps.append(("add", None, duplicate.name, language_id))
        taken.add((duplicate.name, language_id))
    return steps


def _move_other_names(survivor, duplicate, user, reason: str) -> None:
    taken = set(survivor.other_names.values_list("name", "language_id"))
    for step, alias, name, language_id in _alias_steps(survivor, duplicate, taken):
        if step == "drop":
            alias._history_user = user
            alias.delete()
        elif step == "move":
            alias.owner = survivor
            _save(alias, user, reason)
        else:
            alias = survivor.other_names.model(
                owner=survivor,
                name=name,
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


def _same_citation_pairs(citations) -> list[tuple[Citation, Citation, dict]]:
    """Of citations in order, each that repeats an earlier one's passage, as (kept, repeat, fuller fields of
    the repeat the kept one takes)."""
    kept: list[Citation] = []
    pairs = []
    for citation in citations:
        same = next((k for k in kept if _same_passage(k, citation)), None)
        if same is None:
            kept.append(citation)
            continue
        fuller = {f: getattr(citation, f) for f in FULLER if len(getattr(citation, f)) > len(getattr(same, f))}
        pairs.append((same, citation, fuller))
    return pairs


def _merge_same_citations(survivor, content_type, user, reason: str) -> None:
    """The two records each cited the same passage: keep one citation, with the fuller quote and note."""
    citations = Citation.objects.filter(content_type=content_type, object_id=survivor.pk).order_by("pk")
    for same, citation, fuller in _same_citation_pairs(list(citations)):
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
    for relation in _moving_relations(record):
        yield (
            _relation_label(relation),
            relation.related_model._base_manager.filter(**{relation.field.name: record}).count(),
        )


FILLED = ("description", "wikidata_qid", "public_note")  # the kept record takes a duplicate's when it has none
SHOWN = 20  # records listed per relation on the preview; the rest are counted


@dataclass(frozen=True)
class Moving:
    """Records of one relation that will point at the kept record instead of a duplicate."""

    what: str
    records: tuple
    more: int  # how many beyond those listed


@dataclass(frozen=True)
class MergePlan:
    """What merging `duplicates` into `survivor` will do, computed by the steps the merge itself takes
    (`_alias_steps`, `_same_citation_pairs`), before anything is written."""

    survivor: Record
    duplicates: tuple
    moving: tuple[Moving, ...]
    aliases: tuple[tuple[str, str, str], ...]  # (step, name, language): add / move / drop
    merged_citations: tuple[tuple[Citation, Citation], ...]  # (kept, repeat made one with it)
    filled: tuple[tuple[str, str], ...]  # (field's label, value taken from a duplicate)
    flags: tuple[tuple[str, tuple], ...]  # (flag, records carrying it): the kept record will carry it


def merge_plan(survivor, duplicates) -> MergePlan:
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    moving = []
    for duplicate in duplicates:
        for relation in _moving_relations(duplicate):
            found = relation.related_model._base_manager.filter(**{relation.field.name: duplicate})
            if type(survivor) is relation.related_model:
                found = found.exclude(pk=survivor.pk)
            listed = list(found.order_by("pk")[:SHOWN])
            if listed:
                more = found.count() - len(listed) if len(listed) == SHOWN else 0
                moving.append(Moving(_relation_label(relation), tuple(listed), more))
    content_type = ContentType.objects.get_for_model(survivor)
    citations = list(
        Citation.objects.filter(content_type=content_type, object_id__in=[survivor.pk, *(d.pk for d in duplicates)])
        .select_related("source")
        .order_by("pk")
    )
    moved_citations = [c for c in citations if c.object_id != survivor.pk]
    if moved_citations:
        moving.append(Moving(_("citations"), tuple(moved_citations), 0))
    # The merge moves each duplicate's citations to the kept record, then finds repeats in pk order.
    pairs = _same_citation_pairs(citations)
    taken = set(survivor.other_names.values_list("name", "language_id"))
    aliases = tuple(
        (step, name, language_id)
        for duplicate in duplicates
        for step, _alias, name, language_id in _alias_steps(survivor, duplicate, taken)
    )
    filled, have = [], {f: getattr(survivor, f, "") for f in FILLED if hasattr(survivor, f)}
    for duplicate in duplicates:
        for field, value in have.items():
            if not value and getattr(duplicate, field, ""):
                have[field] = getattr(duplicate, field)
                filled.append((str(survivor._meta.get_field(field).verbose_name), have[field]))
    flags = tuple(
        (flag, tuple(r for r in [survivor, *duplicates] if getattr(r, flag, False)))
        for flag in protective_flags([survivor, *duplicates])
    )
    return MergePlan(
        survivor,
        tuple(duplicates),
        tuple(moving),
        aliases,
        tuple((kept, repeat) for kept, repeat, _fuller in pairs),
        tuple(filled),
        flags,
    )


def _moving_relations(record):
    """The relations a merge moves (other names apart: they become aliases)."""
    for relation in record._meta.related_objects:
        if relation.related_model is record.other_names.model or not (relation.one_to_many or relation.many_to_many):
            continue
        yield relation


def _relation_label(relation) -> str:
    return _("%(records)s — %(relation)s") % {
        "records": relation.related_model._meta.verbose_name_plural,
        "relation": relation.field.verbose_name,
    }


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
        for field in FILLED:
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

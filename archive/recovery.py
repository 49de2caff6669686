"""Recovering deleted records from their history, with their parts.

A record merged away (archive.merge) comes back as a draft, whatever it was: the merge took back
nothing of what it gave the kept record, and a curator decides what is true before it is public
again. Recovery takes back what that merge left on the kept record and can be told apart from the
kept record's own: the other name the merge made of the merged-away name, and the citations it moved
that are still there. Both are found in history, by the merge's own writes: the same user and reason
as the deletion, in the minute before it and after the merge's previous deletion.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from archive import changes, registry
from archive.models import Citation, Record, Status, Tombstone

# Parts deleted with their record within this window are recovered with it.
CASCADE_WINDOW = dt.timedelta(minutes=1)


class RecoveryError(Exception):
    pass


@dataclass(frozen=True)
class Recovered:
    """A recovered record and, if it had been merged away, what came back from the kept record."""

    record: Record
    merged: bool = False  # it had been merged away: it is back as a draft
    names_taken_back: int = 0  # other names the merge had made of its name on the kept record
    citations_moved_back: int = 0


def deleted_versions(model):
    """The last historical row of every deleted record of `model`, newest first."""
    existing = model.objects.values_list("pk", flat=True)
    return model.history.filter(history_type="-").exclude(id__in=existing).order_by("-history_date")


def _restore(historical, user, reason: str, **values):
    instance = historical.instance
    for field, value in values.items():
        setattr(instance, field, value)
    instance._history_user = user
    instance._change_reason = reason[:100]
    instance.save(force_insert=True)
    return instance


def _save(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj.save()


def _restore_many_to_many(record, deleted, user) -> None:
    before = deleted.prev_record
    if before is None:
        return
    for field in getattr(type(record).history.model, "_history_m2m_fields", []) or []:
        through = getattr(before, field.name).all()
        ids = [getattr(row, field.m2m_reverse_field_name()) for row in through]
        getattr(record, field.name).set([i for i in ids if i is not None])


def _parts_deleted_with(record, deleted) -> list:
    window = (deleted.history_date - CASCADE_WINDOW, deleted.history_date + CASCADE_WINDOW)
    parts = []
    for relation in record._meta.related_objects:
        if relation.one_to_many and relation.on_delete.__name__ == "CASCADE":
            history = getattr(relation.related_model, "history", None)
            if history is None:
                continue
            rows = history.filter(history_type="-", history_date__range=window, **{relation.field.attname: record.pk})
            parts.extend(rows)
    content_type = ContentType.objects.get_for_model(record)
    parts.extend(
        Citation.history.filter(
            history_type="-", history_date__range=window, content_type_id=content_type.pk, object_id=record.pk
        )
    )
    return parts


# --- a merge's writes -------------------------------------------------------------------------------


def _same_write(model, deleted) -> dict:
    """Filters for the historical rows the write that deleted `deleted` also made: the same user and
    reason, in the minute before the deletion and after the previous deletion of that write (a merge of
    several duplicates deletes them one after the other)."""
    previous = (
        model.history.filter(
            history_type="-",
            history_user_id=deleted.history_user_id,
            history_change_reason=deleted.history_change_reason,
            history_date__gte=deleted.history_date - CASCADE_WINDOW,
            history_date__lt=deleted.history_date,
        )
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return {
        "history_user_id": deleted.history_user_id,
        "history_change_reason": deleted.history_change_reason,
        "history_date__gt": previous or deleted.history_date - CASCADE_WINDOW,
        "history_date__lte": deleted.history_date,
    }


def _merge_alias_rows(model, deleted) -> list:
    """The other names the merge made of the merged-away name on the kept record: created in the merge's
    write, with its name, on another record, noting its public id (archive.merge._move_other_names)."""
    alias_model = model._meta.get_field("other_names").related_model
    rows = alias_model.history.filter(
        history_type="+", name=deleted.name, note__contains=deleted.public_id, **_same_write(model, deleted)
    )
    return [row for row in rows if row.owner_id != deleted.id]


def _merge_citation_moves(model, deleted) -> list:
    """The citations the merge moved from the merged-away record to the kept one: in the merge's write,
    each one's history shows it on the merged-away record just before."""
    content_type = ContentType.objects.get_for_model(model)
    rows = Citation.history.filter(history_type="~", content_type_id=content_type.pk, **_same_write(model, deleted))
    moves = []
    for row in rows.exclude(object_id=deleted.id):
        before = row.prev_record
        if before is not None and before.content_type_id == content_type.pk and before.object_id == deleted.id:
            moves.append(row)
    return moves


def _was_merged(model, deleted, alias_rows, citation_moves) -> bool:
    """Was `deleted` merged away? Its tombstone says so if it was public; otherwise what the merge moved."""
    tombstone = Tombstone.objects.filter(record_type=registry.key_of(model), public_id=deleted.public_id)
    return tombstone.filter(status="merged").exists() or bool(alias_rows or citation_moves)


def _take_back(record, alias_rows, citation_moves, user, reason: str) -> tuple[int, int]:
    """Delete the merge's other names and move its citations back, where they still are as it left them."""
    names = 0
    alias_model = type(record)._meta.get_field("other_names").related_model
    for row in alias_rows:
        alias = alias_model.objects.filter(pk=row.id, owner_id=row.owner_id, name=row.name).first()
        if alias is not None:
            alias._history_user = user
            alias._change_reason = reason[:100]
            alias.delete()
            names += 1
    citations = 0
    for row in citation_moves:
        citation = Citation.objects.filter(
            pk=row.id, content_type_id=row.content_type_id, object_id=row.object_id
        ).first()
        if citation is not None:
            citation.object_id = record.pk
            _save(citation, user, reason)
            citations += 1
    return names, citations


# --- recovery ---------------------------------------------------------------------------------------


def record_recover(*, model, history_id: int, user) -> Recovered:
    """Bring back a deleted record (and the parts deleted with it) from history, as one change of the
    write path; a merged-away record comes back as a draft, with what the merge left on the kept record."""
    try:
        with changes.recording(user=user):
            return _recover(model=model, history_id=history_id, user=user)
    except PermissionDenied as error:  # the write path refused a part of it: nothing was written
        raise RecoveryError(str(error) or _("You may not recover this record.")) from error


def _recover(*, model, history_id: int, user) -> Recovered:
    deleted = model.history.filter(history_id=history_id, history_type="-").first()
    if deleted is None or model.objects.filter(pk=deleted.id).exists():
        raise RecoveryError(_("There is no deleted record to recover with that history id."))
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.change_{model.history.model._meta.model_name}"):
        raise RecoveryError(_("You may not recover deleted records."))
    alias_rows, citation_moves = [], []
    if registry.of(model).mergeable:
        alias_rows = _merge_alias_rows(model, deleted)
        citation_moves = _merge_citation_moves(model, deleted)
    merged = registry.of(model).mergeable and _was_merged(model, deleted, alias_rows, citation_moves)
    reason = _("Recovered from history")
    record = _restore(deleted, user, reason, **({"status": Status.DRAFT} if merged else {}))
    _restore_many_to_many(record, deleted, user)
    for part in _parts_deleted_with(record, deleted):
        if not type(part.instance).objects.filter(pk=part.id).exists():
            _restore(part, user, reason)
    if not merged:
        return Recovered(record)
    names, citations = _take_back(record, alias_rows, citation_moves, user, reason)
    return Recovered(record, merged=True, names_taken_back=names, citations_moved_back=citations)

"""Recovering deleted records from their history, with their parts."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from archive import changes
from archive.models import Citation

# Parts deleted with their record within this window are recovered with it.
CASCADE_WINDOW = dt.timedelta(minutes=1)


class RecoveryError(Exception):
    pass


def deleted_versions(model):
    """The last historical row of every deleted record of `model`, newest first."""
    existing = model.objects.values_list("pk", flat=True)
    return model.history.filter(history_type="-").exclude(id__in=existing).order_by("-history_date")


def _restore(historical, user, reason: str):
    instance = historical.instance
    instance._history_user = user
    instance._change_reason = reason[:100]
    instance.save(force_insert=True)
    return instance


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


def record_recover(*, model, history_id: int, user):
    """Bring back a deleted record (and the parts deleted with it) from history, as one change of the
    write path."""
    with changes.recording(user=user):
        return _recover(model=model, history_id=history_id, user=user)


def _recover(*, model, history_id: int, user):
    deleted = model.history.filter(history_id=history_id, history_type="-").first()
    if deleted is None or model.objects.filter(pk=deleted.id).exists():
        raise RecoveryError(_("There is no deleted record to recover with that history id."))
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.change_{model.history.model._meta.model_name}"):
        raise RecoveryError(_("You may not recover deleted records."))
    reason = _("Recovered from history")
    record = _restore(deleted, user, reason)
    _restore_many_to_many(record, deleted, user)
    for part in _parts_deleted_with(record, deleted):
        if not type(part.instance).objects.filter(pk=part.id).exists():
            _restore(part, user, reason)
    return record

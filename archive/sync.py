"""Keeping API mirrors exact: tombstones and dependent timestamps.

A mirror asks "what changed since T" (``updated_since``). For that answer to
be complete:

- a record that stops being public (withdrawn, restricted, returned to draft,
  a person marked at risk, deleted, or given a new public id) leaves a
  Tombstone (which says only "withdrawn", "unpublished", "deleted" or "renamed");
- when a person, organization, place, outlet, protest or source changes, the
  records that show it (a detainee's name, a speaker, a place's name) get a
  new ``updated`` time too, so mirrors refetch them — above all when a name
  becomes withheld.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from archive import models
from archive.search import PUBLIC_TYPES, TYPE_OF_MODEL

# For each type, the records whose public rendering shows it.
DEPENDENTS = {
    "person": ["arrests", "statements", "authored_sources"],
    "organization": ["protests_organized", "statements", "arrests_made", "children", "outlets"],
    "place": ["protests", "arrests", "statements", "children"],
    "mediaoutlet": ["sources", "statements_reported"],
    "protest": ["arrests", "statements"],
    "arrest": ["statements"],
    "source": [],
    "statement": ["referenced_by"],
}


def _status_word(record) -> str:
    """What mirrors are told about a record that stopped being public. Only a withdrawal says so (its
    reason is public); a restriction or a person marked at risk reads "unpublished", like a return to
    draft, since that a record was restricted or a person is at risk is itself not public."""
    if record.status == models.Status.WITHDRAWN and not record.restricted and not getattr(record, "at_risk", False):
        return "withdrawn"
    return "unpublished"


def bury(record, public_id: str, status: str) -> None:
    reason = record.withdrawn_reason if status == "withdrawn" else ""
    models.Tombstone.objects.update_or_create(
        record_type=TYPE_OF_MODEL[record._meta.model_name],
        public_id=public_id,
        defaults={"status": status, "reason": reason, "removed_at": timezone.now()},
    )


def touch_dependents(record) -> None:
    now = timezone.now()
    for accessor in DEPENDENTS[record._meta.model_name]:
        manager = getattr(record, accessor, None)
        if manager is not None:
            manager.all().update(updated=now)


def touch_dependents_of(model, pks) -> None:
    """`touch_dependents` for many records of one type, one UPDATE per relation (bulk paths)."""
    now = timezone.now()
    for accessor in DEPENDENTS[model._meta.model_name]:
        relation = model._meta.get_field(accessor)
        relation.related_model.objects.filter(**{f"{relation.field.name}__in": pks}).update(updated=now)


def record_bulk_write(model, records, previous: dict) -> None:
    """What the save signals below do, for records written in bulk (imports).

    `previous` maps the pk of each record that existed before to its (public_id, is_public) then;
    the others are new, so nothing shows them yet and they have no dependents to touch.
    """
    shown = []  # public before or after: what their dependents show of them may have changed
    for record in records:
        was_public = False
        if record.pk in previous:
            old_id, was_public = previous[record.pk]
            if was_public and old_id != record.public_id:
                bury(record, old_id, "renamed")
            if was_public and not record.is_public:
                bury(record, record.public_id, _status_word(record))
            if was_public or record.is_public:
                shown.append(record.pk)
    public_ids = [record.public_id for record in records if record.is_public]
    if public_ids:
        models.Tombstone.objects.filter(
            record_type=TYPE_OF_MODEL[model._meta.model_name], public_id__in=public_ids
        ).delete()
    if shown:
        touch_dependents_of(model, shown)


def _before_save(sender, instance, raw=False, **kwargs):
    previous = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._sync_previous = (previous.public_id, previous.is_public) if previous else None


def _after_save(sender, instance, raw=False, **kwargs):
    previous = getattr(instance, "_sync_previous", None)
    was_public = False
    if previous is not None:
        old_id, was_public = previous
        if was_public and old_id != instance.public_id:
            bury(instance, old_id, "renamed")
        if was_public and not instance.is_public:
            bury(instance, instance.public_id, _status_word(instance))
    if instance.is_public:
        models.Tombstone.objects.filter(
            record_type=TYPE_OF_MODEL[sender._meta.model_name], public_id=instance.public_id
        ).delete()
    # A record hidden before and after shows nothing in its dependents; touching them would tell
    # the public, through their `updated`, when someone edited a hidden record (a detainee's, say).
    if not raw and (was_public or instance.is_public):
        touch_dependents(instance)


def _after_delete(sender, instance, **kwargs):
    if instance.is_public:
        bury(instance, instance.public_id, "deleted")


def connect_signals() -> None:
    for model in PUBLIC_TYPES.values():
        uid = model.__name__
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"sync-pre-{uid}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"sync-post-{uid}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"sync-delete-{uid}")

"""Model signals, which only hand each change to the write path.

Before a record, a part or a relation changes, the records it concerns are captured (their state
and who shows them); after, they are reported changed (`Changeset.change`). A part's record is its
owner: a citation's cited record, a claim's protest, an other name's owner; a slogan belongs to
every protest that chants it. A save outside any `changes.recording()` (a command, a test) gets a
changeset of its own, applied when the save is done. Bulk writers that bypass signals (imports)
call the write path themselves.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from archive import cache, changes, registry
from archive import models as m

# Part models whose rows name their record by a foreign key: model → (record model, field).
OWNER_FIELDS = {
    part.model(record_type.model): (record_type.model, part.owner_field(record_type.model))
    for record_type in registry.TYPES
    for part in record_type.parts
}
PART_MODELS = (*OWNER_FIELDS, m.Citation, m.Slogan)
# Many-to-many tables of records: through model → (record model, field).
THROUGHS = {
    f.remote_field.through: (record_type.model, f.name)
    for record_type in registry.TYPES
    for f in record_type.model._meta.many_to_many
}


def _begin(instance, model, pks) -> None:
    """Capture records about to change, into the open changeset or one of the instance's own."""
    changeset = changes.current()
    if changeset is None:
        changeset = instance.__dict__.setdefault("_changes_own", changes.Changeset())
    changeset.capture(model, [pk for pk in pks if pk is not None])


def _finish(instance, note) -> None:
    """Report the change to the open changeset, or apply the instance's own now."""
    own = instance.__dict__.pop("_changes_own", None)
    changeset = changes.current() or own or changes.Changeset()
    changeset.wrote = True  # whatever it shows, the archive changed: cached answers go
    note(changeset)
    if changeset is not changes.current():
        with transaction.atomic():
            changeset.apply()


# --- records ----------------------------------------------------------------------------------------


def _record_before(sender, instance, raw=False, **kwargs):
    _begin(instance, sender, [instance.pk])


def _record_saved(sender, instance, created=False, raw=False, **kwargs):
    def note(changeset):
        if created:
            changeset.created(sender, [instance.pk])
        changeset.change(sender, [instance.pk], saved=True, after={instance.pk: changes.state_of(instance)})

    _finish(instance, note)


def _record_deleting(sender, instance, **kwargs):
    _begin(instance, sender, [instance.pk])


def _record_deleted(sender, instance, **kwargs):
    _finish(instance, lambda changeset: changeset.change(sender, [instance.pk], deleted=True))


# --- parts ------------------------------------------------------------------------------------------


def owners(part) -> list[tuple[type, int]]:
    """The records a part belongs to, as it stands in memory."""
    if isinstance(part, m.Citation):
        if part.content_type_id is None:
            return []
        model = ContentType.objects.get_for_id(part.content_type_id).model_class()
        return [(model, part.object_id)] if registry.is_record(model) else []
    if isinstance(part, m.Slogan):
        return [(m.Protest, pk) for pk in part.protests.values_list("pk", flat=True)] if part.pk else []
    model, field = OWNER_FIELDS[type(part)]
    return [(model, getattr(part, f"{field}_id"))]


def _part_before(sender, instance, raw=False, **kwargs):
    """Its owners before the save (it may be moving to another record, as in a merge) and after."""
    stored = sender._base_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
    pairs = list(dict.fromkeys((owners(stored) if stored is not None else []) + owners(instance)))
    instance._changes_owners = pairs
    for model, pk in pairs:
        _begin(instance, model, [pk])


def _part_deleting(sender, instance, **kwargs):
    instance._changes_owners = owners(instance)
    for model, pk in instance._changes_owners:
        _begin(instance, model, [pk])


def _part_changed(sender, instance, **kwargs):
    pairs = list(dict.fromkeys(getattr(instance, "_changes_owners", []) + owners(instance)))

    def note(changeset):
        for model, pk in pairs:
            if pk in changeset.deleted.get(model, ()) or not model._base_manager.filter(pk=pk).exists():
                continue  # deleted with its record
            changeset.change(model, [pk], part=True)

    _finish(instance, note)


# --- many-to-many relations -------------------------------------------------------------------------


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A many-to-many relation of records changed: the records on its forward side changed. Those on
    the other side that showed them are captured before, and those that show them now are found
    after, so both are covered."""
    owner_model, field = THROUGHS[sender]
    if action.startswith("pre_"):
        if not reverse:
            owner_ids = [instance.pk]
        elif pk_set is None:  # a reverse clear: every record that pointed at `instance`
            owner_ids = list(owner_model._base_manager.filter(**{field: instance.pk}).values_list("pk", flat=True))
        else:
            owner_ids = sorted(pk_set)
        instance._changes_relation = owner_ids
        _begin(instance, owner_model, owner_ids)
        return
    owner_ids = instance.__dict__.pop("_changes_relation", [])
    _finish(instance, lambda changeset: changeset.change(owner_model, owner_ids))


# --- wiring -----------------------------------------------------------------------------------------


def _language_written(sender, **kwargs):
    """Languages are not records, but lists and the data package show their codes."""
    cache.bump()  # inside the transaction: the generation moves on when the change commits


def connect() -> None:
    for record_type in registry.TYPES:
        model, uid = record_type.model, record_type.model.__name__
        pre_save.connect(_record_before, sender=model, dispatch_uid=f"changes-pre-{uid}")
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"changes-post-{uid}")
        pre_delete.connect(_record_deleting, sender=model, dispatch_uid=f"changes-predel-{uid}")
        post_delete.connect(_record_deleted, sender=model, dispatch_uid=f"changes-del-{uid}")
    for through in THROUGHS:
        m2m_changed.connect(_relation_changed, sender=through, dispatch_uid=f"changes-m2m-{through.__name__}")
    for model in PART_MODELS:
        uid = model.__name__
        pre_save.connect(_part_before, sender=model, dispatch_uid=f"changes-part-pre-{uid}")
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"changes-part-post-{uid}")
        pre_delete.connect(_part_deleting, sender=model, dispatch_uid=f"changes-part-predel-{uid}")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"changes-part-del-{uid}")
    post_save.connect(_language_written, sender=m.Language, dispatch_uid="changes-language")
    post_delete.connect(_language_written, sender=m.Language, dispatch_uid="changes-language-del")

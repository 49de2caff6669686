"""Tombstones (public records that stopped being public, for mirrors to remove) and the archive's state."""

import time

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _


class Tombstone(models.Model):
    """Written when a record that was public is withdrawn, restricted, unpublished,
    deleted or renamed (a new public id). API clients syncing with
    ``updated_since`` receive these so their copy can drop the record."""

    record_type = models.CharField(_("type"), max_length=20, help_text=_("protest, arrest, statement…"))
    public_id = models.CharField(_("public id"), max_length=64, help_text=_("The id the public knew it by."))
    status = models.CharField(
        _("status"), max_length=16, help_text=_("withdrawn, restricted, unpublished, deleted, renamed or merged.")
    )
    merged_into = models.CharField(
        _("merged into"),
        max_length=64,
        blank=True,
        help_text=_("For a merged record: the public id of the record it was merged into (same type)."),
    )
    reason = models.TextField(_("public reason"), blank=True, help_text=_("The public reason, for a withdrawal."))
    removed_at = models.DateTimeField(_("removed at"), db_index=True, help_text=_("When it stopped being public."))

    class Meta:
        ordering = ["removed_at", "pk"]
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        constraints = [
            models.UniqueConstraint(fields=["record_type", "public_id"], name="archive_tombstone_one_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.public_id} ({self.status})"


class ArchiveState(models.Model):
    """One row of facts about the whole archive that the write path keeps.

    `public_changed` tells the data package (archive.views_data) whether it may hold something no
    longer true: it moves whenever a record the public could see changes, loses a part, or stops
    being public.

    `generation` keys the response cache (archive.cache). Every write moves it on inside its own
    transaction, so the cached answers it makes stale become unreachable exactly when it commits,
    even if the cache itself was unreachable at the time."""

    # The one row is row 1: no id counter (a backup restores none), nothing to number.
    id = models.PositiveSmallIntegerField(
        _("row"), primary_key=True, default=1, editable=False, help_text=_("Always 1: there is one row.")
    )
    public_changed = models.DateTimeField(
        _("public records last changed"),
        null=True,
        blank=True,
        help_text=_("When a record the public could already see last changed or stopped being public."),
    )
    # Never below the clock (in nanoseconds): a new, restored or rolled-back database never repeats a
    # generation an older one used, so no response cached under it can come back.
    generation = models.BigIntegerField(
        _("cache generation"),
        default=time.time_ns,
        editable=False,
        help_text=_("Moves on with every change to the archive; cached public pages and API answers carry it."),
    )

    class Meta:
        verbose_name = _("archive state")
        verbose_name_plural = _("archive state")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="archive_archivestate_one_row")]

    def __str__(self) -> str:
        return f"public records last changed {self.public_changed}"

    @classmethod
    def mark_public_change(cls, when) -> None:
        if not cls.objects.filter(pk=1).update(public_changed=when):
            cls.objects.update_or_create(pk=1, defaults={"public_changed": when})

    @classmethod
    def next_generation(cls, *, using: str = DEFAULT_DB_ALIAS) -> None:
        """Move the generation on, in the current transaction (one UPDATE; the row is made if missing)."""
        rows = cls.objects.using(using).filter(pk=1)
        now = models.Value(time.time_ns(), output_field=models.BigIntegerField())
        moved = Greatest(models.F("generation") + 1, now)
        if not rows.update(generation=moved):
            _, created = cls.objects.using(using).get_or_create(pk=1)
            if not created:  # another write made the row meanwhile: still move past what it set
                rows.update(generation=moved)

    @classmethod
    def current_generation(cls) -> int:
        """The generation, read where the router sends the rest of the request's reads; 0 before any write."""
        return cls.objects.filter(pk=1).values_list("generation", flat=True).first() or 0

    @classmethod
    def last_public_change(cls):
        return cls.objects.filter(pk=1).values_list("public_changed", flat=True).first()

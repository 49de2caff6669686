"""The search index: one row per record, with folded names and text.

Rows are written only by ``archive.search`` (see its docstring for the write
paths that keep it current). On PostgreSQL a migration adds a stored,
GIN-indexed ``vector`` column generated from ``names`` (weight A) and
``body`` (weight B), and a trigram index on ``names``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type"), help_text=_("Type of the indexed record.")
    )
    object_id = models.PositiveBigIntegerField(_("record"), help_text=_("Internal id of the indexed record."))
    record_type = models.CharField(_("type"), max_length=20, db_index=True, help_text=_("protest, arrest, statement…"))
    title = models.CharField(_("title"), max_length=1000, help_text=_("The record's display name."))
    names = models.TextField(
        _("folded names"), help_text=_("Primary name and every other name, folded, one per line between bars.")
    )
    body = models.TextField(_("folded text"), blank=True, help_text=_("Descriptions, texts, slogans, folded."))
    text = models.TextField(_("text"), blank=True, help_text=_("The same text unfolded, for result snippets."))
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Whether the record passes the public gate.")
    )
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("The record's date, for recency ranking."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="archive_searchentry_one_per_record")
        ]
        indexes = [
            # Serves the public search: only public rows, narrowed by type.
            models.Index(fields=["is_public", "record_type"], name="searchentry_public_type_idx"),
            # Serves each tier of the public search (newest first) without sorting every match.
            models.Index(fields=["-date", "id"], condition=models.Q(is_public=True), name="searchentry_public_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.title}"

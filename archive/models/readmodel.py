"""The public read model: for every public record, its finished public document in each language.

Rows are written only by ``archive.readmodel``, which the write path (archive.changes) calls in the
write's own transaction; a record the public may not see has no row. Public reads take the document
as it is stored: no model instances, no prefetching, no serializer per request.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicDocument(models.Model):
    record_type = models.CharField(_("type"), max_length=20, help_text=_("protests, arrests, statements…"))
    object_id = models.PositiveBigIntegerField(_("record"), help_text=_("Internal id of the public record."))
    language = models.CharField(
        _("language"), max_length=10, help_text=_("The language the document is written for (dates, labels, names).")
    )
    public_id = models.CharField(_("public id"), max_length=64, help_text=_("The record's id in public addresses."))
    updated = models.DateTimeField(_("updated"), help_text=_("When the record's public form last changed."))
    document = models.TextField(
        _("document"),
        help_text=_("The record as the API shows it, as JSON text; links to other records are paths, not addresses."),
    )
    title = models.TextField(
        _("title"),
        blank=True,
        help_text=_(
            "What the public calls the record in this language (its name, title or label), as search lists it."
        ),
    )
    date = models.TextField(
        _("date"),
        blank=True,
        help_text=_("How the record's date reads in this language (“October 2020”); empty if undated or not dated."),
    )
    csv = models.TextField(
        _("CSV row"),
        blank=True,
        help_text=_("The record's line in the API's CSV export (the data package's columns), in this language."),
    )

    class Meta:
        verbose_name = _("public document")
        verbose_name_plural = _("public documents")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "language", "object_id"], name="archive_publicdocument_one_per_language"
            )
        ]
        indexes = [
            models.Index(fields=["record_type", "language", "public_id"], name="publicdocument_public_id"),
            # The home page's "recently added": the newest changes in a language, read in order (readmodel.newest).
            models.Index(fields=["language", "-updated"], name="publicdocument_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.public_id} [{self.language}]"


class PublicPlace(models.Model):
    """A public record is in this public place, directly or within it: the key a list's place filter reads
    (every public ancestor of the record's places, up to the first that is not public), with the record's date,
    so the newest records in a place are the first entries of an index."""

    record_type = models.CharField(_("type"), max_length=20, help_text=_("protests, arrests, statements…"))
    object_id = models.PositiveBigIntegerField(_("record"), help_text=_("Internal id of the public record."))
    place_id = models.PositiveBigIntegerField(_("place"), help_text=_("Internal id of a public place it is in."))
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("The record's first day (empty if undated or its type has no date): newest first in a place."),
    )

    class Meta:
        verbose_name = _("public record's place")
        verbose_name_plural = _("public records' places")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "place_id", "object_id"], name="archive_publicplace_one_per_place"
            )
        ]
        # On PostgreSQL also `publicplace_newest` (record_type, place_id, date DESC NULLS LAST, object_id): the newest
        # records of a type in a place, in order, for search (migration 0017; SQLite refuses NULLS LAST in an index).
        indexes = [models.Index(fields=["record_type", "object_id"], name="publicplace_record")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.object_id} in place {self.place_id}"

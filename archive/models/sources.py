"""Sources and citations: every fact is tied to the item that supports it."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive.models.actors import Person
from archive.models.base import (
    PERIOD_KEYS,
    Language,
    PartialDate,
    PeriodKeys,
    Record,
    choices_check,
    dated_record_constraints,
    record_permissions,
    undated_last_indexes,
)
from archive.models.media import MediaOutlet
from archive.validators import validate_web_address


class SourceKind(models.TextChoices):
    ARTICLE = "article", _("news or journal article")
    BOOK = "book", _("book")
    WEB_PAGE = "web_page", _("web page")
    SOCIAL_MEDIA = "social_media", _("social media post")
    BROADCAST = "broadcast", _("broadcast")
    FOOTNOTE_ONLY = "footnote_only", _("reference known only from a footnote")


class Source(Record, PartialDate, PeriodKeys):
    """A bibliographic item. Its date (date_start…) is the publication date."""

    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind, help_text=_("What sort of item this is."))
    title = models.CharField(_("title"), max_length=1000, help_text=_("Title in the original language and script."))
    title_translation = models.CharField(
        _("title in English"),
        max_length=1000,
        blank=True,
        help_text=_("English translation of the title, if not English."),
    )
    authors = models.CharField(
        _("authors"), max_length=500, blank=True, help_text=_("Authors as the source names them, e.g. “Caner, M.”.")
    )
    author_people = models.ManyToManyField(
        Person,
        blank=True,
        related_name="authored_sources",
        verbose_name=_("authors in the archive"),
        help_text=_("Authors who have a record."),
    )
    outlet = models.ForeignKey(
        MediaOutlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("outlet"),
        help_text=_("Newspaper, channel, site or journal that published it."),
    )
    publisher = models.CharField(
        _("publisher"),
        max_length=300,
        blank=True,
        help_text=_("Publisher and place, for books: “Eko Avrasiya, Ankara”."),
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("language"),
        help_text=_("Language of the item."),
    )
    url = models.URLField(
        _("web address"),
        max_length=2000,
        blank=True,
        validators=[validate_web_address],
        help_text=_("Where the item was read: an http:// or https:// address."),
    )
    accessed = models.DateField(
        _("accessed"), null=True, blank=True, help_text=_("When the web address was last read.")
    )
    archived_url = models.URLField(
        _("archived copy"),
        max_length=2000,
        blank=True,
        validators=[validate_web_address],
        help_text=_("A Wayback Machine or other archived copy: an http:// or https:// address."),
    )
    pages = models.CharField(_("pages"), max_length=50, blank=True, help_text=_("Page range, e.g. 677–696."))
    reference_text = models.TextField(
        _("reference as printed"),
        blank=True,
        help_text=_("The reference exactly as the citing work prints it, errors included."),
    )

    history = HistoricalRecords(m2m_fields=[author_people], excluded_fields=PERIOD_KEYS)

    class Meta:
        ordering = ["date_start", "title", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        permissions = record_permissions("source")
        indexes = undated_last_indexes("source")
        constraints = dated_record_constraints(choices_check("kind", SourceKind))

    def __str__(self) -> str:
        who = f"{self.authors}, " if self.authors else ""
        return f"{who}{self.title[:80]} ({self.date_display})"


class Citation(models.Model):
    """Ties any record to a source, with a locator and the supporting passage."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type"), help_text=_("Type of the cited record.")
    )
    object_id = models.PositiveBigIntegerField(_("record"), help_text=_("Internal id of the cited record."))
    record = GenericForeignKey("content_type", "object_id")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="citations_made",
        verbose_name=_("source"),
        help_text=_("The supporting source."),
    )
    cited_in = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations_relayed",
        verbose_name=_("cited in"),
        help_text=_(
            "The work through which the archive knows this source, e.g. the research article whose footnote names it."
        ),
    )
    footnote = models.PositiveSmallIntegerField(
        _("footnote"), null=True, blank=True, help_text=_("Footnote number in the citing work.")
    )
    page = models.CharField(_("page"), max_length=50, blank=True, help_text=_("Page or other locator."))
    quote = models.TextField(
        _("quoted passage"), blank=True, help_text=_("The passage that supports the record, verbatim.")
    )
    quote_translation = models.TextField(
        _("translation of the passage"),
        blank=True,
        help_text=_("English translation if the passage is not in English."),
    )
    note = models.CharField(
        _("note"), max_length=1000, blank=True, help_text=_("What this citation supports, or a caveat.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["footnote", "pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        indexes = [
            # Serves "citations of this record" on every record page and API detail.
            models.Index(fields=["content_type", "object_id"], name="citation_record_idx"),
        ]

    def __str__(self) -> str:
        where = f", fn. {self.footnote}" if self.footnote else ""
        return f"{self.source}{where}"

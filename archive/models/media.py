"""Media outlets: the newspapers, channels and sites that carried the story."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive.models.actors import Organization
from archive.models.base import (
    Language,
    OtherName,
    Record,
    choices_check,
    country_field,
    name_language_field,
    part_of,
    primary_name_field,
    record_constraints,
    record_permissions,
)
from archive.validators import validate_web_address


class OutletKind(models.TextChoices):
    NEWSPAPER = "newspaper", _("newspaper")
    MAGAZINE = "magazine", _("magazine or journal")
    NEWS_AGENCY = "news_agency", _("news agency")
    TV = "tv", _("television")
    RADIO = "radio", _("radio")
    NEWS_SITE = "news_site", _("news website")
    TELEGRAM = "telegram", _("Telegram channel")
    SOCIAL = "social", _("social media account")
    BLOG = "blog", _("blog")
    PUBLISHER = "publisher", _("book publisher")
    OTHER = "other", _("other")


class OutletBase(models.TextChoices):
    INSIDE = "inside", _("inside the country")
    ABROAD = "abroad", _("abroad or in exile")
    UNKNOWN = "unknown", _("unknown")


class OutletAffiliation(models.TextChoices):
    STATE = "state", _("state")
    IRGC = "irgc", _("IRGC-linked")
    SECURITY = "security", _("close to the security services")
    INDEPENDENT = "independent", _("independent")
    DIASPORA = "diaspora", _("diaspora")
    OPPOSITION = "opposition", _("opposition")
    ACADEMIC = "academic", _("academic")
    FOREIGN_STATE = "foreign_state", _("foreign state-funded")
    UNKNOWN = "unknown", _("unknown")


class MediaOutlet(Record):
    name = primary_name_field(max_length=300, help_text=_("Primary name as the archive cites it."))
    name_language = name_language_field()
    kind = models.CharField(
        _("kind"), max_length=20, choices=OutletKind, help_text=_("Newspaper, TV, Telegram channel…")
    )
    languages = models.ManyToManyField(
        Language,
        blank=True,
        related_name="outlets",
        verbose_name=_("languages"),
        help_text=_("Languages the outlet publishes in."),
    )
    country = country_field(help_text=_("Country the outlet reports on or is registered in."))
    base = models.CharField(
        _("base"),
        max_length=10,
        choices=OutletBase,
        default=OutletBase.UNKNOWN,
        help_text=_("Inside the country or abroad."),
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=20,
        choices=OutletAffiliation,
        default=OutletAffiliation.UNKNOWN,
        help_text=_("Who stands behind it: state, IRGC-linked, independent, diaspora…"),
    )
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outlets",
        verbose_name=_("owner"),
        help_text=_("Organization that owns or runs the outlet, if known."),
    )
    active_from = models.PositiveSmallIntegerField(
        _("active from"), null=True, blank=True, help_text=_("First year active.")
    )
    active_until = models.PositiveSmallIntegerField(
        _("active until"), null=True, blank=True, help_text=_("Last year active; empty if still active or unknown.")
    )
    url = models.URLField(
        _("web address"),
        max_length=500,
        blank=True,
        validators=[validate_web_address],
        help_text=_("Home page or channel address: an http:// or https:// address."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Public description."))

    history = HistoricalRecords(m2m_fields=[languages])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("media outlet")
        verbose_name_plural = _("media outlets")
        permissions = record_permissions("mediaoutlet")
        constraints = record_constraints(
            choices_check("kind", OutletKind),
            choices_check("base", OutletBase),
            choices_check("affiliation", OutletAffiliation),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="archive_mediaoutlet_active_until_after_from",
            ),
        )

    def __str__(self) -> str:
        return self.name


class OutletName(OtherName):
    owner = part_of(
        MediaOutlet, related_name="other_names", verbose_name=_("media outlet"), help_text=_("The outlet so named.")
    )

    class Meta(OtherName.Meta):
        verbose_name = _("other name of a media outlet")
        verbose_name_plural = _("other names of media outlets")

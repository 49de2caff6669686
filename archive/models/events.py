"""Protests and arrests: what happened, where, how many, to whom."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive.models.actors import Organization, Person
from archive.models.base import (
    PERIOD_KEYS,
    CountClaim,
    Language,
    PartialDate,
    PeriodKeys,
    Record,
    choices_check,
    dated_record_constraints,
    part_of,
    record_permissions,
    undated_last_indexes,
)
from archive.models.places import Place


class ProtestKind(models.TextChoices):
    RALLY = "rally", _("rally or demonstration")
    MARCH = "march", _("march")
    STRIKE = "strike", _("strike or shop closure")
    CELEBRATION = "celebration", _("celebration")
    GATHERING = "gathering", _("gathering")
    ONLINE = "online", _("online campaign")
    OTHER = "other", _("other")


class EventStatus(models.TextChoices):
    HELD = "held", _("held")
    CALLED = "called", _("called for")
    THREATENED = "threatened", _("threatened")
    PREVENTED = "prevented", _("prevented")
    UNKNOWN = "unknown", _("unknown")


class Slogan(models.Model):
    """A slogan, chanted or written, reusable across protests."""

    text = models.CharField(_("text"), max_length=500, help_text=_("The slogan in its original language, if known."))
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        verbose_name=_("language"),
        help_text=_("Language of the text above; English when only a translation is known."),
    )
    translation = models.CharField(
        _("English translation"), max_length=500, blank=True, help_text=_("English wording, as the source gives it.")
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("E.g. that only a translation is known.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["text", "pk"]
        verbose_name = _("slogan")
        verbose_name_plural = _("slogans")
        constraints = [models.UniqueConstraint(fields=["text", "language"], name="archive_slogan_unique_text")]

    def __str__(self) -> str:
        return self.text


class Protest(Record, PartialDate, PeriodKeys):
    title = models.CharField(_("title"), max_length=300, help_text=_("Short public title, e.g. “Rally in Ardabil”."))
    kind = models.CharField(_("kind"), max_length=20, choices=ProtestKind, help_text=_("Rally, march, shop closure…"))
    event_status = models.CharField(
        _("event status"),
        max_length=12,
        choices=EventStatus,
        default=EventStatus.HELD,
        help_text=_("Whether it was held, only called for, threatened or prevented."),
    )
    places = models.ManyToManyField(
        Place,
        blank=True,
        related_name="protests",
        verbose_name=_("places"),
        help_text=_("Every city or site where it took place."),
    )
    organizers = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="protests_organized",
        verbose_name=_("organizers"),
        help_text=_("Organizations that called or organized it."),
    )
    slogans = models.ManyToManyField(
        Slogan,
        blank=True,
        related_name="protests",
        verbose_name=_("slogans"),
        help_text=_("Slogans chanted or posted."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Public account of what happened."))
    about_place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protests_about",
        verbose_name=_("about a place"),
        help_text=_("The place the protest was about, where that is not where it was held (e.g. Shusha)."),
    )

    history = HistoricalRecords(m2m_fields=[places, organizers, slogans], excluded_fields=PERIOD_KEYS)

    class Meta:
        ordering = ["date_start", "title", "pk"]
        verbose_name = _("protest")
        verbose_name_plural = _("protests")
        permissions = record_permissions("protest")
        indexes = undated_last_indexes("protest")
        constraints = dated_record_constraints(
            choices_check("kind", ProtestKind), choices_check("event_status", EventStatus)
        )

    def __str__(self) -> str:
        return self.title


class ProtestSizeClaim(CountClaim):
    protest = part_of(
        Protest, related_name="size_claims", verbose_name=_("protest"), help_text=_("The protest counted.")
    )

    class Meta(CountClaim.Meta):
        verbose_name = _("protest size claim")
        verbose_name_plural = _("protest size claims")


class ArrestOutcome(models.TextChoices):
    UNKNOWN = "unknown", _("unknown")
    HELD = "held", _("still held")
    RELEASED = "released", _("released")
    RELEASED_ON_BAIL = "bail", _("released on bail")
    CHARGED = "charged", _("charged")
    SENTENCED = "sentenced", _("sentenced")
    ACQUITTED = "acquitted", _("acquitted")


class Arrest(Record, PartialDate, PeriodKeys):
    """A named person's detention, or an unnamed group's with count claims."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrests",
        verbose_name=_("detainee"),
        help_text=_("The named detainee. Mark the person at risk to withhold the name."),
    )
    group_description = models.CharField(
        _("group detained"),
        max_length=300,
        blank=True,
        help_text=_("For an unnamed group: who they were, e.g. “national activists”."),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrests",
        verbose_name=_("place"),
        help_text=_("Where."),
    )
    protest = models.ForeignKey(
        Protest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrests",
        verbose_name=_("at protest"),
        help_text=_("The protest at or after which the arrest happened."),
    )
    authority = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arrests_made",
        verbose_name=_("detaining authority"),
        help_text=_("Police, intelligence ministry, IRGC… as reported."),
    )
    accusation = models.TextField(
        _("accused of"), blank=True, help_text=_("What they were accused of, as reported — not the formal charge.")
    )
    formal_charge = models.TextField(
        _("formal charge"), blank=True, help_text=_("The charge in court papers, if known.")
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=ArrestOutcome,
        default=ArrestOutcome.UNKNOWN,
        help_text=_("What became of them."),
    )
    outcome_date = models.DateField(
        _("outcome date"), null=True, blank=True, help_text=_("When released or sentenced.")
    )
    outcome_note = models.TextField(_("outcome details"), blank=True, help_text=_("Sentence, bail terms and the like."))
    description = models.TextField(_("description"), blank=True, help_text=_("Public account."))

    history = HistoricalRecords(excluded_fields=PERIOD_KEYS)

    class Meta:
        ordering = ["date_start", "pk"]
        verbose_name = _("arrest")
        verbose_name_plural = _("arrests")
        permissions = record_permissions("arrest")
        indexes = undated_last_indexes("arrest")
        constraints = dated_record_constraints(
            choices_check("outcome", ArrestOutcome),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(group_description=""),
                name="archive_arrest_person_or_group",
            ),
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True)
                | Q(date_start__isnull=True)
                | Q(outcome_date__gte=models.F("date_start")),
                name="archive_arrest_outcome_after_arrest",
            ),
        )

    def __str__(self) -> str:
        who = self.person.name if self.person_id else self.group_description
        return f"{who} ({self.date_display})"


class ArrestCountClaim(CountClaim):
    arrest = part_of(Arrest, related_name="count_claims", verbose_name=_("arrest"), help_text=_("The arrests counted."))

    class Meta(CountClaim.Meta):
        verbose_name = _("number detained claim")
        verbose_name_plural = _("number detained claims")

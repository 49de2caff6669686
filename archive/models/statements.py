"""Statements: who said what, when, in what form, about which events."""

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
from archive.models.events import Arrest, Protest
from archive.models.media import MediaOutlet
from archive.models.places import Place


class StatementForm(models.TextChoices):
    SPEECH = "speech", _("speech")
    LETTER = "letter", _("letter")
    JOINT_STATEMENT = "joint_statement", _("joint statement")
    RESOLUTION = "resolution", _("parliamentary resolution")
    INTERVIEW = "interview", _("interview")
    SOCIAL_MEDIA = "social_media", _("social media post")
    SERMON = "sermon", _("sermon")
    PRESS_STATEMENT = "press_statement", _("press statement")
    ARTICLE = "article", _("article or publication")
    CALL = "call", _("call to action")
    OFFICIAL_REMARK = "official_remark", _("official remark")


class Statement(Record, PartialDate, PeriodKeys):
    title = models.CharField(
        _("title"), max_length=300, help_text=_("Short public title, e.g. “GAMAC statement of support”.")
    )
    form = models.CharField(
        _("form"), max_length=20, choices=StatementForm, help_text=_("Speech, letter, joint statement…")
    )
    speaker_people = models.ManyToManyField(
        Person,
        blank=True,
        related_name="statements",
        verbose_name=_("speakers (people)"),
        help_text=_("People who spoke or signed."),
    )
    speaker_organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="statements",
        verbose_name=_("speakers (organizations)"),
        help_text=_("Organizations that issued or signed it."),
    )
    speaker_description = models.CharField(
        _("speakers as described"),
        max_length=500,
        blank=True,
        help_text=_("Speakers the archive cannot name one by one, e.g. “imams of East Azerbaijan”."),
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("place"),
        help_text=_("Where it was made, if known."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("What it says, in a few sentences."))
    reported_in = models.ManyToManyField(
        MediaOutlet,
        blank=True,
        related_name="statements_reported",
        verbose_name=_("reported in"),
        help_text=_("Outlets that carried it."),
    )
    about_protests = models.ManyToManyField(
        Protest,
        blank=True,
        related_name="statements",
        verbose_name=_("about protests"),
        help_text=_("Protests it concerns."),
    )
    about_arrests = models.ManyToManyField(
        Arrest,
        blank=True,
        related_name="statements",
        verbose_name=_("about arrests"),
        help_text=_("Arrests it concerns."),
    )
    about_statements = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="referenced_by",
        verbose_name=_("about statements"),
        help_text=_("Statements it answers or refers to."),
    )

    history = HistoricalRecords(
        excluded_fields=PERIOD_KEYS,
        m2m_fields=[
            speaker_people,
            speaker_organizations,
            reported_in,
            about_protests,
            about_arrests,
            about_statements,
        ],
    )

    class Meta:
        ordering = ["date_start", "title", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        permissions = record_permissions("statement")
        indexes = undated_last_indexes("statement")
        constraints = dated_record_constraints(choices_check("form", StatementForm))

    def __str__(self) -> str:
        return self.title

    @property
    def original_text(self):
        return next((t for t in self.texts.all() if t.is_original), None)


class StatementText(models.Model):
    """The statement's words in one language: the original or a translation."""

    statement = part_of(Statement, related_name="texts", verbose_name=_("statement"), help_text=_("The statement."))
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, verbose_name=_("language"), help_text=_("Language and script of this text.")
    )
    text = models.TextField(_("text"), help_text=_("The words, verbatim as far as the source gives them."))
    is_original = models.BooleanField(
        _("original"), default=False, help_text=_("Tick for the text in the language it was made in.")
    )
    translator = models.CharField(
        _("translated by"), max_length=300, blank=True, help_text=_("Who translated it, e.g. “the article’s author”.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_original", "language", "pk"]
        verbose_name = _("statement text")
        verbose_name_plural = _("statement texts")
        constraints = [
            models.UniqueConstraint(
                fields=["statement"], condition=Q(is_original=True), name="archive_statementtext_one_original"
            ),
            models.UniqueConstraint(
                fields=["statement", "language", "is_original"], name="archive_statementtext_unique_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement} [{self.language_id}]"


class SignatoryClaim(CountClaim):
    statement = part_of(
        Statement, related_name="signatory_claims", verbose_name=_("statement"), help_text=_("The statement signed.")
    )
    group = models.CharField(
        _("signatories"),
        max_length=300,
        help_text=_("Who signed, as described: “prominent musicians”, “universities”."),
    )

    class Meta(CountClaim.Meta):
        verbose_name = _("signatory claim")
        verbose_name_plural = _("signatory claims")

    def __str__(self) -> str:
        return f"{super().__str__()} {self.group}"

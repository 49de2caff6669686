"""What every archive record shares: a permanent public id, an editorial
status, restriction, timestamps, citations, and the public gate.

The public gate is ``RecordQuerySet.published()``. Every public path — site,
API, exports, search, sitemaps — reaches records through it.
"""

import datetime as dt
import secrets
from functools import lru_cache

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive import dates
from archive.dates import DatePrecision

PUBLIC_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case

public_id_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{2,63}$",
    _("Use 3–64 lower-case letters, digits and hyphens, starting with a letter or digit."),
)
language_tag_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$", _("Use a BCP 47 tag such as az-Latn.")
)
wikidata_validator = RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata item id looks like Q123."))


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))


def choices_check(field: str, choices: type[models.TextChoices]) -> models.CheckConstraint:
    """A named database check that `field` holds one of `choices`."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class RecordQuerySet(models.QuerySet):
    def published(self):
        """Records the public may see: published and not restricted."""
        return self.filter(status=Status.PUBLISHED, restricted=False)

    def withdrawn(self):
        return self.filter(status=Status.WITHDRAWN)


class Record(models.Model):
    """Abstract base of every public record type."""

    public_id = models.CharField(
        _("public id"),
        max_length=64,
        unique=True,
        blank=True,
        validators=[public_id_validator],
        help_text=_(
            "The record's address, e.g. protest-2020-10-18-tabriz-rally. Leave empty to make one from the type, "
            "date and title. It can be edited until the record is first published, never after."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Draft → in review → published; withdrawn records answer with their public reason."),
    )
    withdrawn_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Shown to the public when a published record is withdrawn."),
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Never shown to the public, whatever its status (e.g. it would endanger someone)."),
    )
    public_note = models.TextField(
        _("note on the sources"),
        blank=True,
        help_text=_("Public note: how this is known, where sources disagree, spellings that differ."),
    )
    private_note = models.TextField(
        _("private note"),
        blank=True,
        help_text=_("For archivists and editors only; never published."),
    )
    wikidata_qid = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[wikidata_validator],
        help_text=_("Optional Wikidata item, e.g. Q1010 for Tabriz."),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=20,
        default="en",
        blank=True,  # left empty: English, the archive's working language
        validators=[language_tag_validator],
        help_text=_(
            "BCP 47 tag of the language the record's title, description and notes are written in (their "
            "original); translations into other languages are kept beside them."
        ),
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_(
            "The record's texts in other languages, each with who translated it: "
            '{"title": {"fa": {"text": "…", "by": "archive", "translator": "name"}}}. '
            'A translation published by a source says "by": "source" and that source\'s public id.'
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True, db_default=Now())
    updated = models.DateTimeField(
        _("updated"),
        auto_now=True,
        db_default=Now(),
        db_index=True,
        help_text=_("When the record last changed; API clients sync on it."),
    )

    citations = GenericRelation("archive.Citation", related_query_name="cited_%(class)s")

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            choices_check("status", Status),
            models.CheckConstraint(
                condition=~Q(status=Status.WITHDRAWN) | ~Q(withdrawn_reason=""),
                name="%(app_label)s_%(class)s_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(wikidata_qid="") | Q(wikidata_qid__startswith="Q"),
                name="%(app_label)s_%(class)s_wikidata_qid_format",
            ),
        ]

    def save(self, *args, **kwargs):
        if not self.public_id:
            from archive import public_ids

            self.public_id = public_ids.readable(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The record's permanent public page, in the active language (its type's public key and id)."""
        from archive import registry  # the registry is built from these models

        return reverse("archive:detail", args=[registry.key_of(self), self.public_id])

    def clean(self):
        super().clean()
        from archive import public_ids, registry, translations

        public_ids.check_permanent(self)
        self.original_language = self.original_language or "en"
        found = translations.problems(registry.of(self), self.translations)
        own = self.original_language
        if not found and own in {tag for value in (self.translations or {}).values() for tag in value}:
            found = [_("A translation cannot be in the texts' own language (%(tag)s).") % {"tag": own}]
        found += translations.unknown_sources(self.translations)
        if found:
            raise ValidationError({"translations": found})
        self.translations = translations.cleaned(self.translations)

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and not self.restricted


class PartialDate(models.Model):
    """A date as precise as the sources allow: start, optional end, precision."""

    date_start = models.DateField(
        _("date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("First day, or any day inside the period when the precision is a month, year or decade."),
    )
    date_end = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Last day of a range; leave empty for a single day or period."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=16,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("How precisely the sources date this: “October 2020” is month precision."),
    )
    date_note = models.CharField(
        _("how the date is known"),
        max_length=500,
        blank=True,
        help_text=_("E.g. “the third day of the war”, or a footnote dated before the event."),
    )

    class Meta:
        abstract = True
        constraints = [
            choices_check("date_precision", DatePrecision),
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_end__gte=models.F("date_start")),
                name="%(app_label)s_%(class)s_date_end_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(date_precision=DatePrecision.UNDATED) & Q(date_start__isnull=True))
                | (~Q(date_precision=DatePrecision.UNDATED) & Q(date_start__isnull=False)),
                name="%(app_label)s_%(class)s_undated_iff_no_date",
            ),
        ]

    @property
    def date_display(self) -> str:
        return _rendered_date(self.date_start, self.date_end, self.date_precision, get_language())


class PeriodKeys(models.Model):
    """The first and last day a dated record's date may stand for (`dates.period_of`), kept on its own row by the
    write path (archive.readmodel.periods) from the date and its precision: the date filter and the lists'
    timelines compare these two days instead of working out every precision's period in each query."""

    period_first = models.DateField(
        _("earliest possible day"),
        null=True,
        editable=False,
        help_text=_("Kept by the archive from the date and its precision; empty when undated."),
    )
    period_last = models.DateField(
        _("latest possible day"),
        null=True,
        editable=False,
        help_text=_("Kept by the archive from the date and its precision; empty when undated."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Set here too, so that the saved instance carries them at once and its row is written with them; the
        # write path sets them for every other kind of write (bulk, raw fixture loads) and is what guarantees them.
        self.period_first, self.period_last = dates.period_of(self.date_start, self.date_end, self.date_precision)
        fields = kwargs.get("update_fields")
        if fields is not None and {"date_start", "date_end", "date_precision"} & set(fields):
            kwargs["update_fields"] = {*fields, *PERIOD_KEYS}
        super().save(*args, **kwargs)


# Not in a record's history: they follow from the date, which is (a version's keys may be a change behind).
PERIOD_KEYS = ["period_first", "period_last"]


def record_constraints(*extra) -> list:
    """Constraints inherited from Record (and PartialDate) plus a model's own.

    Django replaces, not merges, Meta.constraints when a subclass declares its
    own, so concrete models build theirs through this helper.
    """
    return [*Record._meta.constraints, *extra]


def record_permissions(model_name: str) -> list[tuple[str, str]]:
    """Workflow and bulk permissions every record type has, beyond add/change/delete/view."""
    return [
        (f"publish_{model_name}", f"Can publish, withdraw and restrict {model_name} records"),
        (f"import_{model_name}", f"Can import {model_name} records"),
        (f"export_{model_name}", f"Can export {model_name} records"),
    ]


def undated_last_indexes(name: str) -> list:
    """Serve list pages and the API sorted by date: cursor paging sorts undated records last
    through a stand-in date (archive/paging.py), ascending and descending."""
    return [
        models.Index(
            Coalesce("date_start", Value(dt.date.max, output_field=models.DateField())), "id", name=f"{name}_date_asc"
        ),
        models.Index(
            Coalesce("date_start", Value(dt.date.min, output_field=models.DateField())), "id", name=f"{name}_date_desc"
        ),
    ]


def dated_record_constraints(*extra) -> list:
    return [*Record._meta.constraints, *PartialDate._meta.constraints, *extra]


class Language(models.Model):
    """A language and, where it matters, script, as a BCP 47 tag."""

    code = models.CharField(
        _("code"),
        max_length=20,
        primary_key=True,
        validators=[language_tag_validator],
        help_text=_("BCP 47 tag: az-Latn, az-Arab, fa, ru, tr, en…"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("English name, e.g. Azerbaijani (Latin script)."))
    native_name = models.CharField(
        _("native name"), max_length=100, blank=True, help_text=_("The language's name for itself.")
    )
    direction = models.CharField(
        _("direction"),
        max_length=3,
        choices=[("ltr", _("left to right")), ("rtl", _("right to left"))],
        default="ltr",
        help_text=_("Writing direction of the script."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        constraints = [
            models.CheckConstraint(condition=Q(direction__in=["ltr", "rtl"]), name="archive_language_direction_valid")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def primary_name_field(*, max_length: int, help_text) -> models.CharField:
    """A record's primary name: the form the archive cites it by."""
    return models.CharField(_("name"), db_index=True, max_length=max_length, help_text=help_text)


def name_language_field() -> models.ForeignKey:
    """The language and script of a record's primary name."""
    return models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language of the name"),
        help_text=_("Language/script of the primary name."),
    )


def part_of(owner, *, related_name: str, verbose_name, help_text) -> models.ForeignKey:
    """A part's link to the record it belongs to (other names, claims, texts, roles):
    the part goes when its record goes."""
    return models.ForeignKey(
        owner, on_delete=models.CASCADE, related_name=related_name, verbose_name=verbose_name, help_text=help_text
    )


def _optional_link(to, *, related_name: str, verbose_name, help_text, **options) -> models.ForeignKey:
    """An optional link whose target cannot be deleted while something points at it."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
        help_text=help_text,
        **options,
    )


def country_field(*, help_text) -> models.ForeignKey:
    """The country a body belongs to or works on: a place of kind country."""
    kind_country = {"kind": "country"}
    return _optional_link(
        "archive.Place", related_name="+", limit_choices_to=kind_country, verbose_name=_("country"), help_text=help_text
    )


def parent_field(*, help_text) -> models.ForeignKey:
    """The record of the same type this one is part of (a tree: a city's province, a ministry's department)."""
    return _optional_link("self", related_name="children", verbose_name=_("part of"), help_text=help_text)


class NameKind(models.TextChoices):
    VARIANT = "variant", _("variant spelling")
    TRANSLITERATION = "transliteration", _("transliteration")
    NATIVE = "native", _("native script")
    TRANSLATION = "translation", _("translation")
    ABBREVIATION = "abbreviation", _("abbreviation")
    FORMER = "former", _("former name")
    PSEUDONYM = "pseudonym", _("pseudonym or handle")


class OtherName(models.Model):
    """Another name of an entity, tagged with language/script and kind.

    Concrete subclasses add ``owner``, a foreign key to the named entity.
    """

    name = models.CharField(_("name"), max_length=300, help_text=_("The name exactly as written in this script."))
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        verbose_name=_("language/script"),
        help_text=_("Language and script of this form, e.g. az-Latn for Ərdəbil, fa for اردبیل."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=NameKind,
        default=NameKind.VARIANT,
        help_text=_("How this name relates to the primary name."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True, help_text=_("Where this form appears, if notable."))

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["language", "name", "pk"]
        constraints = [
            choices_check("kind", NameKind),
            # One alias per name and language for each entity.
            models.UniqueConstraint(fields=["owner", "name", "language"], name="%(app_label)s_%(class)s_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language_id}]"


class ClaimantKind(models.TextChoices):
    ACTIVISTS = "activists", _("activists or organizers")
    STATE = "state", _("state officials or state media")
    RIGHTS_GROUP = "rights_group", _("human-rights group")
    MEDIA = "media", _("independent or foreign media")
    RESEARCHER = "researcher", _("researcher")
    UNKNOWN = "unknown", _("unknown")


class CountClaim(models.Model):
    """A number as one source claims it: words as written, low–high, claimant.

    Disagreeing figures from two sources are two claims; both are kept.
    """

    words = models.CharField(
        _("as written"),
        max_length=200,
        blank=True,
        help_text=_("The figure in the source's words: “twenty”, “hundreds”."),
    )
    low = models.PositiveIntegerField(_("low"), null=True, blank=True, help_text=_("Lowest number the words allow."))
    high = models.PositiveIntegerField(
        _("high"), null=True, blank=True, help_text=_("Highest number the words allow; empty if open-ended.")
    )
    claimant = models.CharField(
        _("claimed by"),
        max_length=300,
        blank=True,
        help_text=_("Who gives this figure, e.g. “the article’s author”, “Erk”."),
    )
    claimant_kind = models.CharField(
        _("kind of claimant"),
        max_length=20,
        choices=ClaimantKind,
        default=ClaimantKind.UNKNOWN,
        help_text=_(
            "What sort of voice makes the claim. While it is unknown, the form suggests one from the claimant's "
            "words (“the organizers” → activists), as an import does when its file gives no kind."
        ),
    )
    source = models.ForeignKey(
        "archive.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source"),
        help_text=_("The source that carries this figure."),
    )
    footnote = models.PositiveSmallIntegerField(
        _("footnote"), null=True, blank=True, help_text=_("Footnote number in the citing work, if any.")
    )
    note = models.CharField(
        _("note"), max_length=500, blank=True, help_text=_("E.g. which other claim this contradicts.")
    )

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["pk"]  # in the order they were entered
        constraints = [
            choices_check("claimant_kind", ClaimantKind),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=models.F("high")),
                name="%(app_label)s_%(class)s_low_lte_high",
            ),
            models.CheckConstraint(
                condition=~Q(words="") | Q(low__isnull=False),
                name="%(app_label)s_%(class)s_words_or_figure",
            ),
        ]

    def __str__(self) -> str:
        shown = self.words or self.range_display
        return f"{shown} ({self.claimant})" if self.claimant else shown

    @property
    def range_display(self) -> str:
        return self.range_of(self.low, self.high)

    @staticmethod
    def range_of(low: int | None, high: int | None) -> str:
        """A claim's figures as read: "24–99", "1000+", "20", or "" without any."""
        if low is None and high is None:
            return ""
        if high is None:
            return f"{low}+"
        if low == high or low is None:
            return str(high)
        return f"{low}–{high}"


@lru_cache(maxsize=8192)
def _rendered_date(start, end, precision, language) -> str:
    """Rendering a date is slow and a list shows the same few days again and again."""
    return dates.render(start, end, precision)

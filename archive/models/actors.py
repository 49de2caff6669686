"""People and organizations: who spoke, organized, detained or was detained."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive.models.base import (
    OtherName,
    PartialDate,
    Record,
    RecordQuerySet,
    choices_check,
    country_field,
    name_language_field,
    parent_field,
    part_of,
    primary_name_field,
    record_constraints,
    record_permissions,
)
from archive.models.places import Place


class PersonQuerySet(RecordQuerySet):
    def published(self):
        """People the public may see: an at-risk person's identity is withheld."""
        return super().published().filter(at_risk=False)

    def withdrawn(self):
        """Withdrawn people whose withdrawal notice (410) the public may read: an at-risk
        person has no page at all, not even that notice, so they answer 404 like an unknown id."""
        return super().withdrawn().filter(at_risk=False)


class Person(Record):
    name = primary_name_field(max_length=200, help_text=_("Primary name, as the archive cites the person."))
    name_language = name_language_field()
    description = models.TextField(
        _("description"), blank=True, help_text=_("Who the person is, in a sentence or two.")
    )
    at_risk = models.BooleanField(
        _("at risk: withhold identity"),
        default=False,
        help_text=_("The public sees “name withheld” wherever this person appears, and no page for them."),
    )

    objects = PersonQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = record_permissions("person")
        constraints = record_constraints()

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return super().is_public and not self.at_risk


class PersonName(OtherName):
    owner = part_of(Person, related_name="other_names", verbose_name=_("person"), help_text=_("The person so named."))

    class Meta(OtherName.Meta):
        verbose_name = _("other name of a person")
        verbose_name_plural = _("other names of people")


class OrganizationKind(models.TextChoices):
    POLITICAL = "political", _("political organization")
    STUDENT = "student", _("student movement")
    RIGHTS_GROUP = "rights_group", _("human-rights group")
    STATE_BODY = "state_body", _("state body")
    LEGISLATURE = "legislature", _("legislature")
    MILITARY = "military", _("military or security unit")
    CLERGY = "clergy", _("clergy body")
    PROFESSIONAL = "professional", _("professional body")
    CULTURAL = "cultural", _("cultural or artistic group")
    UNIVERSITY = "university", _("university")
    THINK_TANK = "think_tank", _("research centre or think tank")
    INTERNATIONAL = "international", _("international organization")
    BUSINESS = "business", _("business or trade group")
    OTHER = "other", _("other")


class Organization(Record):
    name = primary_name_field(max_length=300, help_text=_("Primary name, usually the English form."))
    name_language = name_language_field()
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganizationKind, help_text=_("What sort of body this is.")
    )
    country = country_field(help_text=_("Country the organization belongs to or works on."))
    based_in = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations_based_here",
        verbose_name=_("based in"),
        help_text=_("Where it operates from, e.g. abroad for an exile group."),
    )
    parent = parent_field(help_text=_("Parent body, e.g. the ministry a department belongs to."))
    founded_year = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, help_text=_("Year founded, if known.")
    )
    dissolved_year = models.PositiveSmallIntegerField(
        _("dissolved"), null=True, blank=True, help_text=_("Year dissolved, if it no longer exists.")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Public description."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        permissions = record_permissions("organization")
        constraints = record_constraints(
            choices_check("kind", OrganizationKind),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(dissolved_year__isnull=True)
                | Q(dissolved_year__gte=models.F("founded_year")),
                name="archive_organization_dissolved_after_founded",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="archive_organization_not_own_parent"),
        )

    def __str__(self) -> str:
        return self.name


class OrganizationName(OtherName):
    owner = part_of(
        Organization,
        related_name="other_names",
        verbose_name=_("organization"),
        help_text=_("The organization so named."),
    )

    class Meta(OtherName.Meta):
        verbose_name = _("other name of an organization")
        verbose_name_plural = _("other names of organizations")


class Affiliation(PartialDate):
    """A person's role, over a period, in an organization or in public life."""

    person = part_of(Person, related_name="affiliations", verbose_name=_("person"), help_text=_("Who held the role."))
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("organization"),
        help_text=_("Where the role was held; empty for a role such as “writer”."),
    )
    role = models.CharField(
        _("role"), max_length=300, help_text=_("E.g. “Minister of Foreign Affairs”, “MP for Tabriz”.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["person", "date_start", "pk"]
        verbose_name = _("role or affiliation")
        verbose_name_plural = _("roles and affiliations")
        constraints = list(PartialDate._meta.constraints)

    def __str__(self) -> str:
        where = f", {self.organization}" if self.organization_id else ""
        return f"{self.person}: {self.role}{where}"

"""Places: a hierarchy from country to a single site, with other names."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive.models.base import (
    OtherName,
    Record,
    RecordQuerySet,
    choices_check,
    name_language_field,
    parent_field,
    part_of,
    primary_name_field,
    record_constraints,
    record_permissions,
)


class PlaceKind(models.TextChoices):
    COUNTRY = "country", _("country")
    REGION = "region", _("historical or cultural region")
    PROVINCE = "province", _("province")
    COUNTY = "county", _("county")
    CITY = "city", _("city or town")
    VILLAGE = "village", _("village")
    SITE = "site", _("site (square, bazaar, building)")
    BORDER_CROSSING = "border_crossing", _("border crossing")
    MONUMENT = "monument", _("monument or historic site")


class PlaceQuerySet(RecordQuerySet):
    def descendant_ids(self, root_ids) -> set[int]:
        """Ids of the given places and every place of this queryset beneath them (so
        ``published().descendant_ids`` walks only through public places).

        Walks one level per query; place trees are a handful of levels deep.
        """
        found = set(root_ids)
        frontier = set(root_ids)
        while frontier:
            frontier = set(self.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
            found |= frontier
        return found


class Place(Record):
    name = primary_name_field(max_length=200, help_text=_("Primary name, usually the common English form."))
    name_language = name_language_field()
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind, help_text=_("Country, province, city, site…"))
    parent = parent_field(help_text=_("The place this one lies in: a city's province, a province's country."))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("WGS 84 decimal degrees.")
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("WGS 84 decimal degrees.")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Public description."))

    objects = PlaceQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        permissions = record_permissions("place")
        constraints = record_constraints(
            choices_check("kind", PlaceKind),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="archive_place_not_own_parent"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="archive_place_coordinates_valid",
            ),
        )

    def __str__(self) -> str:
        return self.name


class PlaceName(OtherName):
    owner = part_of(Place, related_name="other_names", verbose_name=_("place"), help_text=_("The place so named."))

    class Meta(OtherName.Meta):
        verbose_name = _("other name of a place")
        verbose_name_plural = _("other names of places")

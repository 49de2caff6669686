"""Changelist filters the curators asked for: a place with everything inside it."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from archive.models import Place, PlaceKind

AREA_KINDS = [PlaceKind.COUNTRY, PlaceKind.REGION, PlaceKind.PROVINCE, PlaceKind.COUNTY, PlaceKind.CITY]


def place_within_filter(*paths: str):
    """A list filter on `paths` (e.g. "places", "place") that includes sub-places."""

    class PlaceWithinFilter(admin.SimpleListFilter):
        title = _("place (with the places in it)")
        parameter_name = "within"

        def lookups(self, request, model_admin):
            areas = Place.objects.filter(kind__in=AREA_KINDS).order_by("kind", "name")
            return [(str(place.pk), f"{place.name} ({place.get_kind_display()})") for place in areas]

        def queryset(self, request, queryset):
            if not self.value() or not self.value().isdigit():
                return queryset
            ids = Place.objects.descendant_ids([int(self.value())])
            condition = Q()
            for path in paths:
                condition |= Q(**{f"{path}__in": ids})
            return queryset.filter(condition).distinct()

    return PlaceWithinFilter

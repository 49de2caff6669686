"""Where the published protests were: protests by city, and the public places the dot map (charts.dotmap) shares.

Like the timeline, pure functions over the public gate that return the geometry an inline SVG
needs and the numbers its text alternative shows; a place's protests are counted from the read model's
place keys (`archive.readmodel.places`), as the place filter finds them.
"""

import copy
import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive import registry, translations
from archive.models import Place, PlaceKind, Protest
from archive.readmodel import places as place_keys
from archive.templatetags.archive_tags import record_urls

# Chart geometry, in SVG user units; the narrow picture is the one phones show.
BAR_ROW, BAR_LABEL_WIDTH, BAR_WIDTH = 26, 150, 460
NARROW_BAR_LABEL_WIDTH, NARROW_BAR_WIDTH = 110, 210


# --- protests by city -----------------------------------------------------------------------------


@dataclass
class CityCount:
    name: str
    url: str
    count: int
    y: float = 0
    width: float = 0
    text_y: float = 0


@dataclass
class CityChart:
    cities: list[CityCount]
    unattributed: int  # published protests tied to no public city
    height: int = 0
    label_width: int = BAR_LABEL_WIDTH
    width: int = BAR_LABEL_WIDTH + BAR_WIDTH + 40
    narrow: "CityChart | None" = None

    @property
    def text(self) -> str:
        if not self.cities:
            return _("No published protest is tied to a city yet.")
        listed = ", ".join(f"{c.name} {c.count}" for c in self.cities)
        text = _("Protests per city: %(list)s.") % {"list": listed}
        if self.unattributed:
            text += " " + ngettext(
                "%(n)s protest is not tied to a city.", "%(n)s protests are not tied to a city.", self.unattributed
            ) % {"n": self.unattributed}
        return text


@dataclass(slots=True, eq=False)
class ChartPlace:
    """A public place as the charts draw it: what they read of it, not a model instance (a map reads every
    public place, ~3,000 at scale M: instances took four times as long to make, and were hashed to link each)."""

    pk: int
    public_id: str
    name: str
    kind: str
    parent_id: int | None
    latitude: Decimal | None
    longitude: Decimal | None


def public_places() -> dict[int, ChartPlace]:
    """Every published place, slimmed to what the charts need and named as the reader reads it — its other name
    in the reader's language or script where it has one, as search, record pages and option menus name it
    (Tabriz is تبریز on Persian pages): two queries."""
    fields = [field.name for field in dataclasses.fields(ChartPlace)]
    public = Place.objects.published().order_by()
    places = {row[0]: ChartPlace(*row) for row in public.values_list(*fields)}
    for pk, name in translations.names_in(registry.of(Place), public.values("pk")).items():
        if pk in places:  # (not a place published between the two queries)
            places[pk].name = name
    return places


def within(place_id: int | None, places: dict[int, ChartPlace]) -> set[int]:
    """The place and every public place inside it: the places whose records the place filter finds (it descends
    only through public places, as this does). One walk down the tree in memory, over places the charts have read
    already (`PlaceQuerySet.descendant_ids` is the same walk in the database, a query per level)."""
    children: dict[int, list[int]] = {}
    for pk, place in places.items():
        children.setdefault(place.parent_id, []).append(pk)
    found: set[int] = set()
    todo = [place_id] if place_id in places else []
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo += children.get(pk, [])
    return found


def protests_by_city(
    places: dict[int, ChartPlace] | None = None, counted: dict[int, int] | None = None, total: int | None = None
) -> CityChart:
    """Published protests per public city: those there or at a public place inside it (a bazaar, a monument),
    each counted once per city — what the list filtered by the city finds, and what the map's dot says. From the
    read model's place keys: `counted` (the place keys' counts, `readmodel.places.counts`) and `total` (how many
    protests are published) if the caller has them."""
    places = public_places() if places is None else places
    protests = Protest.objects.published()
    counted = place_keys.counts(protests) if counted is None else counted
    total = protests.count() if total is None else total
    page_of = record_urls(Place)
    cities = sorted(
        (
            CityCount(place.name, page_of(place), counted[pk])
            for pk, place in places.items()
            if place.kind == PlaceKind.CITY and counted.get(pk)
        ),
        key=lambda c: (-c.count, c.name),
    )
    in_a_city = place_keys.found_in_any(protests, Place.objects.published().filter(kind=PlaceKind.CITY))
    chart = CityChart(cities, unattributed=total - in_a_city)
    chart.narrow = _lay_out_cities(copy.deepcopy(chart), NARROW_BAR_LABEL_WIDTH, NARROW_BAR_WIDTH)
    return _lay_out_cities(chart, BAR_LABEL_WIDTH, BAR_WIDTH)


def _lay_out_cities(chart: CityChart, label_width: int, bar_width: int) -> CityChart:
    top = max((c.count for c in chart.cities), default=1)
    for i, city in enumerate(chart.cities):
        city.y = i * BAR_ROW + 4
        city.text_y = i * BAR_ROW + BAR_ROW / 2 + 4
        city.width = round(bar_width * city.count / top, 1)
    chart.height = max(1, len(chart.cities)) * BAR_ROW + 8
    chart.label_width, chart.width = label_width, label_width + bar_width + 40
    return chart

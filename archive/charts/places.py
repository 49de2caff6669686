"""Where the published protests were: protests by city, and the counting the dot map (charts.dotmap) shares.

Like the timeline, pure functions over the public gate that return the geometry an inline SVG
needs and the numbers its text alternative shows.
"""

import copy
import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive import dialect, registry, translations
from archive.models import Place, PlaceKind, Protest
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


def city_of(place_id: int | None, places: dict[int, ChartPlace]) -> int | None:
    """The public city a city or site lies in (a site's parents are walked up), else None."""
    seen = set()
    while place_id in places and place_id not in seen:
        seen.add(place_id)
        place = places[place_id]
        if place.kind == PlaceKind.CITY:
            return place_id
        if place.kind != PlaceKind.SITE:
            return None
        place_id = place.parent_id
    return None


def record_places(records, paths=("places",)):
    """(item, spot) rows: each record of `records` with each place it is tied to through `paths` (a protest's
    `places`, an arrest's `place`), for `distinct_records` to count."""
    rows = [
        records.order_by().filter(**{f"{path}__isnull": False}).values(item=F("pk"), spot=F(path)) for path in paths
    ]
    return rows[0].union(*rows[1:]) if len(rows) > 1 else rows[0]


def distinct_records(targets: dict[int, set[int]], links) -> dict[int, int]:
    """For each target, how many records were tied to a place that counts toward it.

    `targets` maps a place to the targets it counts toward (itself, its city, or a marker); `links` are the
    (item, spot) rows of `record_places`. A record in several such places counts once per target. On PostgreSQL
    one aggregate query (the mapping travels as two arrays); elsewhere the links are walked in Python.
    """
    if not dialect.is_postgres():
        held: dict[int, set[int]] = {}
        for row in links:
            for target in targets.get(row["spot"], ()):
                held.setdefault(target, set()).add(row["item"])
        return {target: len(ids) for target, ids in held.items()}
    pairs = [(place, target) for place, those in targets.items() for target in those]
    try:
        sql, params = links.query.sql_with_params()
    except EmptyResultSet:  # the records can be seen to be none (a filter by an unknown place): nothing to count
        return {}
    # `sql` is the ORM's own compiled query; every value travels as a parameter.
    # DISTINCT pairs first: PostgreSQL hashes them, where COUNT(DISTINCT …) would sort every link.
    query = (
        "SELECT target, COUNT(*) FROM (SELECT DISTINCT m.target, l.item "  # noqa: S608
        f"FROM ({sql}) l JOIN unnest(%s::bigint[], %s::bigint[]) AS m(place, target) ON m.place = l.spot) pairs "
        "GROUP BY target"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, [p for p, _t in pairs], [t for _p, t in pairs]])
        return dict(cursor.fetchall())


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


ANY_CITY = 0  # a marker target: "held in some city"


def protests_by_city(places: dict[int, ChartPlace] | None = None) -> CityChart:
    """Published protests per public city; a protest in a site (a bazaar) counts under its city,
    and a protest in several places of one city counts once there."""
    places = public_places() if places is None else places
    city = {pk: city_of(pk, places) for pk in places}
    targets = {pk: {c, ANY_CITY} for pk, c in city.items() if c is not None}
    counts = distinct_records(targets, record_places(Protest.objects.published()))
    attributed = counts.pop(ANY_CITY, 0)
    page_of = record_urls(Place)
    cities = sorted(
        (CityCount(places[pk].name, page_of(places[pk]), n) for pk, n in counts.items()),
        key=lambda c: (-c.count, c.name),
    )
    chart = CityChart(cities, unattributed=Protest.objects.published().count() - attributed)
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

"""Where the published protests were: protests by city, and a dot map of the places with coordinates.

Like the timeline, pure functions over the public gate that return the geometry an inline SVG
needs and the numbers its text alternative shows.
"""

import math
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive import dialect
from archive.models import Place, PlaceKind, Protest
from archive.templatetags.archive_tags import record_url

# Chart geometry, in SVG user units.
BAR_ROW, BAR_LABEL_WIDTH, BAR_WIDTH = 26, 150, 460
MAP_WIDTH, MAP_MARGIN = 640, 40


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


def public_places() -> dict[int, Place]:
    """Every published place, slimmed to what the charts need: one query."""
    fields = ("pk", "public_id", "name", "kind", "parent_id", "latitude", "longitude")
    return {p.pk: p for p in Place.objects.published().only(*fields).order_by()}


def city_of(place_id: int | None, places: dict[int, Place]) -> int | None:
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


def distinct_protests(targets: dict[int, set[int]]) -> dict[int, int]:
    """For each target, how many published protests were held in a place that counts toward it.

    `targets` maps a place to the targets it counts toward (itself, its city, or a marker). A
    protest in several such places counts once per target. On PostgreSQL one aggregate query
    (the mapping travels as two arrays); elsewhere the links are walked in Python.
    """
    published = Protest.objects.published().order_by().values("pk")
    links = Protest.places.through.objects.filter(protest__in=published)
    if not dialect.is_postgres():
        held: dict[int, set[int]] = {}
        for protest_id, place_id in links.filter(place__in=list(targets)).values_list("protest_id", "place_id"):
            for target in targets[place_id]:
                held.setdefault(target, set()).add(protest_id)
        return {target: len(ids) for target, ids in held.items()}
    pairs = [(place, target) for place, those in targets.items() for target in those]
    sql, params = links.values("protest_id", "place_id").query.sql_with_params()
    # `sql` is the ORM's own compiled query; every value travels as a parameter.
    # DISTINCT pairs first: PostgreSQL hashes them, where COUNT(DISTINCT …) would sort every link.
    query = (
        "SELECT target, COUNT(*) FROM (SELECT DISTINCT m.target, l.protest_id "  # noqa: S608
        f"FROM ({sql}) l JOIN unnest(%s::bigint[], %s::bigint[]) AS m(place, target) ON m.place = l.place_id) pairs "
        "GROUP BY target"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, [p for p, _t in pairs], [t for _p, t in pairs]])
        return dict(cursor.fetchall())


ANY_CITY = 0  # a marker target: "held in some city"


def protests_by_city(places: dict[int, Place] | None = None) -> CityChart:
    """Published protests per public city; a protest in a site (a bazaar) counts under its city,
    and a protest in several places of one city counts once there."""
    places = public_places() if places is None else places
    city = {pk: city_of(pk, places) for pk in places}
    counts = distinct_protests({pk: {c, ANY_CITY} for pk, c in city.items() if c is not None})
    attributed = counts.pop(ANY_CITY, 0)
    cities = sorted(
        (CityCount(places[pk].name, record_url(places[pk]), n) for pk, n in counts.items()),
        key=lambda c: (-c.count, c.name),
    )
    chart = CityChart(cities, unattributed=Protest.objects.published().count() - attributed)
    top = max((c.count for c in cities), default=1)
    for i, city in enumerate(cities):
        city.y = i * BAR_ROW + 4
        city.text_y = i * BAR_ROW + BAR_ROW / 2 + 4
        city.width = round(BAR_WIDTH * city.count / top, 1)
    chart.height = max(1, len(cities)) * BAR_ROW + 8
    return chart


# --- dot map --------------------------------------------------------------------------------------


@dataclass
class MapPoint:
    name: str
    url: str
    kind: str
    latitude: float
    longitude: float
    protests: int
    x: float = 0
    y: float = 0
    r: float = 4
    label_dx: float = 7
    label_anchor: str = "start"  # SVG text-anchor; labels near the right edge go to the dot's left
    title: str = ""


@dataclass
class GridLine:
    label: str
    x1: float
    y1: float
    x2: float
    y2: float
    label_x: float = 0
    label_y: float = 0


@dataclass
class PlaceMap:
    points: list[MapPoint]
    width: int = MAP_WIDTH
    height: int = 0
    grid: list[GridLine] = field(default_factory=list)
    without_coordinates: int = 0

    @property
    def text(self) -> str:
        if not self.points:
            return _("No published place has coordinates yet.")
        return ngettext(
            "%(n)s place with coordinates; the list below names it.",
            "%(n)s places with coordinates; the list below names each with its protests.",
            len(self.points),
        ) % {"n": len(self.points)}


def project(points: list[tuple[float, float]], width: int = MAP_WIDTH, margin: int = MAP_MARGIN):
    """Equirectangular projection of (latitude, longitude) pairs, fitted to the points'
    bounding box with `margin` on every side. Returns (height, to_xy) where to_xy maps
    a (lat, lon) to SVG (x, y); the same scale is used on both axes, so shapes keep
    their proportions at the points' mean latitude."""
    lats = [lat for lat, _lon in points]
    lons = [lon for _lat, lon in points]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))
    x_min, x_max = min(lons) * squeeze, max(lons) * squeeze
    y_min, y_max = -max(lats), -min(lats)
    inner = width - 2 * margin
    x_span, y_span = x_max - x_min, y_max - y_min
    scale = inner / max(x_span, y_span, 1e-9) if max(x_span, y_span) > 0 else 1.0
    height = int(min(max(y_span * scale, 120), inner * 1.2)) + 2 * margin
    scale = min(scale, (height - 2 * margin) / y_span) if y_span > 0 else scale
    x_off = margin + (inner - x_span * scale) / 2
    y_off = margin + (height - 2 * margin - y_span * scale) / 2

    def to_xy(lat: float, lon: float) -> tuple[float, float]:
        return round(x_off + (lon * squeeze - x_min) * scale, 1), round(y_off + (-lat - y_min) * scale, 1)

    return height, to_xy


def place_points(places: dict[int, Place] | None = None) -> PlaceMap:
    """Published places with coordinates, projected into an SVG viewBox, each with its public URL
    and the number of published protests held there (a city counts those in its sites)."""
    places = public_places() if places is None else places
    held = distinct_protests({pk: {pk, city_of(pk, places)} - {None} for pk in places})
    located = sorted(
        (p for p in places.values() if p.latitude is not None and p.longitude is not None), key=lambda p: p.name
    )
    result = PlaceMap(points=[], without_coordinates=len(places) - len(located))
    if not located:
        return result
    height, to_xy = project([(float(p.latitude), float(p.longitude)) for p in located])
    result.height = height
    for place in located:
        n = held.get(place.pk, 0)
        point = MapPoint(place.name, record_url(place), place.kind, float(place.latitude), float(place.longitude), n)
        point.x, point.y = to_xy(point.latitude, point.longitude)
        point.r = round(4 + 3 * math.sqrt(n), 1)
        point.label_dx = round(point.r + 3, 1)
        if point.x > MAP_WIDTH * 0.75:
            point.label_dx, point.label_anchor = -point.label_dx, "end"
        point.title = ngettext("%(name)s: %(n)s protest", "%(name)s: %(n)s protests", n) % {"name": place.name, "n": n}
        result.points.append(point)
    result.grid = _graticule(located, to_xy, height)
    return result


def _graticule(located, to_xy, height) -> list[GridLine]:
    """Lines every two degrees of latitude and longitude across the map, for orientation."""
    lats = [float(p.latitude) for p in located]
    lons = [float(p.longitude) for p in located]
    lines = []
    for lon in range(2 * math.floor(min(lons) / 2), math.ceil(max(lons)) + 1, 2):
        x, _y = to_xy(lats[0], lon)
        if 0 <= x <= MAP_WIDTH:
            lines.append(GridLine(f"{lon}°E" if lon >= 0 else f"{-lon}°W", x, 0, x, height, x + 3, height - 4))
    for lat in range(2 * math.floor(min(lats) / 2), math.ceil(max(lats)) + 1, 2):
        _x, y = to_xy(lat, lons[0])
        if 0 <= y <= height:
            lines.append(GridLine(f"{lat}°N" if lat >= 0 else f"{-lat}°S", 0, y, MAP_WIDTH, y, 4, y - 3))
    return lines

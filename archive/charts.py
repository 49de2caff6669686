"""Pictures of the published archive: a timeline, protests by city, a dot map.

Pure functions over querysets that go through the public gate
(``Model.objects.published()``); each returns plain dataclasses with the
geometry an inline SVG needs (templates cannot do arithmetic) and the numbers
its text alternative shows. No JavaScript, no external tiles: the site must
work offline under a strict Content-Security-Policy.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from archive import registry
from archive.models import Arrest, Place, PlaceKind, Protest, Source, Statement
from archive.pages import title_of
from archive.templatetags.archive_tags import record_url

# The event types a timeline counts, in stacking order; the key is also the CSS class suffix.
EVENT_TYPES = [("protest", Protest), ("arrest", Arrest), ("statement", Statement)]

# The article the archive starts from; home links its Source page.
ARTICLE_SOURCE_ID = "source-article"

WEEK, MONTH, YEAR = "week", "month", "year"

# Chart geometry, in SVG user units.
TIMELINE_WIDTH, TIMELINE_HEIGHT = 640, 240
TIMELINE_PAD = {"left": 36, "right": 8, "top": 12, "bottom": 40}
BAR_ROW, BAR_LABEL_WIDTH, BAR_WIDTH = 26, 150, 460
MAP_WIDTH, MAP_MARGIN = 640, 40


# --- timeline -------------------------------------------------------------------------------------


@dataclass
class Segment:
    key: str
    label: str
    count: int
    y: float = 0
    height: float = 0


@dataclass
class Bucket:
    start: dt.date
    label: str  # full, for the table: "October 2020"
    short: str  # for the axis: "Oct 2020"
    segments: list[Segment]
    total: int = 0
    x: float = 0
    width: float = 0
    show_label: bool = True
    label_x: float = 0


@dataclass
class Tick:
    value: int
    y: float


@dataclass
class Timeline:
    unit: str
    buckets: list[Bucket]
    series: list[tuple[str, str]]  # (key, label) in stacking order
    totals: dict[str, int]  # dated records counted, per type
    undated: dict[str, int]  # undated records skipped, per type
    outside: int = 0  # dated records outside [start, end]
    ticks: list[Tick] = field(default_factory=list)
    width: int = TIMELINE_WIDTH
    height: int = TIMELINE_HEIGHT
    plot_left: float = TIMELINE_PAD["left"]
    plot_right: float = TIMELINE_WIDTH - TIMELINE_PAD["right"]
    baseline: float = TIMELINE_HEIGHT - TIMELINE_PAD["bottom"]
    label_y: float = TIMELINE_HEIGHT - TIMELINE_PAD["bottom"] + 16
    tick_x: float = TIMELINE_PAD["left"] - 6

    @property
    def undated_total(self) -> int:
        return sum(self.undated.values())

    @property
    def text(self) -> str:
        """One-sentence text alternative."""
        counted = sum(self.totals.values())
        if not self.buckets:
            return _("No dated protests, arrests or statements are published yet.")
        parts = [
            ngettext(
                "%(n)s dated record from %(first)s to %(last)s",
                "%(n)s dated records from %(first)s to %(last)s",
                counted,
            )
            % {"n": counted, "first": self.buckets[0].label, "last": self.buckets[-1].label}
        ]
        busiest = max(self.buckets, key=lambda b: b.total)
        parts.append(_("the busiest is %(label)s with %(n)s") % {"label": busiest.label, "n": busiest.total})
        if self.undated_total:
            parts.append(
                ngettext("%(n)s undated record left out", "%(n)s undated records left out", self.undated_total)
                % {"n": self.undated_total}
            )
        if self.outside:
            parts.append(
                ngettext("%(n)s record outside this period", "%(n)s records outside this period", self.outside)
                % {"n": self.outside}
            )
        return "; ".join(parts) + "."


def dated_rows() -> dict[str, list[tuple[dt.date | None, int]]]:
    """(start date, how many records) for published protests, arrests and statements, by type.

    Counted in the database (three queries): a million records share a few thousand days.
    """
    return {
        key: list(
            model.objects.published()
            .order_by()
            .values("date_start")
            .annotate(n=Count("pk"))
            .values_list("date_start", "n")
        )
        for key, model in EVENT_TYPES
    }


def bucket_start(day: dt.date, unit: str) -> dt.date:
    """First day of the week (Monday), month or year that contains `day`."""
    if unit == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if unit == MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_bucket(day: dt.date, unit: str) -> dt.date:
    if unit == WEEK:
        return day + dt.timedelta(days=7)
    if unit == MONTH:
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day.replace(year=day.year + 1)


def choose_unit(first: dt.date, last: dt.date) -> str:
    """Weeks for a season, months for up to three years, years beyond."""
    span = (last - first).days
    if span <= 26 * 7:
        return WEEK
    if span <= 3 * 366:
        return MONTH
    return YEAR


def _labels(day: dt.date, unit: str) -> tuple[str, str]:
    if unit == WEEK:
        return (
            _("week of %(date)s") % {"date": formats.date_format(day, "j F Y")},
            formats.date_format(day, "j M"),
        )
    if unit == MONTH:
        return formats.date_format(day, "F Y"), formats.date_format(day, "M Y")
    return str(day.year), str(day.year)


def _nice_step(top: int) -> int:
    """A round gridline step giving at most about four lines."""
    step = 1
    while top / step > 4:
        for mult in (2, 5, 10):
            if top / (step * mult) <= 4:
                return step * mult
        step *= 10
    return step


def timeline(
    start: dt.date | None = None,
    end: dt.date | None = None,
    unit: str | None = None,
    *,
    rows: dict[str, list[tuple[dt.date | None, int]]] | None = None,
) -> Timeline:
    """Published protests, arrests and statements per week, month or year, by type.

    A record counts in the bucket of its start date, whatever its precision (a
    month-precise record in its month's first week, a decade-precise one in the
    decade's first year). Undated records are skipped and counted per type.
    Pass `start`/`end` to look at one period; records outside it are counted too.
    """
    rows = dated_rows() if rows is None else rows
    series = [(key, capfirst(str(model._meta.verbose_name_plural))) for key, model in EVENT_TYPES]
    undated = {key: sum(n for day, n in rows[key] if day is None) for key, _m in EVENT_TYPES}

    def inside(day: dt.date) -> bool:
        return (start is None or day >= start) and (end is None or day <= end)

    every_day = {key: [(day, n) for day, n in rows[key] if day is not None] for key, _m in EVENT_TYPES}
    dated = {key: [(day, n) for day, n in days if inside(day)] for key, days in every_day.items()}
    totals = {key: sum(n for _day, n in days) for key, days in dated.items()}
    outside = sum(n for days in every_day.values() for _day, n in days) - sum(totals.values())
    all_days = [day for days in dated.values() for day, _n in days]
    result = Timeline(unit=unit or WEEK, buckets=[], series=series, totals=totals, undated=undated, outside=outside)
    if not all_days:
        return result
    first, last = start or min(all_days), end or max(all_days)
    result.unit = unit = unit or choose_unit(first, last)
    counts: dict[dt.date, dict[str, int]] = {}
    for key, days in dated.items():
        for day, n in days:
            slot = counts.setdefault(bucket_start(day, unit), {})
            slot[key] = slot.get(key, 0) + n
    day = bucket_start(first, unit)
    while day <= last:
        label, short = _labels(day, unit)
        slot = counts.get(day, {})
        segments = [Segment(key, label_, slot.get(key, 0)) for key, label_ in series]
        result.buckets.append(Bucket(day, label, short, segments, total=sum(slot.values())))
        day = next_bucket(day, unit)
    _lay_out_timeline(result)
    return result


def _lay_out_timeline(chart: Timeline) -> None:
    top = max(b.total for b in chart.buckets) or 1
    step = _nice_step(top)
    axis_top = step * math.ceil(top / step)
    plot_height = chart.baseline - TIMELINE_PAD["top"]
    scale = plot_height / axis_top
    chart.ticks = [Tick(v, round(chart.baseline - v * scale, 1)) for v in range(0, axis_top + 1, step)]
    slot = (chart.plot_right - chart.plot_left) / len(chart.buckets)
    every = max(1, math.ceil(len(chart.buckets) / (TIMELINE_WIDTH / 60)))  # room for ~60 units per label
    for i, bucket in enumerate(chart.buckets):
        bucket.x = round(chart.plot_left + i * slot + slot * 0.1, 1)
        bucket.width = round(slot * 0.8, 1)
        bucket.label_x = round(chart.plot_left + (i + 0.5) * slot, 1)
        bucket.show_label = i % every == 0
        y = chart.baseline
        for segment in bucket.segments:
            segment.height = round(segment.count * scale, 1)
            y -= segment.height
            segment.y = round(y, 1)


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
    if connection.vendor != "postgresql":
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


# --- recently added and the home page -------------------------------------------------------------


@dataclass
class Recent:
    title: str
    url: str
    type_label: str
    updated: dt.datetime


def recently_updated(limit: int = 10) -> list[Recent]:
    """The `limit` most recently updated published protests, arrests and statements: three queries."""
    found = []
    for _key, model in EVENT_TYPES:
        queryset = model.objects.published().order_by("-updated", "-pk")
        if model is Arrest:
            queryset = queryset.select_related("person")
        found += list(queryset[:limit])
    found.sort(key=lambda r: r.updated, reverse=True)
    return [Recent(title_of(r), record_url(r), capfirst(str(r._meta.verbose_name)), r.updated) for r in found[:limit]]


# The period of the 2020 war (27 September – 10 November) and its aftermath, by week.
WAR_START, WAR_END = dt.date(2020, 9, 21), dt.date(2020, 11, 30)


def cached_home_context() -> dict:
    """The home page's pictures; with ARCHIVE_HOME_STATS_SECONDS > 0 kept that long, per language.

    At a million records the pictures take seconds to draw. A large archive sets the setting and
    runs `manage.py refresh_home_stats` from cron, so visitors never wait for them; counts on the
    home page are then as of the time shown. Lists, record pages and search stay exact.
    """
    seconds = settings.ARCHIVE_HOME_STATS_SECONDS
    if seconds <= 0:
        return {**home_context(), "stats_cached": False}
    key = f"archive:home-stats:{get_language()}"
    stats = cache.get(key)
    if stats is None:
        stats = home_context()
        cache.set(key, stats, seconds)
    return {**stats, "stats_cached": True}


def refresh_home_stats(language: str) -> None:
    with translation.override(language):
        cache.set(f"archive:home-stats:{language}", home_context(), settings.ARCHIVE_HOME_STATS_SECONDS)


def home_context() -> dict:
    """Everything the home page's pictures need, in about ten queries."""
    rows = dated_rows()
    places = public_places()
    article = Source.objects.published().filter(public_id=ARTICLE_SOURCE_ID).exists()
    return {
        "timeline_all": timeline(rows=rows),
        "timeline_war": timeline(WAR_START, WAR_END, WEEK, rows=rows),
        "cities": protests_by_city(places),
        "place_map": place_points(places),
        "recent": recently_updated(),
        "article_source_published": article,
        "counts": [(t.verbose_name_plural, t.model.objects.published().count()) for t in registry.TYPES],
        "stats_as_of": timezone.now(),
    }

"""Pictures of the published archive: a timeline, protests by city, a dot map (in charts.places).

Pure functions over querysets that go through the public gate
(``Model.objects.published()``); each returns plain dataclasses with the
geometry an inline SVG needs (templates cannot do arithmetic) and the numbers
its text alternative shows. No JavaScript, no external tiles: the site must
work offline under a strict Content-Security-Policy.
"""

import copy
import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from archive import readmodel, registry
from archive.charts.dotmap import place_points
from archive.charts.places import protests_by_city, public_places
from archive.models import Protest, Source
from archive.pages import title_of
from archive.readmodel import places as place_keys
from archive.templatetags.archive_tags import addresses

# The record types the timeline stacks and "recently added" lists: the events, not the places, people
# and sources they involve. The key (the model's name) is also the CSS class suffix.
EVENT_KEYS = ("protests", "arrests", "statements")
EVENT_TYPES = [(registry.get(key).model_name, registry.get(key).model) for key in EVENT_KEYS]

# The article the archive starts from; home links its Source page.
ARTICLE_SOURCE_ID = "source-article"

WEEK, MONTH, YEAR = "week", "month", "year"

# Chart geometry, in SVG user units.
TIMELINE_WIDTH, TIMELINE_HEIGHT = 640, 240
NARROW_TIMELINE_WIDTH = 360  # the picture phones show: fewer units, so its text stays legible when it shrinks
TIMELINE_PAD = {"left": 36, "right": 8, "top": 12, "bottom": 40}


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
    slot_x: float = 0  # the bar's whole column: where a linked bar can be followed
    slot_width: float = 0
    url: str = ""  # on a list's timeline: the list narrowed to this period
    title: str = ""  # its tooltip, when the segments' labels do not say it


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
    tick_x: float = TIMELINE_PAD["left"] - 6
    # A linked bar can be followed from anywhere in its column, its axis label included (a low bar is a small target).
    hit_y: float = TIMELINE_PAD["top"]
    # Set by _lay_out_timeline from the width and height:
    plot_right: float = 0
    baseline: float = 0
    label_y: float = 0
    hit_height: float = 0
    narrow: "Timeline | None" = None  # the same chart drawn for a phone

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
    lay_out_both(result)
    return result


def lay_out_both(chart: Timeline) -> None:
    """Lays the chart out, and a copy of it as its `narrow` picture."""
    _lay_out_timeline(chart)
    chart.narrow = copy.deepcopy(chart)
    chart.narrow.width = NARROW_TIMELINE_WIDTH
    _lay_out_timeline(chart.narrow)


# A bar is never wider than this: one week alone is a bar, not a wall.
MAX_BAR_WIDTH = 48
AXIS_CHARACTER = 6.4  # about how wide a character of an 11-unit axis label is


def _lay_out_timeline(chart: Timeline) -> None:
    """The bars' and gridlines' places in a picture `chart.width` by `chart.height`."""
    chart.plot_right = chart.width - TIMELINE_PAD["right"]
    chart.baseline = chart.height - TIMELINE_PAD["bottom"]
    chart.label_y = chart.baseline + 16
    chart.hit_height = chart.baseline + 20 - chart.hit_y
    top = max(b.total for b in chart.buckets) or 1
    step = _nice_step(top)
    axis_top = step * math.ceil(top / step)
    plot_height = chart.baseline - TIMELINE_PAD["top"]
    scale = plot_height / axis_top
    chart.ticks = [Tick(v, round(chart.baseline - v * scale, 1)) for v in range(0, axis_top + 1, step)]
    slot = (chart.plot_right - chart.plot_left) / len(chart.buckets)
    # Every n-th bar is labelled, so that the longest label (Persian month names are long) has room.
    longest = max(len(b.short) for b in chart.buckets)
    every = max(1, math.ceil((longest * AXIS_CHARACTER + 10) / slot))
    bar = min(slot * 0.8, MAX_BAR_WIDTH)
    for i, bucket in enumerate(chart.buckets):
        bucket.x = round(chart.plot_left + (i + 0.5) * slot - bar / 2, 1)
        bucket.width = round(bar, 1)
        bucket.slot_x, bucket.slot_width = round(chart.plot_left + i * slot, 1), round(slot, 1)
        bucket.label_x = round(chart.plot_left + (i + 0.5) * slot, 1)
        bucket.show_label = i % every == 0
        y = chart.baseline
        for segment in bucket.segments:
            segment.height = round(segment.count * scale, 1)
            y -= segment.height
            segment.y = round(y, 1)


# --- recently added and the home page -------------------------------------------------------------


@dataclass
class Recent:
    title: str
    url: str
    type_label: str
    updated: dt.datetime


def recently_updated(limit: int = 10) -> list[Recent]:
    """The `limit` published protests, arrests and statements changed last, from the public read model: their
    stored titles in the reader's language — except titles read through a relation (`_live_titles`). Two
    queries, three with arrests among them."""
    labels = {key: capfirst(str(registry.get(key).verbose_name)) for key in EVENT_KEYS}
    urls = {key: addresses("archive:detail", key) for key in EVENT_KEYS}
    rows = readmodel.newest(EVENT_KEYS, limit)
    live = _live_titles(rows)
    recent = []
    for row in rows:
        title = live.get((row.record_type, row.public_id), row.title)
        if title is not None:
            recent.append(Recent(title, urls[row.record_type](row.public_id), labels[row.record_type], row.updated))
    return recent


def _live_titles(rows) -> dict[tuple[str, str], str | None]:
    """Titles read through a relation (an arrest's detainee: "a detainee, name withheld" if at risk), worked out
    from the records as record pages do — None for one no longer public. A person marked at risk by bulk SQL
    (bypassing the write path) is still named by the stored title until `rebuild_public`, and this list is on
    every home page."""
    wanted: dict[str, list[str]] = {}
    for row in rows:
        if registry.get(row.record_type).label_paths:
            wanted.setdefault(row.record_type, []).append(row.public_id)
    found: dict[tuple[str, str], str | None] = {}
    for key, public_ids in wanted.items():
        record_type = registry.get(key)
        records = record_type.model.objects.published().filter(public_id__in=public_ids)
        titles = {r.public_id: title_of(r) for r in records.select_related(*record_type.label_paths)}
        found.update({(key, public_id): titles.get(public_id) for public_id in public_ids})
    return found


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
        return {**home_context(), "recent": recently_updated(), "stats_cached": False}
    key = f"archive:home-stats:{get_language()}"
    stats = cache.get(key)
    if stats is None:
        stats = home_context()
        cache.set(key, stats, seconds)
    # "Recently added" is read afresh (two or three small indexed queries): a withdrawn record, or a person who
    # came to be at risk, leaves it at once, whatever the pictures' age.
    return {**stats, "recent": recently_updated(), "stats_cached": True}


def refresh_home_stats(language: str) -> None:
    with translation.override(language):
        cache.set(f"archive:home-stats:{language}", home_context(), settings.ARCHIVE_HOME_STATS_SECONDS)


def home_context() -> dict:
    """Everything the home page's pictures need, in about ten queries."""
    rows = dated_rows()
    places = public_places()
    # Protests per place, from the read model's place keys: the cities' bars and the map's dots count alike.
    counted = place_keys.counts(Protest.objects.published())
    article = Source.objects.published().filter(public_id=ARTICLE_SOURCE_ID).exists()
    counts = [(t, _count(t, rows)) for t in registry.TYPES]
    protests = next(n for t, n in counts if t.model is Protest)
    return {
        "timeline_all": timeline(rows=rows),
        "timeline_war": timeline(WAR_START, WAR_END, WEEK, rows=rows),
        "cities": protests_by_city(places, counted, protests),
        "place_map": place_points(places, counted),
        "article_source_published": article,
        "counts": [(t.verbose_name_plural, n) for t, n in counts],
        "stats_as_of": timezone.now(),
    }


def _count(record_type, rows: dict[str, list[tuple[dt.date | None, int]]]) -> int:
    """How many records of the type are published: for an event type, the timeline's rows summed (undated ones
    included), so those are not counted twice."""
    if record_type.model_name in rows:
        return sum(n for _day, n in rows[record_type.model_name])
    return record_type.model.objects.published().count()

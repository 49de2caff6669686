"""The pictures of a filtered list: when its records were (every dated type) and where (protests).

They count the very queryset the list shows (its FilterSet's `qs`), in a few aggregate queries whatever the
list's size, within the time budget the list's facet counts have. Each bar and each dot is a link to the list
narrowed to that period or place, every other parameter kept, and finds exactly the records the bar or dot
counts: a bar counts every record whose date may fall in its period, by the rule the date filter uses (the
period keys `dates.overlaps_q` compares: a record known only to its month may fall in any week of it), so a
record dated loosely counts in each period it may fall in. The part of a bar dated within its period is drawn
darker.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.charts import (
    MONTH,
    WEEK,
    YEAR,
    Bucket,
    Segment,
    Timeline,
    _labels,
    bucket_start,
    choose_unit,
    dotmap,
    lay_out_both,
    next_bucket,
)
from archive.charts.places import ChartPlace, public_places, within
from archive.dialect import within_time_budget
from archive.filters import DateRangeMixin
from archive.models import Place
from archive.templatetags.archive_tags import record_urls

# The lists that draw a map of their records' places (the others have too few places to be worth one).
MAPPED_TYPES = ("protests",)
WITHIN, LOOSE = "within", "loose"
LIST_TIMELINE_HEIGHT = 190


@dataclass
class ListTimeline(Timeline):
    height: int = LIST_TIMELINE_HEIGHT  # lower than the home page's: the list itself comes below
    listed: int = 0  # records the list finds: dated + undated
    loose_records: int = 0  # dated records whose period reaches beyond one bar

    @property
    def dated(self) -> int:
        return self.listed - self.undated_total

    @property
    def text(self) -> str:
        if not self.buckets:
            return ngettext("The one record here is undated.", "None of these %(n)s records is dated.", self.listed) % {
                "n": self.listed
            }
        parts = [self._span()]
        busiest = max(b.total for b in self.buckets)
        peaks = [b for b in self.buckets if b.total == busiest]
        if len(peaks) == 1:  # a tie has no "busiest"
            parts.append(_("the busiest is %(label)s with %(n)s") % {"label": peaks[0].label, "n": busiest})
        if self.undated_total:
            parts.append(
                ngettext("%(n)s undated record left out", "%(n)s undated records left out", self.undated_total)
                % {"n": self.undated_total}
            )
        text = "; ".join(parts) + "."
        if self.loose_records:
            text += " " + ngettext(
                "%(n)s record is dated too loosely for one period (known only to its month, year or decade, or "
                "lasting longer): it counts in every period it may fall in.",
                "%(n)s records are dated too loosely for one period (known only to their month, year or decade, or "
                "lasting longer): each counts in every period it may fall in.",
                self.loose_records,
            ) % {"n": self.loose_records}
        return text

    def _span(self) -> str:
        first, last = self.buckets[0].label, self.buckets[-1].label
        if first == last:
            return ngettext("%(n)s dated record, in %(period)s", "%(n)s dated records, in %(period)s", self.dated) % {
                "n": self.dated,
                "period": first,
            }
        return ngettext(
            "%(n)s dated record from %(first)s to %(last)s",
            "%(n)s dated records from %(first)s to %(last)s",
            self.dated,
        ) % {"n": self.dated, "first": first, "last": last}


@dataclass
class ListCharts:
    timeline: ListTimeline | None = None
    place_map: dotmap.PlaceMap | None = None
    unavailable: bool = False  # too many records to draw within the time budget
    plural: str = ""

    @property
    def empty(self) -> bool:
        return self.timeline is not None and not self.timeline.listed


def list_charts(request, record_type, filterset, tally) -> dict:
    """`list_charts` for the list page's context: nothing for a type without dates or places. `tally`: the
    list's counts (`archive.tally`), grouped by `PERIOD` for a dated type; the map takes its place counts."""
    dated = isinstance(filterset, DateRangeMixin)
    mapped = record_type.key in MAPPED_TYPES
    if not dated and not mapped:
        return {}

    def draw() -> ListCharts:
        charts = ListCharts(timeline=list_timeline(request, filterset, tally) if dated else None)
        if mapped and not charts.empty:
            charts.place_map = list_map(request, filterset, tally)
        return charts

    drawn = within_time_budget(draw)
    if drawn is not None and drawn.empty:
        return {}  # nothing found, nothing to picture
    charts = drawn if drawn is not None else ListCharts(unavailable=True)
    charts.plural = str(record_type.model._meta.verbose_name_plural)
    return {"list_charts": charts}


def _narrowing(request, *names: str):
    """This list with `names` set to the values a link gives and every other parameter kept (a page's cursor
    belongs to the old list): the rest of the query is encoded once for many links, `names` come last."""
    query = request.GET.copy()
    query.pop("cursor", None)
    for name in names:
        query.pop(name, None)
    rest = query.urlencode()
    head = f"{request.path}?{rest}&" if rest else f"{request.path}?"
    return lambda *values: head + urlencode(dict(zip(names, values, strict=True)))


def _narrowed(request, **params) -> str:
    """This list with `params` set (one link)."""
    return _narrowing(request, *params)(*params.values())


# --- when -------------------------------------------------------------------------------------------


# The columns a timeline counts its records by (a `Tally` grouping): each record's first and last possible day.
PERIOD = ("period_first", "period_last")


def _series() -> list[tuple[str, str]]:
    return [(WITHIN, _("Dated within the period")), (LOOSE, _("May fall in it (dated more loosely)"))]


def list_timeline(request, filterset, tally) -> ListTimeline:
    """The list's records per week, month or year, each counted in every bar its date may fall in (see the module's
    docstring), bars split into records dated within the bar and the rest; bars clipped to the list's own
    From–To, so that a bar's link finds what the bar counts."""
    chosen = filterset.form.cleaned_data
    lo, hi = chosen.get("date_from"), chosen.get("date_to")
    rows = [(first, last, n) for (first, last), n in tally.groups(PERIOD).items()]  # None for the undated
    undated = sum(n for first, _last, n in rows if first is None)
    periods = [(first, last, n) for first, last, n in rows if first is not None]  # as the date filter reads them
    key = filterset.queryset.model._meta.model_name
    chart = ListTimeline(
        unit=YEAR,
        buckets=[],
        series=_series(),
        totals={key: sum(n for *_p, n in periods)},
        undated={key: undated},
        listed=sum(n for *_r, n in rows),
    )
    if not periods:
        return chart
    # From the earliest a record may have been to the latest, within From–To: a record known only to its month
    # is drawn over the month's weeks, not as one week's bar.
    first = min(max(a, lo) if lo else a for a, _b, _n in periods)
    last = max(min(b, hi) if hi else b for _a, b, _n in periods)
    chart.unit = unit = choose_unit(first, last)
    starts = [bucket_start(first, unit)]
    while next_bucket(starts[-1], unit) <= last:
        starts.append(next_bucket(starts[-1], unit))
    totals, within = [0] * len(starts), [0] * len(starts)
    for a, b, n in periods:  # each period adds to the bars it overlaps: a few, whatever the list's length
        since, until = _index(a, starts[0], unit), _index(b, starts[0], unit)
        if since == until:
            within[since] += n  # dated within one bar (never one left of the first: it overlaps From)
        else:
            chart.loose_records += n
        for i in range(max(since, 0), min(until, len(starts) - 1) + 1):
            totals[i] += n
    chart.buckets = [_bucket(request, day, unit, lo, hi, totals[i], within[i]) for i, day in enumerate(starts)]
    lay_out_both(chart)
    return chart


def _index(day: dt.date, origin: dt.date, unit: str) -> int:
    """Which bar (counted from the one starting on `origin`) the day falls in; negative before it."""
    if unit == WEEK:
        return (day - origin).days // 7
    if unit == MONTH:
        return (day.year - origin.year) * 12 + day.month - origin.month
    return day.year - origin.year


def _bucket(request, day: dt.date, unit: str, lo, hi, total: int, within: int) -> Bucket:
    """One bar: `total` records whose period overlaps [day, end of its week/month/year] (within From–To), `within`
    of them dated inside it; it links to the list narrowed to that period."""
    end = next_bucket(day, unit) - dt.timedelta(days=1)
    label, short = _labels(day, unit)
    segments = [Segment(key, text, n) for (key, text), n in zip(_series(), (within, total - within), strict=True)]
    bucket = Bucket(day, label, short, segments, total=total)
    bucket.url = _narrowed(request, **_period_params(max(day, lo) if lo else day, min(end, hi) if hi else end, unit))
    bucket.title = ngettext(
        "%(period)s: %(n)s record (%(within)s dated within it)",
        "%(period)s: %(n)s records (%(within)s dated within it)",
        total,
    ) % {"period": label, "n": total, "within": within}
    return bucket


def _period_params(first: dt.date, last: dt.date, unit: str) -> dict[str, str]:
    """date_from and date_to for a bar, written as a reader would: 2020-10 for a whole month, 2020 for a year."""
    if first.year >= 1000 and first == bucket_start(first, unit) and last == next_bucket(first, unit) - dt.timedelta(1):
        if unit == MONTH:
            return {"date_from": first.strftime("%Y-%m"), "date_to": first.strftime("%Y-%m")}
        if unit == YEAR:
            return {"date_from": str(first.year), "date_to": str(first.year)}
    return {"date_from": first.isoformat(), "date_to": last.isoformat()}


# --- where ------------------------------------------------------------------------------------------


def list_map(request, filterset, tally) -> dotmap.PlaceMap:
    """The places of the list's records with coordinates, each counting the records there or at a place inside
    it, and linking to the list narrowed to it. A place the list's own place filter does not take in (a protest
    held in Tabriz and Urmia, on the list of Tabriz's) links to its page instead: narrowing to it would find
    other records than the dot counts."""
    places = public_places()
    chosen = filterset.form.cleaned_data.get("place") or ""
    chosen_pk = next((pk for pk, place in places.items() if place.public_id == chosen), None)
    counts = dotmap.protests_within(places, tally.places())
    inside = within(chosen_pk, places)

    def elsewhere(place: ChartPlace) -> bool:
        return bool(chosen) and place.pk not in inside

    narrowed = _narrowing(request, "place")
    page_of = record_urls(Place)

    def url_for(place: ChartPlace) -> str:
        return page_of(place) if elsewhere(place) else narrowed(place.public_id)

    return dotmap.draw(places, counts, url_for, every_place=False, elsewhere=elsewhere)

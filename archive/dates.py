"""Partial dates: a start, an optional end and a precision.

A record dated "October 2020" stores start=2020-10-01 with precision MONTH;
it covers the whole month. Rendering and range filtering both work from the
period a precision implies, so nobody invents a day the sources never gave.
"""

import calendar
import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DatePrecision(models.TextChoices):
    DAY = "day", gettext_lazy("day")
    EARLY_MONTH = "early-month", gettext_lazy("early in the month")
    MID_MONTH = "mid-month", gettext_lazy("mid-month")
    LATE_MONTH = "late-month", gettext_lazy("late in the month")
    MONTH = "month", gettext_lazy("month")
    YEAR = "year", gettext_lazy("year")
    DECADE = "decade", gettext_lazy("decade")
    APPROXIMATE = "approximate", gettext_lazy("approximate (around the given day)")
    UNDATED = "undated", gettext_lazy("undated")


MONTH_PRECISIONS = (
    DatePrecision.MONTH,
    DatePrecision.EARLY_MONTH,
    DatePrecision.MID_MONTH,
    DatePrecision.LATE_MONTH,
)

# "about 18 October" may be off by this much either way.
APPROXIMATE_SLACK = dt.timedelta(days=15)


def period_start(day: dt.date, precision: str) -> dt.date:
    """First day of the period that `day` stands for at `precision`."""
    if precision in MONTH_PRECISIONS:
        return day.replace(day=1)
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    if precision == DatePrecision.DECADE:
        return dt.date(max(day.year - day.year % 10, dt.MINYEAR), 1, 1)
    if precision == DatePrecision.APPROXIMATE:
        return _shift(day, -APPROXIMATE_SLACK)
    return day


def period_end(day: dt.date, precision: str) -> dt.date:
    """Last day of the period that `day` stands for at `precision`."""
    if precision in MONTH_PRECISIONS:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == DatePrecision.YEAR:
        return day.replace(month=12, day=31)
    if precision == DatePrecision.DECADE:
        return dt.date(day.year - day.year % 10 + 9, 12, 31)
    if precision == DatePrecision.APPROXIMATE:
        return _shift(day, APPROXIMATE_SLACK)
    return day


def _shift(day: dt.date, delta: dt.timedelta) -> dt.date:
    """`day` moved by `delta`, stopping at the first or last date there is (a filter may ask for 0001-01-01)."""
    try:
        return day + delta
    except OverflowError:
        return dt.date.max if delta > dt.timedelta(0) else dt.date.min


def render_one(day: dt.date, precision: str) -> str:
    month_year = formats.date_format(day, "F Y")
    match precision:
        case DatePrecision.DAY:
            return formats.date_format(day, "j F Y")
        case DatePrecision.EARLY_MONTH:
            return _("early %(month_year)s") % {"month_year": month_year}
        case DatePrecision.MID_MONTH:
            return _("mid-%(month_year)s") % {"month_year": month_year}
        case DatePrecision.LATE_MONTH:
            return _("late %(month_year)s") % {"month_year": month_year}
        case DatePrecision.MONTH:
            return month_year
        case DatePrecision.YEAR:
            return str(day.year)
        case DatePrecision.DECADE:
            return _("%(decade)ss") % {"decade": day.year - day.year % 10}
        case DatePrecision.APPROXIMATE:
            return _("about %(date)s") % {"date": formats.date_format(day, "j F Y")}
    return ""


def render(start: dt.date | None, end: dt.date | None, precision: str) -> str:
    """Human rendering: "29 September 2020", "October 2020", "mid-October 2020",
    "1990s", "27 September – 10 November 2020", or "undated"."""
    if start is None or precision == DatePrecision.UNDATED:
        return _("undated")
    first = render_one(start, precision)
    if end is None or end == start:
        return first
    if precision == DatePrecision.DAY and start.year == end.year:
        if start.month == end.month:
            return "%s–%s" % (start.day, formats.date_format(end, "j F Y"))
        return "%s – %s" % (formats.date_format(start, "j F"), formats.date_format(end, "j F Y"))
    last = render_one(end, precision)
    if first == last:
        return first
    return "%s – %s" % (first, last)


def period_of(start: dt.date | None, end: dt.date | None, precision: str) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a partial date may stand for: "October 2020" → 1 and 31 October, "about 18 October"
    → 3 October to 2 November; (None, None) when undated. Dated records keep it on their rows (`period_first`,
    `period_last`: archive.readmodel.periods)."""
    if start is None or precision == DatePrecision.UNDATED:
        return None, None
    return period_start(start, precision), period_end(end or start, precision)


def overlaps_q(lo: dt.date | None, hi: dt.date | None) -> Q:
    """Q for records whose date may fall in the range [lo, hi]: their period (`period_of`, kept on the row) overlaps
    it. A month-precise record overlaps any range that touches its month, a year-precise record any range that
    touches its year, and so on. Undated records (no period) never match a date filter."""
    if lo is None and hi is None:
        return Q(period_first__isnull=False)
    q = Q()  # a comparison with the keys of an undated record (NULL) is never true
    if hi is not None:
        q &= Q(period_first__lte=hi)
    if lo is not None:
        q &= Q(period_last__gte=lo)
    return q

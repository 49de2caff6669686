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

# Every precision a dated record can have (an undated record has no period to compare).
DATED_PRECISIONS = tuple(p for p in DatePrecision.values if p != DatePrecision.UNDATED)

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


def overlaps_q(prefix: str, lo: dt.date | None, hi: dt.date | None) -> Q:
    """Q for records whose partial date overlaps the range [lo, hi].

    A month-precise record overlaps any range that touches its month, a
    year-precise record any range that touches its year, and so on. Undated
    records never match a date filter. `prefix` is the field-name prefix,
    e.g. "date" for date_start/date_end/date_precision.
    """
    start, end, precision = f"{prefix}_start", f"{prefix}_end", f"{prefix}_precision"
    q = Q(**{f"{start}__isnull": False})
    if hi is not None:
        # The record's period begins on or before hi.
        begins = Q()
        for prec in DATED_PRECISIONS:
            latest_start = _latest_start_for(hi, prec)
            begins |= Q(**{precision: prec, f"{start}__lte": latest_start})
        q &= begins
    if lo is not None:
        ends = Q()
        for prec in DATED_PRECISIONS:
            earliest = _earliest_end_for(lo, prec)
            ends |= Q(**{precision: prec, f"{end}__isnull": True, f"{start}__gte": earliest})
            ends |= Q(**{precision: prec, f"{end}__isnull": False, f"{end}__gte": earliest})
        q &= ends
    return q


def _latest_start_for(hi: dt.date, precision: str) -> dt.date:
    """The latest stored start whose period still begins on or before `hi`."""
    if precision == DatePrecision.APPROXIMATE:
        return _shift(hi, APPROXIMATE_SLACK)
    # period_start(start) <= hi exactly when start lies no later than the end
    # of the period that contains hi (for day precision that is hi itself).
    return period_end(hi, precision)


def _earliest_end_for(lo: dt.date, precision: str) -> dt.date:
    """The earliest stored end (or start) whose period still reaches `lo`."""
    if precision == DatePrecision.APPROXIMATE:
        return _shift(lo, -APPROXIMATE_SLACK)
    return period_start(lo, precision)

import datetime as dt

import pytest
from django.utils import translation

from archive.dates import DatePrecision, period_end, period_start, render
from archive.models import Protest
from tests.factories import ProtestFactory

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(2020, 9, 29), None, DatePrecision.DAY, "29 September 2020"),
        (D(2020, 10, 1), None, DatePrecision.MONTH, "October 2020"),
        (D(2020, 10, 15), None, DatePrecision.MONTH, "October 2020"),
        (D(2020, 10, 1), None, DatePrecision.MID_MONTH, "mid-October 2020"),
        (D(2020, 11, 1), None, DatePrecision.EARLY_MONTH, "early November 2020"),
        (D(2020, 10, 1), None, DatePrecision.LATE_MONTH, "late October 2020"),
        (D(2020, 1, 1), None, DatePrecision.YEAR, "2020"),
        (D(1990, 1, 1), None, DatePrecision.DECADE, "1990s"),
        (D(1993, 6, 1), None, DatePrecision.DECADE, "1990s"),
        (D(2020, 10, 18), None, DatePrecision.APPROXIMATE, "about 18 October 2020"),
        (D(1993, 4, 6), D(1993, 4, 13), DatePrecision.DAY, "6–13 April 1993"),
        (D(2020, 9, 27), D(2020, 11, 10), DatePrecision.DAY, "27 September – 10 November 2020"),
        (D(1992, 1, 1), D(1993, 1, 1), DatePrecision.YEAR, "1992 – 1993"),
        (D(2020, 10, 1), D(2020, 11, 1), DatePrecision.MONTH, "October 2020 – November 2020"),
        (None, None, DatePrecision.UNDATED, "undated"),
    ],
)
def test_partial_dates_render_at_their_precision(start, end, precision, expected):
    with translation.override("en"):
        assert render(start, end, precision) == expected


def test_month_precision_covers_the_whole_month():
    day = D(2020, 10, 15)
    assert (period_start(day, DatePrecision.MONTH), period_end(day, DatePrecision.MONTH)) == (
        D(2020, 10, 1),
        D(2020, 10, 31),
    )


def test_decade_precision_covers_ten_years():
    day = D(1993, 1, 1)
    assert (period_start(day, DatePrecision.DECADE), period_end(day, DatePrecision.DECADE)) == (
        D(1990, 1, 1),
        D(1999, 12, 31),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "precision", "lo", "hi", "matches"),
    [
        # A month-precise record overlaps a range that touches its month...
        (D(2020, 10, 1), None, DatePrecision.MONTH, D(2020, 10, 20), D(2020, 10, 25), True),
        (D(2020, 10, 1), None, DatePrecision.MID_MONTH, D(2020, 9, 1), D(2020, 10, 1), True),
        # ...and not one that ends before it or starts after it.
        (D(2020, 10, 1), None, DatePrecision.MONTH, D(2020, 9, 1), D(2020, 9, 30), False),
        (D(2020, 10, 1), None, DatePrecision.MONTH, D(2020, 11, 1), None, False),
        # Day precision is exact.
        (D(2020, 9, 29), None, DatePrecision.DAY, D(2020, 9, 29), D(2020, 9, 29), True),
        (D(2020, 9, 29), None, DatePrecision.DAY, D(2020, 9, 30), None, False),
        (D(2020, 9, 29), None, DatePrecision.DAY, None, D(2020, 9, 28), False),
        # A range overlaps by its end.
        (D(1993, 4, 6), D(1993, 4, 13), DatePrecision.DAY, D(1993, 4, 10), D(1993, 4, 20), True),
        (D(1993, 4, 6), D(1993, 4, 13), DatePrecision.DAY, D(1993, 4, 14), None, False),
        # A decade-precise record matches any range inside its decade.
        (D(1990, 1, 1), None, DatePrecision.DECADE, D(1995, 3, 1), D(1995, 3, 2), True),
        (D(1990, 1, 1), None, DatePrecision.DECADE, D(2000, 1, 1), None, False),
        (D(2020, 1, 1), None, DatePrecision.YEAR, D(2020, 12, 31), None, True),
        # "About 18 October" is within a fortnight either way.
        (D(2020, 10, 18), None, DatePrecision.APPROXIMATE, D(2020, 10, 30), None, True),
        (D(2020, 10, 18), None, DatePrecision.APPROXIMATE, D(2020, 12, 1), None, False),
        # Undated records never match a date filter.
        (None, None, DatePrecision.UNDATED, D(1900, 1, 1), D(2100, 1, 1), False),
    ],
)
def test_date_range_filter_respects_precision(start, end, precision, lo, hi, matches):
    from archive.dates import overlaps_q

    protest = ProtestFactory(date_start=start, date_end=end, date_precision=precision)
    found = Protest.objects.filter(overlaps_q(lo, hi)).filter(pk=protest.pk).exists()
    assert found is matches


@pytest.mark.django_db
def test_date_display_on_a_record():
    protest = ProtestFactory(date_start=D(2020, 10, 1), date_precision=DatePrecision.MID_MONTH)
    with translation.override("en"):
        assert protest.date_display == "mid-October 2020"

import datetime as dt
import random

import pytest
from django.utils import translation

from archive.date_input import (
    GREGORIAN,
    SOLAR_HIJRI,
    DateInputError,
    PartialDateValue,
    format_jalali,
    format_partial_date_input,
    gregorian_to_jalali,
    is_jalali_leap_year,
    jalali_month_length,
    jalali_to_gregorian,
    parse_partial_date,
)
from archive.dates import DatePrecision as P

D = dt.date


@pytest.fixture(autouse=True)
def english():
    """Error messages are asserted in English whatever the active language."""
    with translation.override("en"):
        yield


# --- Solar Hijri arithmetic ---------------------------------------------------


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1399, 8, 14), D(2020, 11, 4)),
        ((1399, 1, 1), D(2020, 3, 20)),
        ((1400, 1, 1), D(2021, 3, 21)),
        ((1403, 1, 1), D(2024, 3, 20)),
        ((1399, 7, 7), D(2020, 9, 28)),
        ((1399, 7, 6), D(2020, 9, 27)),  # the start of the 2020 war
        ((1399, 8, 20), D(2020, 11, 10)),
        ((1399, 12, 30), D(2021, 3, 20)),
        ((1372, 1, 17), D(1993, 4, 6)),
        ((1300, 1, 1), D(1921, 3, 21)),
        ((1178, 1, 1), D(1799, 3, 21)),
        # Before 1178 SH the arithmetic is proleptic: jdatetime's 33-year cycle puts the epoch a day
        # before the hand-written jalaali-js code did (622-03-22).
        ((1, 1, 1), D(622, 3, 21)),
    ],
)
def test_known_solar_hijri_dates(jalali, gregorian):
    assert jalali_to_gregorian(*jalali) == gregorian
    assert gregorian_to_jalali(gregorian) == jalali


def test_leap_years_follow_the_iranian_calendar():
    leap = [year for year in range(1370, 1411) if is_jalali_leap_year(year)]
    assert leap == [1370, 1375, 1379, 1383, 1387, 1391, 1395, 1399, 1403, 1408]


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [(1399, 1, 31), (1399, 6, 31), (1399, 7, 30), (1399, 11, 30), (1399, 12, 30), (1400, 12, 29), (1403, 12, 30)],
)
def test_month_lengths(year, month, days):
    assert jalali_month_length(year, month) == days


@pytest.mark.parametrize(
    "jalali", [(1400, 12, 30), (1399, 7, 31), (1399, 13, 1), (1399, 1, 0), (0, 1, 1), (1501, 1, 1)]
)
def test_impossible_solar_hijri_dates_raise(jalali):
    with pytest.raises(ValueError):
        jalali_to_gregorian(*jalali)


def test_round_trip_every_day_1950_to_2050():
    day, last = D(1950, 1, 1), D(2050, 12, 31)
    while day <= last:
        jy, jm, jd = gregorian_to_jalali(day)
        assert 1 <= jd <= jalali_month_length(jy, jm)
        assert jalali_to_gregorian(jy, jm, jd) == day
        day += dt.timedelta(days=1)


def test_days_follow_each_other_without_gaps_across_year_ends():
    for year in range(1178, 1500):
        last_day = jalali_to_gregorian(year, 12, jalali_month_length(year, 12))
        assert jalali_to_gregorian(year + 1, 1, 1) == last_day + dt.timedelta(days=1)


@pytest.mark.parametrize("day", [D(622, 3, 20), D(2122, 3, 21), D(1, 1, 1), D(9999, 12, 31)])
def test_gregorian_dates_outside_the_supported_range_raise(day):
    with pytest.raises(ValueError):
        gregorian_to_jalali(day)


# --- Rendering in Solar Hijri -------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "precision", "fa", "en"),
    [
        (D(2020, 11, 4), None, P.DAY, "۱۴ آبان ۱۳۹۹", "14 Aban 1399"),
        (D(2020, 9, 27), None, P.DAY, "۶ مهر ۱۳۹۹", "6 Mehr 1399"),
        (D(2020, 10, 1), None, P.MONTH, "مهر–آبان ۱۳۹۹", "Mehr–Aban 1399"),
        (D(2020, 10, 15), None, P.MONTH, "مهر–آبان ۱۳۹۹", "Mehr–Aban 1399"),
        (D(2021, 3, 1), None, P.MONTH, "اسفند ۱۳۹۹ – فروردین ۱۴۰۰", "Esfand 1399 – Farvardin 1400"),
        (D(2020, 1, 1), None, P.YEAR, "۱۳۹۸–۱۳۹۹", "1398–1399"),
        (D(1990, 1, 1), None, P.DECADE, "۱۳۶۸–۱۳۷۸", "1368–1378"),
        (D(2020, 10, 1), None, P.EARLY_MONTH, "اواسط مهر ۱۳۹۹", "mid-Mehr 1399"),
        (D(2020, 10, 1), None, P.MID_MONTH, "اواخر مهر ۱۳۹۹", "late Mehr 1399"),
        (D(2020, 10, 1), None, P.LATE_MONTH, "اوایل آبان ۱۳۹۹", "early Aban 1399"),
        (D(2020, 10, 18), None, P.APPROXIMATE, "حدود ۲۷ مهر ۱۳۹۹", "about 27 Mehr 1399"),
        (D(1993, 4, 6), D(1993, 4, 13), P.DAY, "۱۷–۲۴ فروردین ۱۳۷۲", "17–24 Farvardin 1372"),
        (D(2020, 9, 27), D(2020, 11, 10), P.DAY, "۶ مهر – ۲۰ آبان ۱۳۹۹", "6 Mehr – 20 Aban 1399"),
        (D(2020, 3, 1), D(2020, 4, 1), P.MONTH, "اسفند ۱۳۹۸ – اردیبهشت ۱۳۹۹", "Esfand 1398 – Ordibehesht 1399"),
        (None, None, P.UNDATED, "بدون تاریخ", "undated"),
    ],
)
def test_format_jalali(start, end, precision, fa, en):
    assert format_jalali(start, precision, "fa", end=end) == fa
    assert format_jalali(start, precision, lang="en", end=end) == en


# --- Parsing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2020", D(2020, 1, 1), None, P.YEAR),
        ("2020-10", D(2020, 10, 1), None, P.MONTH),
        ("2020-10-18", D(2020, 10, 18), None, P.DAY),
        ("  2020-10-18\n", D(2020, 10, 18), None, P.DAY),
        ("18.10.2020", D(2020, 10, 18), None, P.DAY),
        ("18/10/2020", D(2020, 10, 18), None, P.DAY),
        ("۲۰۲۰-۱۰-۱۸", D(2020, 10, 18), None, P.DAY),
        ("٢٠٢٠-١٠-١٨", D(2020, 10, 18), None, P.DAY),
        ("1990s", D(1990, 1, 1), None, P.DECADE),
        ("October 2020", D(2020, 10, 1), None, P.MONTH),
        ("Oct 2020", D(2020, 10, 1), None, P.MONTH),
        ("OCTOBER 2020", D(2020, 10, 1), None, P.MONTH),
        ("Sept 2020", D(2020, 9, 1), None, P.MONTH),
        ("18 October 2020", D(2020, 10, 18), None, P.DAY),
        ("October 18, 2020", D(2020, 10, 18), None, P.DAY),
        ("29th September 2020", D(2020, 9, 29), None, P.DAY),
        ("early October 2020", D(2020, 10, 1), None, P.EARLY_MONTH),
        ("mid-October 2020", D(2020, 10, 1), None, P.MID_MONTH),
        ("mid October 2020", D(2020, 10, 1), None, P.MID_MONTH),
        ("late October 2020", D(2020, 10, 1), None, P.LATE_MONTH),
        ("late 2020-10", D(2020, 10, 1), None, P.LATE_MONTH),
        ("about 18 October 2020", D(2020, 10, 18), None, P.APPROXIMATE),
        ("c. 2020-10-18", D(2020, 10, 18), None, P.APPROXIMATE),
        ("circa 18 October 2020", D(2020, 10, 18), None, P.APPROXIMATE),
        ("~2020-10-18", D(2020, 10, 18), None, P.APPROXIMATE),
        ("2020-09-27..2020-11-10", D(2020, 9, 27), D(2020, 11, 10), P.DAY),
        ("2020-09-27 – 2020-11-10", D(2020, 9, 27), D(2020, 11, 10), P.DAY),
        ("2020-09-27 - 2020-11-10", D(2020, 9, 27), D(2020, 11, 10), P.DAY),
        ("2020-09-27/2020-11-10", D(2020, 9, 27), D(2020, 11, 10), P.DAY),
        ("6–13 April 1993", D(1993, 4, 6), D(1993, 4, 13), P.DAY),
        ("27 September – 10 November 2020", D(2020, 9, 27), D(2020, 11, 10), P.DAY),
        ("1992–1993", D(1992, 1, 1), D(1993, 1, 1), P.YEAR),
        ("October–November 2020", D(2020, 10, 1), D(2020, 11, 1), P.MONTH),
        ("1980s..1990s", D(1980, 1, 1), D(1990, 1, 1), P.DECADE),
        ("2020-10-18..2020-10-18", D(2020, 10, 18), None, P.DAY),
        ("undated", None, None, P.UNDATED),
        ("Unknown", None, None, P.UNDATED),
        ("n.d.", None, None, P.UNDATED),
    ],
)
def test_parse_gregorian(text, start, end, precision):
    assert parse_partial_date(text) == PartialDateValue(start, end, precision, GREGORIAN)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("14 Aban 1399", D(2020, 11, 4), None, P.DAY),
        ("14 Ābān 1399", D(2020, 11, 4), None, P.DAY),
        ("۱۴ آبان ۱۳۹۹", D(2020, 11, 4), None, P.DAY),
        ("1399-08-14 SH", D(2020, 11, 4), None, P.DAY),
        ("SH 1399/08/14", D(2020, 11, 4), None, P.DAY),
        ("1399-08-14 AP", D(2020, 11, 4), None, P.DAY),
        ("۱۳۹۹/۰۸/۱۴ ه.ش.", D(2020, 11, 4), None, P.DAY),
        ("۱۳۹۹/۰۸/۱۴ هـ ش", D(2020, 11, 4), None, P.DAY),
        ("6 Mehr 1399", D(2020, 9, 27), None, P.DAY),
        ("30 Esfand 1399", D(2021, 3, 20), None, P.DAY),
        ("1 Dei 1399", D(2020, 12, 21), None, P.DAY),
        ("Amordad 1399", D(2020, 7, 22), D(2020, 8, 21), P.DAY),
        ("Aban 1399", D(2020, 10, 22), D(2020, 11, 20), P.DAY),
        ("آذر ۱۳۹۹", D(2020, 11, 21), D(2020, 12, 20), P.DAY),
        ("1399 SH", D(2020, 3, 20), D(2021, 3, 20), P.DAY),
        ("6 Mehr – 20 Aban 1399", D(2020, 9, 27), D(2020, 11, 10), P.DAY),
        ("Mehr–Aban 1399", D(2020, 9, 22), D(2020, 11, 20), P.DAY),
        ("حدود ۱۴ آبان ۱۳۹۹", D(2020, 11, 4), None, P.APPROXIMATE),
    ],
)
def test_parse_solar_hijri(text, start, end, precision):
    assert parse_partial_date(text) == PartialDateValue(start, end, precision, SOLAR_HIJRI)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date"),
        ("   ", "Enter a date"),
        ("2020-02-30", "February 2020 has no day 30"),
        ("31 April 2020", "April 2020 has no day 31"),
        ("2020-13", "no month 13"),
        ("30 Esfand 1400", "Esfand 1400 has no day 30"),
        ("32 Mehr 1399", "Mehr 1399 has no day 32"),
        ("2020-11-10..2020-09-27", "before its start"),
        ("1993–1992", "before its start"),
        ("October 2020 – 1993", "same way"),
        ("1399", "add “SH”"),
        ("1399-08-14", "add “SH”"),
        ("1700", "between 1800 and 2100"),
        ("2101-01-01", "between 1800 and 2100"),
        ("1995s", "decade starts"),
        ("1990s SH", "Solar Hijri decades"),
        ("about 2020", "full date"),
        ("early 2020", "Gregorian month"),
        ("early Aban 1399", "Gregorian month"),
        ("October", "Add a year"),
        ("18 October", "Add a year"),
        ("October 1399 SH", "marked Solar Hijri"),
        ("1000 SH", "outside 1800–2100"),
        ("2020 SH", "between 1 and 1500"),
        ("2020..2021..2022", "two dates"),
        ("hello", "not a date"),
        ("about", "not a date"),
        ("SH", "not a date"),
        ("18 October 2020 12:00", "not a date"),
        ("2020-10-18\x00", "control"),
        ("x" * 101, "too long"),
        ("२०२०", "not a date"),
    ],
)
def test_invalid_input_raises_a_message(text, message):
    with pytest.raises(DateInputError, match=message):
        parse_partial_date(text)


def test_non_text_raises_date_input_error():
    with pytest.raises(DateInputError):
        parse_partial_date(None)


def test_random_garbage_only_ever_raises_date_input_error():
    rng = random.Random(0)
    alphabet = "0123456789-./–~ ,sShHaA" + "۰۱۲۳۴۵۶۷۸۹٠١٢٣ آبانمهر" + "octbrmid" + "\x00\t\u200c\u202e\ud800\uffff😀"
    for _ in range(300):
        length = rng.randint(0, 120)
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(length))
        else:
            text = "".join(chr(rng.randint(1, 0x2FFFF)) for _ in range(length))
        try:
            value = parse_partial_date(text)
        except DateInputError:
            continue
        assert isinstance(value, PartialDateValue)
        assert value.precision in P.values


# --- Writing a stored value back for a form -----------------------------------


@pytest.mark.parametrize(
    ("start", "end", "precision", "text"),
    [
        (D(2020, 10, 18), None, P.DAY, "2020-10-18"),
        (D(2020, 9, 27), D(2020, 11, 10), P.DAY, "2020-09-27..2020-11-10"),
        (D(2020, 10, 1), None, P.MONTH, "2020-10"),
        (D(2020, 10, 1), D(2020, 11, 1), P.MONTH, "2020-10..2020-11"),
        (D(2020, 10, 1), None, P.EARLY_MONTH, "early October 2020"),
        (D(2020, 10, 1), None, P.MID_MONTH, "mid-October 2020"),
        (D(2020, 10, 1), D(2020, 11, 1), P.LATE_MONTH, "late October 2020..November 2020"),
        (D(2020, 1, 1), None, P.YEAR, "2020"),
        (D(1992, 1, 1), D(1993, 1, 1), P.YEAR, "1992..1993"),
        (D(1990, 1, 1), None, P.DECADE, "1990s"),
        (D(2020, 10, 18), None, P.APPROXIMATE, "about 2020-10-18"),
        (None, None, P.UNDATED, "undated"),
    ],
)
def test_format_partial_date_input_round_trips(start, end, precision, text):
    assert format_partial_date_input(start, end, precision) == text
    assert parse_partial_date(text) == PartialDateValue(start, end, precision)


def test_format_input_uses_the_canonical_day_of_a_period():
    assert format_partial_date_input(D(2020, 10, 15), None, P.MONTH) == "2020-10"
    assert format_partial_date_input(D(1993, 6, 1), None, P.DECADE) == "1990s"


def test_a_solar_hijri_value_reads_back_as_the_same_gregorian_days():
    value = parse_partial_date("Aban 1399")
    text = format_partial_date_input(value.start, value.end, value.precision)
    again = parse_partial_date(text)
    assert (again.start, again.end, again.precision) == (value.start, value.end, value.precision)


def test_a_date_outside_the_solar_hijri_years_shows_in_gregorian_alone():
    from archive.date_input import format_jalali

    assert format_jalali(dt.date(2500, 1, 1), "day", lang="fa") == ""
    assert format_jalali(dt.date(5, 1, 1), "year", lang="en") == ""

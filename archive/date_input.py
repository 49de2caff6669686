"""Reading the dates archivists type, and the Solar Hijri calendar.

`parse_partial_date` turns what an archivist types ("2020-10-18", "mid-October
2020", "1990s", "6–13 April 1993", "14 Aban 1399 SH", "۱۴ آبان ۱۳۹۹") into the
(start, end, precision) triple of `archive.dates`, or raises `DateInputError`
with a message fit to show beside the form field. `format_partial_date_input`
writes a stored triple back in a form the parser reads.

Solar Hijri (Jalali) dates are always stored as exact Gregorian days: a
Jalali month or year does not line up with any Gregorian month or year, so
"Aban 1399" becomes the day range 2020-10-22..2020-11-20 at day precision.

The calendar arithmetic is the `jdatetime` library's (the 33-year cycle of FarsiWeb's jalali.c,
through `jalali_core`). jdatetime covers 1–9377 SH; it agrees with the calendar Iran actually uses
(fixed by the vernal equinox at Tehran) for 1178–1500 SH (1799–2122 CE), i.e. everything the archive
records (1800–2100 CE). We allow 1–1500 SH, as before; dates before 1178 SH are proleptic
arithmetic, not history (there jdatetime's cycle differs by a day in some years from other
reckonings: it puts 1 Farvardin 1 on 21 March 622, not 22 March).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jdatetime
from django.utils import formats
from django.utils.translation import gettext as _

from archive.dates import DatePrecision, period_end, period_start

GREGORIAN = "gregorian"
SOLAR_HIJRI = "solar_hijri"

JALALI_YEARS = (1, 1500)
# The archive's records are Gregorian 1800–2100; a year outside that is far
# more likely a Solar Hijri year typed without its marker than a real date.
ARCHIVE_YEARS = (1800, 2100)
# The Solar Hijri years that fall within ARCHIVE_YEARS: a bare one is probably a Jalali year missing its "SH".
SH_LOOKALIKE_YEARS = (1178, 1479)
MAX_INPUT_LENGTH = 100

# One line per calendar keeps each table readable at a glance (a literal tuple would be one name per line).
JALALI_MONTHS_FA = tuple("فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split())  # noqa: SIM905
JALALI_MONTHS_EN = tuple("Farvardin Ordibehesht Khordad Tir Mordad Shahrivar Mehr Aban Azar Dey Bahman Esfand".split())  # noqa: SIM905
# Spellings accepted on input besides the two above (diacritics are folded away, so "Ābān" is "aban").
_JALALI_VARIANTS = {"amordad": 5, "امرداد": 5, "dei": 10, "espand": 12}
GREGORIAN_MONTHS = tuple(
    "January February March April May June July August September October November December".split()  # noqa: SIM905
)

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class DateInputError(ValueError):
    """What the archivist typed is not a date we can store; the message says why."""


class UnreadableDate(DateInputError):
    """The text is no date form the parser knows (rather than a known form with a bad value, such as month 13)."""


@dataclass(frozen=True, slots=True)
class PartialDateValue:
    start: dt.date | None
    end: dt.date | None
    precision: str
    calendar: str = GREGORIAN


# --- Solar Hijri arithmetic ---------------------------------------------------


def _check_jalali_year(jy: int) -> None:
    if not JALALI_YEARS[0] <= jy <= JALALI_YEARS[1]:
        raise ValueError(f"Solar Hijri year {jy} is outside {JALALI_YEARS[0]}–{JALALI_YEARS[1]}")


def is_jalali_leap_year(jy: int) -> bool:
    _check_jalali_year(jy)
    return jdatetime.date(jy, 1, 1).isleap()


def jalali_month_length(jy: int, jm: int) -> int:
    """Days in month `jm` of Solar Hijri year `jy`: 31 for months 1–6, 30 for 7–11, Esfand 29 or 30."""
    _check_jalali_year(jy)
    if not 1 <= jm <= 12:
        raise ValueError(f"Solar Hijri month {jm} is outside 1–12")
    following = jdatetime.date(jy + jm // 12, jm % 12 + 1, 1)
    return (following.togregorian() - jdatetime.date(jy, jm, 1).togregorian()).days


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> dt.date:
    """The Gregorian date of day `jd` of month `jm` of Solar Hijri year `jy`; ValueError if there is none."""
    length = jalali_month_length(jy, jm)
    if not 1 <= jd <= length:
        raise ValueError(f"Solar Hijri month {jy}-{jm} has days 1–{length}, not {jd}")
    return jdatetime.date(jy, jm, jd).togregorian()


def gregorian_to_jalali(day: dt.date) -> tuple[int, int, int]:
    """(year, month, day) in the Solar Hijri calendar; ValueError outside 1–1500 SH."""
    jalali = jdatetime.date.fromgregorian(date=day)  # ValueError outside jdatetime's 1–9377 SH
    _check_jalali_year(jalali.year)
    return jalali.year, jalali.month, jalali.day


# --- Rendering in Solar Hijri -------------------------------------------------

_FA_WORDS = {"early": "اوایل", "mid": "اواسط", "late": "اواخر", "about": "حدود", "undated": "بدون تاریخ"}
_EN_WORDS = {"early": "early ", "mid": "mid-", "late": "late ", "about": "about ", "undated": "undated"}
_THIRDS = {DatePrecision.EARLY_MONTH: 5, DatePrecision.MID_MONTH: 15, DatePrecision.LATE_MONTH: 25}


class _Jalali:
    """Number and month-name spelling for one language."""

    def __init__(self, lang: str):
        self.fa = lang == "fa"

    def num(self, n: int) -> str:
        return str(n).translate(_FA_DIGITS) if self.fa else str(n)

    def month(self, jm: int) -> str:
        return (JALALI_MONTHS_FA if self.fa else JALALI_MONTHS_EN)[jm - 1]

    def word(self, key: str) -> str:
        if self.fa:
            return _FA_WORDS[key] + ("" if key == "undated" else " ")
        return _EN_WORDS[key]


def _span_years(a: tuple, b: tuple, j: _Jalali) -> str:
    return j.num(a[0]) if a[0] == b[0] else f"{j.num(a[0])}–{j.num(b[0])}"


def _span_months(a: tuple, b: tuple, j: _Jalali) -> str:
    if a[:2] == b[:2]:
        return f"{j.month(a[1])} {j.num(a[0])}"
    if a[0] == b[0]:
        return f"{j.month(a[1])}–{j.month(b[1])} {j.num(a[0])}"
    return f"{j.month(a[1])} {j.num(a[0])} – {j.month(b[1])} {j.num(b[0])}"


def _span_days(a: tuple, b: tuple, j: _Jalali) -> str:
    (y1, m1, d1), (y2, m2, d2) = a, b
    if a == b:
        return f"{j.num(d1)} {j.month(m1)} {j.num(y1)}"
    if (y1, m1) == (y2, m2):
        return f"{j.num(d1)}–{j.num(d2)} {j.month(m1)} {j.num(y1)}"
    if y1 == y2:
        return f"{j.num(d1)} {j.month(m1)} – {j.num(d2)} {j.month(m2)} {j.num(y1)}"
    return f"{j.num(d1)} {j.month(m1)} {j.num(y1)} – {j.num(d2)} {j.month(m2)} {j.num(y2)}"


def _month_third(day: dt.date, precision: str, j: _Jalali) -> str:
    """Which third of which Jalali month ("mid-Mehr 1399") the given third of a Gregorian month falls in.

    Jalali months begin 9–12 days before Gregorian ones, so "early October"
    lies in mid-Mehr, not early Mehr: qualifying the whole Jalali span would
    put the date in the wrong third of the month.
    """
    jy, jm, jd = gregorian_to_jalali(day.replace(day=_THIRDS[precision]))
    third = "early" if jd <= 10 else "mid" if jd <= 20 else "late"
    return f"{j.word(third)}{j.month(jm)} {j.num(jy)}"


def format_jalali(day: dt.date | None, precision: str, lang: str = "fa", end: dt.date | None = None) -> str:
    """A stored partial date (start `day`, optional `end`) written in the Solar Hijri calendar.

    lang "fa" gives Persian digits and month names, "en" transliterations.
    Month, year and decade precision give the Jalali span the Gregorian
    period covers: October 2020 is "مهر–آبان ۱۳۹۹", 2020 is "۱۳۹۸–۱۳۹۹". A date the calendar
    arithmetic does not cover (before 622 or after 2122, which only a raw database write can store)
    gives "": pages show it in Gregorian alone.
    """
    if lang not in ("fa", "en"):
        raise ValueError(f"lang must be 'fa' or 'en', not {lang!r}")
    j = _Jalali(lang)
    if day is None or precision == DatePrecision.UNDATED:
        return j.word("undated")
    try:
        return _format_jalali(day, precision, j, end)
    except ValueError:
        return ""


def _format_jalali(day: dt.date, precision: str, j, end: dt.date | None) -> str:
    if precision in _THIRDS:
        first, last = _month_third(day, precision, j), _month_third(end or day, precision, j)
        return first if first == last else f"{first} – {last}"
    if precision == DatePrecision.APPROXIMATE:
        span = _span_days(gregorian_to_jalali(day), gregorian_to_jalali(end or day), j)
        return j.word("about") + span
    a = gregorian_to_jalali(period_start(day, precision))
    b = gregorian_to_jalali(period_end(end or day, precision))
    if precision == DatePrecision.MONTH:
        return _span_months(a, b, j)
    if precision in (DatePrecision.YEAR, DatePrecision.DECADE):
        return _span_years(a, b, j)
    return _span_days(a, b, j)


# --- Parsing ------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case, drop diacritics and invisible marks, unify digits and Persian/Arabic letter variants."""
    text = unicodedata.normalize("NFKC", text).translate(_INPUT_TABLE)
    kept = (c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    kept = (c for c in kept if unicodedata.category(c) != "Cf")
    return " ".join("".join(kept).casefold().split())


_INPUT_TABLE = str.maketrans(
    {chr(0x06F0 + n): str(n) for n in range(10)}
    | {chr(0x0660 + n): str(n) for n in range(10)}
    | {"ي": "ی", "ى": "ی", "ك": "ک", "ـ": "", "‐": "-", "‑": "-", "−": "-", "‒": "–", "—": "–", "،": ","}
)
_MONTH_NAMES = (
    {_fold(spelling): (GREGORIAN, n) for n, name in enumerate(GREGORIAN_MONTHS, 1) for spelling in (name, name[:3])}
    | {"sept": (GREGORIAN, 9)}
    | {
        _fold(name): (SOLAR_HIJRI, n)
        for n, names in enumerate(zip(JALALI_MONTHS_EN, JALALI_MONTHS_FA, strict=True), 1)
        for name in names
    }
    | {_fold(name): (SOLAR_HIJRI, n) for name, n in _JALALI_VARIANTS.items()}
)

_UNDATED = {"undated", "unknown", "n.d.", "n.d", "nd", "no date", "s.d.", "بدون تاریخ", "نامعلوم"}
_QUALIFIERS = {"early": DatePrecision.EARLY_MONTH, "mid": DatePrecision.MID_MONTH, "late": DatePrecision.LATE_MONTH}
_QUALIFIER_PREFIX = re.compile(
    r"(?P<q>early|mid|late|about|around|circa|approximately|approx\.?|ca\.?|c\.?|~|حدودا?)(?:\s+|-|(?<=[.~]))"
)
_MARKER = r"(?:sh|ap|ه\.?\s?ش\.?)"
_MARKER_END = re.compile(rf"(?:^|\s+|(?<=\d)){_MARKER}$")
_MARKER_START = re.compile(rf"^{_MARKER}(?:\s+|(?=\d))")
_ISO = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", re.ASCII)
_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", re.ASCII)
_DECADE = re.compile(r"(\d{4})'?s", re.ASCII)
_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?", re.ASCII)
_RANGE_SEPARATORS = (re.compile(r"\.\."), re.compile(r"\s+(?:-|–|to|تا)\s+"), re.compile(r"\s*–\s*"))
_ISO_SLASH_RANGE = re.compile(r"(\d{4}-\d{1,2}(?:-\d{1,2})?)/(\d{4}-\d{1,2}(?:-\d{1,2})?)", re.ASCII)


def _unreadable(text: str) -> DateInputError:
    return UnreadableDate(
        _(
            "“%(text)s” is not a date this field understands."
            " Try 2020-10-18, October 2020, 1990s, 6–13 April 1993 or 14 Aban 1399 SH."
        )
        % {"text": text}
    )


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise DateInputError(_("Enter the date as text."))
    if len(text) > MAX_INPUT_LENGTH:
        raise DateInputError(_("That is too long for a date (at most %(max)s characters).") % {"max": MAX_INPUT_LENGTH})
    bad = {"Cc", "Cs", "Co", "Cn"}
    if any(unicodedata.category(c) in bad and not c.isspace() for c in text):
        raise DateInputError(_("The date contains control or unassigned characters; please retype it."))
    return _fold(text)


def _check_gregorian_year(year: int) -> None:
    low, high = ARCHIVE_YEARS
    if SH_LOOKALIKE_YEARS[0] <= year <= SH_LOOKALIKE_YEARS[1]:
        raise DateInputError(
            _(
                "%(year)s is not a year the archive covers. If it is a Solar Hijri year, add “SH” (e.g. “%(year)s SH”);"
                " Gregorian years must be between %(low)s and %(high)s."
            )
            % {"year": year, "low": low, "high": high}
        )
    if year > high or year < low:
        raise DateInputError(_("Years must be between %(low)s and %(high)s.") % {"low": low, "high": high})


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise DateInputError(_("There is no month %(month)s: months run from 1 to 12.") % {"month": month})


def _gregorian(year: int, month: int | None, day: int | None) -> PartialDateValue:
    _check_gregorian_year(year)
    if month is None:
        return PartialDateValue(dt.date(year, 1, 1), None, DatePrecision.YEAR)
    _check_month(month)
    if day is None:
        return PartialDateValue(dt.date(year, month, 1), None, DatePrecision.MONTH)
    try:
        return PartialDateValue(dt.date(year, month, day), None, DatePrecision.DAY)
    except ValueError:
        month_year = formats.date_format(dt.date(year, month, 1), "F Y")
        raise DateInputError(_("%(month_year)s has no day %(day)s.") % {"month_year": month_year, "day": day}) from None


def _jalali(year: int, month: int | None, day: int | None) -> PartialDateValue:
    """A Solar Hijri year, month or day as the exact Gregorian day range it covers."""
    if not JALALI_YEARS[0] <= year <= JALALI_YEARS[1]:
        raise DateInputError(_("Solar Hijri years must be between 1 and 1500, not %(year)s.") % {"year": year})
    if month is not None:
        _check_month(month)
    length = jalali_month_length(year, month or 12)
    if day is not None and not 1 <= day <= length:
        name = "%s %s" % (JALALI_MONTHS_EN[month - 1], year)
        raise DateInputError(
            _("%(month_year)s has no day %(day)s (it has %(days)s days).")
            % {"month_year": name, "day": day, "days": length}
        )
    start = jalali_to_gregorian(year, month or 1, day or 1)
    end = jalali_to_gregorian(year, month or 12, day or length)
    low, high = ARCHIVE_YEARS
    if start.year < low or end.year > high:
        raise DateInputError(
            _("That Solar Hijri date falls outside %(low)s–%(high)s, the years the archive covers.")
            % {"low": low, "high": high}
        )
    return PartialDateValue(start, None if end == start else end, DatePrecision.DAY, SOLAR_HIJRI)


def _build(calendar: str, year: int, month: int | None = None, day: int | None = None) -> PartialDateValue:
    return (_jalali if calendar == SOLAR_HIJRI else _gregorian)(year, month, day)


def _parse_numeric(text: str, calendar: str) -> PartialDateValue | None:
    if m := _ISO.fullmatch(text):
        return _build(calendar, *(int(g) if g else None for g in m.groups()))
    if m := _DMY.fullmatch(text):
        day, month, year = map(int, m.groups())
        return _build(calendar, year, month, day)
    if m := _DECADE.fullmatch(text):
        year = int(m[1])
        if calendar == SOLAR_HIJRI:
            raise DateInputError(_("Give Solar Hijri decades as a range of years, e.g. “1370–1379 SH”."))
        _check_gregorian_year(year)
        if year % 10:
            raise DateInputError(_("A decade starts with a year ending in 0, e.g. “1990s”."))
        return PartialDateValue(dt.date(year, 1, 1), None, DatePrecision.DECADE)
    return None


def _parse_words(text: str, calendar: str) -> PartialDateValue:
    """Month-name forms: "October 2020", "18 October 2020", "October 18, 2020", "14 Aban 1399", "۱۴ آبان ۱۳۹۹"."""
    shape, numbers, month = "", [], None
    for token in text.replace(",", " ").split():
        if token.rstrip(".") in _MONTH_NAMES and month is None:
            shape, month = shape + "M", _MONTH_NAMES[token.rstrip(".")]
        elif re.fullmatch(r"\d{4}", token, re.ASCII):
            shape, numbers = shape + "Y", [*numbers, int(token)]
        elif m := _DAY.fullmatch(token):
            shape, numbers = shape + "D", [*numbers, int(m[1])]
        else:
            raise _unreadable(text)
    if shape in ("M", "DM", "MD"):
        raise DateInputError(_("Add a year to “%(text)s”.") % {"text": text})
    if shape not in ("MY", "DMY", "MDY"):
        raise _unreadable(text)
    month_calendar, month_number = month
    if calendar == SOLAR_HIJRI and month_calendar == GREGORIAN:
        raise DateInputError(_("“%(text)s” names a Gregorian month but is marked Solar Hijri.") % {"text": text})
    day = numbers[0] if len(numbers) == 2 else None
    return _build(month_calendar, numbers[-1], month_number, day)


def _parse_single(text: str, calendar: str) -> PartialDateValue:
    return _parse_numeric(text, calendar) or _parse_words(text, calendar)


def _parse_left(left: str, right: str, calendar: str) -> PartialDateValue:
    """The start of a range, borrowing what it leaves out from the end: "6–13 April 1993", "October–November 2020"."""
    try:
        return _parse_single(left, calendar)
    except DateInputError as error:
        failure = error
    tail = right.replace(",", " ").split()
    for k in range(1, len(tail)):
        try:
            return _parse_single("%s %s" % (left, " ".join(tail[-k:])), calendar)
        except DateInputError as error:
            failure = error
    raise failure


def _split_range(text: str) -> list[str]:
    if m := _ISO_SLASH_RANGE.fullmatch(text):
        return list(m.groups())
    for separator in _RANGE_SEPARATORS:
        parts = separator.split(text)
        if len(parts) > 1:
            return [part.strip() for part in parts]
    return [text]


def _combine(start: PartialDateValue, end: PartialDateValue) -> PartialDateValue:
    if start.precision != end.precision:
        raise DateInputError(_("Give both ends of a range the same way, e.g. two days, two months or two years."))
    if end.start < start.start:
        raise DateInputError(_("The end of the range is before its start."))
    last = end.end or end.start
    calendar = SOLAR_HIJRI if SOLAR_HIJRI in (start.calendar, end.calendar) else GREGORIAN
    return PartialDateValue(start.start, None if last == start.start else last, start.precision, calendar)


def _parse_range(text: str, calendar: str) -> PartialDateValue:
    parts = _split_range(text)
    if len(parts) == 1:
        return _parse_single(text, calendar)
    if len(parts) != 2 or not all(parts):
        raise DateInputError(_("Give a range as two dates, e.g. “2020-09-27..2020-11-10” or “6–13 April 1993”."))
    end = _parse_single(parts[1], calendar)
    return _combine(_parse_left(parts[0], parts[1], calendar), end)


def _qualify(value: PartialDateValue, qualifier: str | None) -> PartialDateValue:
    if qualifier is None:
        return value
    if qualifier in _QUALIFIERS:
        if value.precision != DatePrecision.MONTH:
            raise DateInputError(
                _("“%(word)s” goes with a Gregorian month, e.g. “%(word)s October 2020”.") % {"word": qualifier}
            )
        return PartialDateValue(value.start, value.end, _QUALIFIERS[qualifier], value.calendar)
    if value.precision != DatePrecision.DAY:
        raise DateInputError(_("“About” goes with a full date, e.g. “about 18 October 2020”."))
    return PartialDateValue(value.start, value.end, DatePrecision.APPROXIMATE, value.calendar)


def _strip_marker(text: str) -> tuple[str, str]:
    """Remove a Solar Hijri marker ("SH", "AP", "ه.ش.") from either end."""
    for marker in (_MARKER_END, _MARKER_START):
        stripped = marker.sub("", text, count=1)
        if stripped != text:
            return stripped.strip(), SOLAR_HIJRI
    return text, GREGORIAN


_QUOTED = re.compile(r"“([^”]*)”")


def _as_typed(message: str, text: str) -> str:
    """`message` with each part of `text` it quotes given back as typed: the parser quotes what it folded
    (lower-cased, digits unified), “mid-octobre 2020”, where the archivist wrote “Mid-Octobre 2020”."""

    def unfold(match):
        quoted = match[1]
        if quoted in text:
            return match[0]
        for length in range(len(quoted), len(text) + 1):  # only on an error, on at most MAX_INPUT_LENGTH
            for start in range(len(text) - length + 1):
                if _fold(text[start : start + length]) == quoted:
                    return f"“{text[start : start + length]}”"
        return match[0]

    return _QUOTED.sub(unfold, message)


def parse_partial_date(text: str) -> PartialDateValue:
    """Read a date as archivists type it; raise DateInputError with a message for the form if we cannot
    (quoting what was typed, as it was typed)."""
    try:
        return _parse_partial_date(text)
    except DateInputError as error:
        if not isinstance(text, str) or len(text) > MAX_INPUT_LENGTH:
            raise
        raise type(error)(_as_typed(str(error), text)) from None


def _parse_partial_date(text: str) -> PartialDateValue:
    """Read a date as archivists type it; raise DateInputError with a message for the form if we cannot.

    Gregorian years must lie in 1800–2100. A Solar Hijri date needs a Persian
    month name or an "SH"/"AP"/"ه.ش." marker, and is stored as the exact
    Gregorian day or day range it covers, at day precision.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise DateInputError(_("Enter a date, e.g. 2020-10-18, October 2020, 1990s, or “undated”."))
    if cleaned in _UNDATED:
        return PartialDateValue(None, None, DatePrecision.UNDATED)
    qualifier = None
    if m := _QUALIFIER_PREFIX.match(cleaned):
        qualifier = m["q"] if m["q"] in _QUALIFIERS else "about"
        cleaned = cleaned[m.end() :]
    body, calendar = _strip_marker(cleaned)
    if not body:
        raise _unreadable(text.strip())
    try:
        return _qualify(_parse_range(body, calendar), qualifier)
    except DateInputError:
        raise
    except (ValueError, OverflowError) as error:
        # Defensive: arithmetic limits the checks above did not foresee still reach the form as a message.
        raise _unreadable(text.strip()) from error


def _input_core(day: dt.date, precision: str) -> str:
    if precision == DatePrecision.YEAR:
        return str(day.year)
    if precision == DatePrecision.DECADE:
        return "%ss" % (day.year - day.year % 10)
    if precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if precision in _THIRDS:
        return "%s %s" % (GREGORIAN_MONTHS[day.month - 1], day.year)
    return day.isoformat()


def format_partial_date_input(start: dt.date | None, end: dt.date | None, precision: str) -> str:
    """A stored partial date as text that `parse_partial_date` reads back to the same value (a form's initial value)."""
    if start is None or precision == DatePrecision.UNDATED:
        return "undated"
    prefix = {
        DatePrecision.EARLY_MONTH: "early ",
        DatePrecision.MID_MONTH: "mid-",
        DatePrecision.LATE_MONTH: "late ",
        DatePrecision.APPROXIMATE: "about ",
    }.get(precision, "")
    first = _input_core(start, precision)
    last = _input_core(end, precision) if end is not None else first
    return prefix + (first if last == first else "%s..%s" % (first, last))

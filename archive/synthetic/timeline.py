"""Partial dates, created/updated times and editorial states.

Event dates cluster in the weeks of the 2020 war (27 September – 10 November)
and its run-up, and still reach from 1990 to 2026, at every precision the
archive knows. ``updated`` times spread over five years so incremental sync
has years of changes to page through.
"""

import datetime as dt

from archive.dates import DatePrecision
from archive.models.base import Status
from archive.synthetic.rng import Rand, Weights

EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2026, 10, 31)
WAR_START = dt.date(2020, 9, 27)
WAR_DAYS = 45
# Curation started in 2021; generated timestamps never pass this moment, so reruns agree.
CURATION_START = dt.datetime(2021, 3, 1, tzinfo=dt.UTC)
CURATION_END = dt.datetime(2026, 10, 31, 23, 59, tzinfo=dt.UTC)
CURATION_SECONDS = int((CURATION_END - CURATION_START).total_seconds())

PRECISION = Weights(
    {
        DatePrecision.DAY: 52,
        DatePrecision.EARLY_MONTH: 4,
        DatePrecision.MID_MONTH: 4,
        DatePrecision.LATE_MONTH: 3,
        DatePrecision.MONTH: 12,
        DatePrecision.YEAR: 7,
        DatePrecision.DECADE: 2,
        DatePrecision.APPROXIMATE: 9,
        DatePrecision.UNDATED: 7,
    }
)
STATUS = Weights({Status.PUBLISHED: 85.5, Status.DRAFT: 6, Status.IN_REVIEW: 5, Status.WITHDRAWN: 3.5})
DATE_NOTES = [
    "The third day of the war, by the source's own count.",
    "The source gives the Solar Hijri date; converted to Gregorian.",
    "The footnote is dated before the event it reports; the archive keeps the event's date.",
    "Two sources disagree by a day; the earlier date is kept.",
    "Dated only by the Friday on which it happened.",
    "Inferred from the date the report was posted.",
]
WITHDRAWN_REASONS = [
    "Could not be verified in any second source.",
    "Duplicate of another record, merged.",
    "The source was shown to be fabricated.",
    "Withdrawn at the request of the person concerned.",
]
PRIVATE_NOTES = [
    "Check the Persian original before publishing.",
    "Contact in Tabriz confirmed by phone; keep the contact's name out of the record.",
    "Second source pending: ask the translator.",
    "Date conflicts with the footnote; discuss with the editor.",
]


def event_day(rng: Rand) -> dt.date:
    """A day: mostly during the war, often in the years around it, sometimes any time."""
    u = rng.random()
    if u < 0.62:
        return WAR_START + dt.timedelta(days=int(rng.triangular(-20, WAR_DAYS, 10)))
    if u < 0.87:
        return dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(365 * 7))
    return EARLIEST + dt.timedelta(days=rng.randrange((LATEST - EARLIEST).days))


def partial_date(rng: Rand) -> tuple[dt.date | None, dt.date | None, str, str]:
    """(date_start, date_end, date_precision, date_note) as the PartialDate columns hold them."""
    precision = rng.weighted(PRECISION)
    note = rng.pick(DATE_NOTES) if rng.chance(0.08) else ""
    if precision == DatePrecision.UNDATED:
        return None, None, precision, note or "The source does not date it."
    day = event_day(rng)
    end = None
    if precision in (DatePrecision.EARLY_MONTH, DatePrecision.MID_MONTH, DatePrecision.LATE_MONTH):
        day = day.replace(day={"early-month": 5, "mid-month": 15, "late-month": 25}[precision])
    elif precision == DatePrecision.MONTH:
        day = day.replace(day=1)
    elif precision == DatePrecision.YEAR:
        day = day.replace(month=1, day=1)
    elif precision == DatePrecision.DECADE:
        day = dt.date(day.year - day.year % 10, 1, 1)
    elif precision == DatePrecision.DAY and rng.chance(0.1):
        end = min(LATEST, day + dt.timedelta(days=rng.randint(1, 6)))
    return day, end, precision, note


def stamps(rng: Rand) -> tuple[dt.datetime, dt.datetime]:
    """(created, updated): entry mostly early on, edits trailing off over the years."""
    created = CURATION_START + dt.timedelta(seconds=int(rng.betavariate(1.3, 2.5) * CURATION_SECONDS))
    left = int((CURATION_END - created).total_seconds())
    if rng.chance(0.35):
        return created, created
    updated = created + dt.timedelta(seconds=int(rng.random() ** 2 * left), microseconds=rng.randrange(10**6))
    return created, updated


def editorial(rng: Rand) -> tuple[str, str, bool, str]:
    """(status, withdrawn_reason, restricted, private_note)."""
    status = rng.weighted(STATUS)
    reason = rng.pick(WITHDRAWN_REASONS) if status == Status.WITHDRAWN else ""
    restricted = rng.chance(0.015)
    private = rng.pick(PRIVATE_NOTES) if rng.chance(0.1) else ""
    return status, reason, restricted, private

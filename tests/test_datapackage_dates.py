"""`date_earliest` / `date_latest` in the data package: the period a partial date stands for, by the rules of
archive.dates, so that a CSV alone can be filtered the way the archive filters."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from archive import datapackage
from archive import models as m
from archive.date_input import parse_partial_date
from archive.dates import DatePrecision, overlaps_q
from tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date

# (start, end, precision) → (earliest, latest)
CASES = {
    "day": ((D(2020, 10, 18), None, DatePrecision.DAY), ("2020-10-18", "2020-10-18")),
    "day-range": ((D(2020, 9, 27), D(2020, 11, 10), DatePrecision.DAY), ("2020-09-27", "2020-11-10")),
    "early-month": ((D(2020, 10, 1), None, DatePrecision.EARLY_MONTH), ("2020-10-01", "2020-10-31")),
    "mid-month": ((D(2020, 10, 15), None, DatePrecision.MID_MONTH), ("2020-10-01", "2020-10-31")),
    "late-month": ((D(2020, 2, 20), None, DatePrecision.LATE_MONTH), ("2020-02-01", "2020-02-29")),
    "month": ((D(2020, 10, 1), None, DatePrecision.MONTH), ("2020-10-01", "2020-10-31")),
    "month-range": ((D(2020, 10, 1), D(2020, 12, 1), DatePrecision.MONTH), ("2020-10-01", "2020-12-31")),
    "year": ((D(2020, 1, 1), None, DatePrecision.YEAR), ("2020-01-01", "2020-12-31")),
    "decade": ((D(1990, 1, 1), None, DatePrecision.DECADE), ("1990-01-01", "1999-12-31")),
    "approximate": ((D(2020, 10, 18), None, DatePrecision.APPROXIMATE), ("2020-10-03", "2020-11-02")),
    "undated": ((None, None, DatePrecision.UNDATED), ("", "")),
}


@pytest.fixture
def package(tmp_path):
    for name, ((start, end, precision), _bounds) in CASES.items():
        f.ProtestFactory(public_id=name, date_start=start, date_end=end, date_precision=precision)
    aban = parse_partial_date("Aban 1399 SH")  # a Solar Hijri month, stored as Gregorian days
    f.ProtestFactory(public_id="solar-hijri", date_start=aban.start, date_end=aban.end, date_precision=aban.precision)
    call_command("build_datapackage", output=tmp_path / "out", stdout=io.StringIO())
    return tmp_path / "out" / "current"


def rows(package, table):
    with (package / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_each_precision_gives_its_period(package):
    protests = rows(package, "protests")
    for name, (_stored, bounds) in CASES.items():
        assert (protests[name]["date_earliest"], protests[name]["date_latest"]) == bounds, name
    assert (protests["solar-hijri"]["date_earliest"], protests["solar-hijri"]["date_latest"]) == (
        "2020-10-22",
        "2020-11-20",
    )


def test_the_bounds_agree_with_the_archives_own_date_filter(package):
    """A range finds a record exactly when [date_earliest, date_latest] overlaps it."""
    protests = rows(package, "protests")
    ranges = [(D(2020, 10, 1), D(2020, 10, 31)), (D(2020, 11, 1), D(2020, 11, 5)), (D(1995, 6, 1), D(1995, 6, 1))]
    ranges += [(D(2020, 2, 29), D(2020, 3, 1)), (D(2020, 11, 3), D(2020, 11, 9))]
    for lo, hi in ranges:
        found = set(m.Protest.objects.filter(overlaps_q(lo, hi)).values_list("public_id", flat=True))
        by_columns = {
            pid
            for pid, row in protests.items()
            if row["date_earliest"] and row["date_earliest"] <= hi.isoformat() and row["date_latest"] >= lo.isoformat()
        }
        assert by_columns == found, (lo, hi)


def test_the_columns_are_described_in_the_schema_with_the_rule(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        fields = {field["name"]: field for field in resource["schema"]["fields"]}
        if "date_start" in fields:
            assert fields["date_earliest"]["type"] == fields["date_latest"]["type"] == "date"
            assert "approximate: 15 days either side" in fields["date_earliest"]["description"]
            assert "month: the whole month" in fields["date_latest"]["description"]
    assert "date_earliest" in {field["name"] for field in descriptor["resources"][0]["schema"]["fields"]}


def test_parts_with_dates_have_them_too():
    table = {t.name: t for t in datapackage.tables()}["roles"]
    assert {"date_earliest", "date_latest"} <= {c.name for c in table.columns}


def test_the_codebook_names_the_columns(client):
    page = client.get("/en/codebook/").content.decode()
    assert "<code>date_earliest</code>" in page and "<code>date_latest</code>" in page

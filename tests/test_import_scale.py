"""All or nothing at scale: an import whose last row is bad writes nothing, however many rows came before.

The rows before the bad one are written, a batch at a time, inside the import's
transaction (the test watches them arrive: records, history); the bad row rolls
every one of them back and is reported by row and column. Search entries are
derived by the write path once, after the last row, so a failed import derives none.
"""

import time

import pytest

from archive import models
from archive.imports import import_records
from archive.resources import batch

pytest.register_assert_rewrite("tests.import_export_helpers")
from tests.import_export_helpers import row_counts  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


@pytest.fixture
def watched(monkeypatch):
    """The most records, history rows and search entries the import's own transaction held, batch by batch."""
    seen = {"people": 0, "history": 0, "entries": 0, "protests": 0, "claims": 0}
    flush = batch.BatchWriter.flush

    def watching_flush(self):
        flush(self)
        for key, count in (
            ("people", models.Person.objects.count()),
            ("history", models.Person.history.count() + models.Protest.history.count()),
            ("entries", models.SearchEntry.objects.count()),
            ("protests", models.Protest.objects.count()),
            ("claims", models.ProtestSizeClaim.objects.count()),
        ):
            seen[key] = max(seen[key], count)

    monkeypatch.setattr(batch.BatchWriter, "flush", watching_flush)
    return seen


def check_nothing_written(report, before: dict, rows: int, column: str) -> None:
    assert row_counts() == before  # records, parts, history, search entries, tombstones: every table
    assert [(issue.row, issue.column) for issue in report.issues] == [(rows, column)]
    where = f"Row {rows} (sheet row {rows + 1}, counting the header as row 1), column “{column}”:"
    assert str(report.issues[0]).startswith(where)


@pytest.mark.postgres
def test_100000_rows_whose_last_is_bad_write_nothing(world, archivist, watched):
    rows = 100_000
    lines = ["name,name_language,description"]
    lines += [f"Person {n},en,Activist number {n}" for n in range(1, rows)]
    lines.append(f"Person {rows},xx-Yyyy,The last one")
    before = row_counts()
    started = time.monotonic()
    report = import_records(models.Person, "\n".join(lines).encode(), file_name="people.csv", user=archivist)
    elapsed = time.monotonic() - started
    check_nothing_written(report, before, rows, "name_language")
    # It did write the 99,999 rows before the bad one (and their history) first; search entries are
    # derived only once every row is written (archive.changes), so none were.
    assert watched["people"] >= before["Person"] + rows - 1
    assert watched["history"] >= rows - 1 and watched["entries"] == before["SearchEntry"]
    print(f"100,000 rows checked, written and rolled back in {elapsed:.0f} s ({rows / elapsed:.0f} rows/s)")


def test_10000_rows_with_relations_and_parts_whose_last_is_bad_write_nothing(world, archivist, watched):
    rows = 10_000
    lines = ["title,kind,date,places,organizers,slogans,size_as_written,size_low"]
    for n in range(1, rows):
        lines.append(f"Rally {n},rally,mid-October 2020,Tabriz | Urmu,GAMAC,Yaşasın [az-Latn],hundreds,{n}")
    lines.append(f"Rally {rows},rally,32 Octobre 2020,Tabriz,GAMAC,,dozens,24")
    before = row_counts()
    report = import_records(models.Protest, "\n".join(lines).encode(), file_name="rallies.csv", user=archivist)
    check_nothing_written(report, before, rows, "date")
    assert watched["protests"] >= before["Protest"] + rows - 1
    assert watched["claims"] >= rows - 1

"""Import speed: `manage.py import_records protests FILE --user …` on generated files of 10k and 100k rows.

    python -m bench.imports --database archive_bench_s --rows 10000 100000 --out var/bench/s/imports.json

Imports run in a scratch copy of the benchmark database (CREATE DATABASE …
TEMPLATE, dropped afterwards), so the benchmark data never grows from one run
to the next. The file is in the import format (the columns an export of
protests writes): new records (no public_id) naming existing places and
organizations by name, dates written as archivists write them (either
calendar, month- or day-precise), a size claim on most rows. Every row is
validated and written with its history, as in the admin.
"""

# ruff: noqa: S603, S608 - fixed commands; SQL from constants, values bound as parameters

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.common import PYTHON, ROOT, database_url, manage, work_dir, write_json
from bench.prepare import server_connection

USER = "bench-importer"
COLUMNS = [
    "public_id", "title", "kind", "event_status", "date", "date_note", "places", "organizers", "slogans",
    "description", "size_as_written", "size_low", "size_high", "size_claimed_by",
]  # fmt: skip
KINDS = ["rally", "march", "strike", "celebration", "gathering", "online", "other"]  # ProtestKind
DATES = ["18 October 2020", "2020-10", "mid-October 2020", "14 Aban 1399", "2020-09-29", "about 3 November 2020"]
SIZES = [("hundreds", 200, 900), ("dozens", 24, 99), ("about a hundred", 80, 120), ("thousands", 2000, 9000)]
CLAIMANTS = ["activists", "state media", "a rights group", ""]
PUBLIC = "status = 'published' AND NOT restricted"
UNIQUE_PLACE_NAMES = """
    SELECT p.name FROM archive_place p
    WHERE p.status = 'published' AND NOT p.restricted
      AND NOT EXISTS (SELECT 1 FROM archive_place q WHERE lower(q.name) = lower(p.name) AND q.id <> p.id)
      AND NOT EXISTS (SELECT 1 FROM archive_placename n WHERE lower(n.name) = lower(p.name) AND n.owner_id <> p.id)
    ORDER BY p.name LIMIT 200
"""


def scratch_copy(source: str, wait: float = 300) -> str:
    """A throwaway copy of the benchmark database. Copying needs the source to itself: while anyone else is
    connected, try again every 10 s for up to `wait` seconds."""
    name = f"{source}_import"
    deadline = time.monotonic() + wait
    with server_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        while True:
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
                return name
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                print(f"bench: {source} is in use by someone else; waiting to copy it", file=sys.stderr)
                time.sleep(10)


def drop(name: str) -> None:
    assert name.startswith("archive_bench_"), name
    with server_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def names(database: str) -> tuple[list[str], list[str]]:
    """Places and organizations to name in the file: by public id, and places also by a name that
    belongs to one place only (an import refuses an ambiguous name, as it should)."""
    with psycopg.connect(database_url(database)) as conn:
        places = [r[0] for r in conn.execute(f"SELECT public_id FROM archive_place WHERE {PUBLIC} LIMIT 500")]
        places += [r[0] for r in conn.execute(UNIQUE_PLACE_NAMES)]
        orgs = [r[0] for r in conn.execute(f"SELECT public_id FROM archive_organization WHERE {PUBLIC} LIMIT 500")]
    return places, orgs


def write_file(path: Path, rows: int, places: list[str], orgs: list[str], seed: int) -> None:
    rand = random.Random(seed)  # noqa: S311 - test data, not secrets
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            words, low, high = rand.choice(SIZES)
            sized = rand.random() < 0.7
            writer.writerow([
                "", f"Benchmark protest {n + 1}", rand.choice(KINDS), "held", rand.choice(DATES), "",
                " | ".join(rand.sample(places, min(len(places), rand.randint(1, 2)))),
                rand.choice(orgs) if orgs and rand.random() < 0.4 else "", "",
                f"Row {n + 1} of a generated benchmark import; people gathered and chanted.",
                words if sized else "", low if sized else "", high if sized else "",
                rand.choice(CLAIMANTS) if sized else "",
            ])  # fmt: skip


def create_user(database: str) -> None:
    code = (
        "from django.contrib.auth.models import Group, User\n"
        f"user, _ = User.objects.get_or_create(username={USER!r})\n"
        "user.groups.add(Group.objects.get(name='Archivist'))\n"
    )
    manage("shell", "-c", code, database=database, capture_output=True)


def wait_bounded(process: subprocess.Popen, limit: float):
    """wait4 the process, stopping it after `limit` seconds; (exit status, rusage, finished in time)."""
    deadline = time.monotonic() + limit
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status), usage, True
        if time.monotonic() > deadline:
            process.terminate()
            _, status, usage = os.wait4(process.pid, 0)
            return os.waitstatus_to_exitcode(status), usage, False
        time.sleep(0.2)


def time_import(database: str, path: Path, rows: int, limit: float) -> dict:
    """Run the import as its own process; wall time, and its peak memory from wait4's rusage.
    An import still running after `limit` seconds is stopped (it rolls back) and reported as such."""
    env = {**os.environ, "DATABASE_URL": database_url(database), "DEBUG": "0"}
    env.pop("ARCHIVE_BENCH", None)
    command = [PYTHON, "manage.py", "import_records", "protests", str(path), "--user", USER]
    log = path.with_suffix(".log")
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        status, usage, finished = wait_bounded(process, limit)
        seconds = time.perf_counter() - started
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    ok = finished and status == 0
    return {
        "rows": rows,
        "exit_status": status,
        "finished": finished,
        "time_limit_s": limit,
        "seconds": round(seconds, 1),
        # Stopped at the limit: the rate was at most rows / limit.
        "rows_per_s": round(rows / seconds, 1) if ok else None,
        "rows_per_s_at_most": None if finished else round(rows / seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output": lines[-1:] if ok else lines[-5:],
    }


def history_rows(database: str) -> int:
    with psycopg.connect(database_url(database)) as conn:
        return conn.execute("SELECT count(*) FROM archive_historicalprotest").fetchone()[0]


def run(database: str, row_counts: list[int], seed: int = 1, limit: float = 1800) -> list[dict]:
    try:
        scratch = scratch_copy(database, float(os.environ.get("BENCH_COPY_WAIT", 300)))
    except psycopg.errors.ObjectInUse:
        reason = f"{database} could not be copied for the import: other sessions kept using it"
        return [{"rows": rows, "skipped": reason} for rows in row_counts]
    try:
        create_user(scratch)
        places, orgs = names(scratch)
        results = []
        for rows in sorted(row_counts):
            if results and not results[-1]["finished"]:
                results.append({"rows": rows, "skipped": f"the {results[-1]['rows']:,}-row import did not finish"})
                continue
            path = work_dir("import") / f"protests-{rows}.csv"
            write_file(path, rows, places, orgs, seed)
            before = history_rows(scratch)
            results.append(time_import(scratch, path, rows, limit))
            results[-1]["history_rows_added"] = history_rows(scratch) - before
            print(f"bench: import {rows} rows: {results[-1]['rows_per_s']} rows/s", file=sys.stderr)
        return results
    finally:
        drop(scratch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=1800, help="stop an import after this many seconds")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_json(args.out, {"imports": run(args.database, args.rows, args.seed, args.time_limit)})


if __name__ == "__main__":
    main()

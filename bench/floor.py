"""The floor of a request: the time of the bare SQL it runs, replayed directly with psycopg.

The app's middleware (archive/benchmark.py) writes the statements of one
request, parameters bound in, when asked by a header. Here they run again on
one connection to the same database, in order, fetching every row as the app
does; the floor is the median time of the whole sequence over several runs.
What it leaves out is exactly the app's own work: Python, ORM, serializers,
templates, HTTP.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg

from bench.common import median

READ_ONLY = ("SELECT", "WITH", "(SELECT")


def load_statements(path: Path) -> list[str]:
    return json.loads(path.read_text())["statements"]


def replay_once(conn: psycopg.Connection, statements: list[str]) -> float:
    started = time.perf_counter()
    for sql in statements:
        cursor = conn.execute(sql, prepare=False)  # no parameters: sent as it stands, % and all
        if cursor.description is not None:
            cursor.fetchall()
    return time.perf_counter() - started


def floor_ms(database_url: str, statements: list[str], runs: int = 15, warmup: int = 2, budget_s: float = 30) -> dict:
    """Median time of the statements, run `runs` times after `warmup` runs (fewer, but at least 3, if they
    take longer than `budget_s` in all); only reads are replayed."""
    reads = [sql for sql in statements if sql.lstrip().upper().startswith(READ_ONLY)]
    skipped = len(statements) - len(reads)
    if not reads:
        return {"floor_ms": None, "statements": len(statements), "skipped": skipped}
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")  # as Django sets it
        for _ in range(warmup):
            replay_once(conn, reads)
        times: list[float] = []
        while len(times) < runs and (len(times) < 3 or sum(times) < budget_s):
            times.append(replay_once(conn, reads))
    return {
        "floor_ms": round(median(times) * 1000, 3),
        "statements": len(statements),
        "skipped": skipped,
        "runs": len(times),
    }

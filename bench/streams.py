"""Long reads: a whole record type as streamed CSV, and an incremental-sync pull through the cursor pages."""

# ruff: noqa: S608 - table names are constants of this module; values are bound parameters

from __future__ import annotations

import csv
import io
import json
import sys
import time
from urllib.parse import urlencode, urlsplit

import psycopg

from bench.client import Client
from bench.common import database_url
from bench.server import Master, memory_kb
from bench.targets import PUBLIC

TABLES = {
    "protests": "archive_protest",
    "arrests": "archive_arrest",
    "statements": "archive_statement",
    "organizations": "archive_organization",
    "media-outlets": "archive_mediaoutlet",
    "people": "archive_person",
    "places": "archive_place",
    "sources": "archive_source",
}


def public_count(database: str, kind: str, extra: str = "", params=()) -> int:
    where = PUBLIC + (" AND NOT at_risk" if kind == "people" else "") + extra
    with psycopg.connect(database_url(database)) as conn:
        return conn.execute(f"SELECT count(*) FROM {TABLES[kind]} WHERE {where}", params).fetchone()[0]


def measure_export(master: Master, port: int, database: str, kind: str, time_limit: float) -> dict:
    """GET /api/v1/<kind>/?format=csv from a fresh worker; rows/s, and that worker's peak resident memory."""
    fresh = master.fresh_workers()
    baseline = {pid: memory_kb(pid)["VmRSS"] for pid in fresh}
    expected = public_count(database, kind)
    client = Client("127.0.0.1", port, timeout=max(120.0, time_limit))
    started = time.perf_counter()
    response = client.request(f"/api/v1/{kind}/?format=csv")
    first_byte = time.perf_counter() - started
    pid = int(response.getheader("X-Bench-Worker-Pid", "0"))
    rows, complete = 0, True
    if response.status == 200:
        reader = csv.reader(io.TextIOWrapper(response, encoding="utf-8-sig", newline=""))
        next(reader, None)  # the header row
        for _ in reader:
            rows += 1
            if time.perf_counter() - started > time_limit:
                complete = False
                break
    seconds = time.perf_counter() - started
    memory = memory_kb(pid) if pid else {}
    client.close()
    result = {
        "type": kind,
        "status": response.status,
        "rows": rows,
        "expected_rows": expected,
        "complete": complete,
        "seconds": round(seconds, 2),
        "first_byte_ms": round(first_byte * 1000, 1),
        "rows_per_s": round(rows / seconds, 1) if seconds else None,
        "rows_per_s_after_first_byte": round(rows / (seconds - first_byte), 1) if seconds > first_byte else None,
        "worker_pid": pid,
        "worker_fresh": pid in fresh,
        "worker_rss_before_mb": round(baseline.get(pid, 0) / 1024, 1),
        "worker_peak_rss_mb": round(memory.get("VmHWM", 0) / 1024, 1),
    }
    print(f"bench: export {kind}: {rows} rows, {result['rows_per_s']} rows/s", file=sys.stderr)
    return result


def sync_since(database: str, kind: str, records: int) -> str:
    """A time such that about `records` public records changed after it (all of them if fewer)."""
    with psycopg.connect(database_url(database)) as conn:
        row = conn.execute(
            f"SELECT updated - interval '1 microsecond' FROM {TABLES[kind]} WHERE {PUBLIC} "
            "ORDER BY updated DESC, id DESC OFFSET %s LIMIT 1",
            [records - 1],
        ).fetchone()
        if row is None:
            row = conn.execute(f"SELECT min(updated) - interval '1 second' FROM {TABLES[kind]}").fetchone()
    return row[0].isoformat()


def measure_sync(port: int, database: str, kind: str, records: int, time_limit: float) -> dict:
    """Page through ?updated_since=T&ordering=updated&page_size=500 to the end, as examples/mirror.py does."""
    since = sync_since(database, kind, records)
    expected = public_count(database, kind, " AND updated > %s", [since])
    path = f"/api/v1/{kind}/?{urlencode({'updated_since': since, 'ordering': 'updated', 'page_size': 500})}"
    client = Client("127.0.0.1", port)
    ids, received, pages, statuses, complete = set(), 0, 0, {}, True
    started = time.perf_counter()
    while path:
        reply = client.get(path)
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        if reply.status != 200:
            complete = False
            break
        data = json.loads(reply.body)
        pages += 1
        received += len(data["results"])
        ids.update(row["id"] for row in data["results"])
        path = _path(data["next"])
        if path and time.perf_counter() - started > time_limit:
            complete = False
            break
    seconds = time.perf_counter() - started
    client.close()
    return {
        "type": kind,
        "since": since,
        "expected_records": expected,
        "records": received,
        "distinct_records": len(ids),
        "pages": pages,
        "complete": complete,
        "statuses": {str(k): v for k, v in statuses.items()},
        "seconds": round(seconds, 2),
        "records_per_s": round(received / seconds, 1) if seconds else None,
    }


def _path(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")

"""Drive the app over HTTP: latency, throughput, query counts and the SQL floor of each public operation.

    python -m bench.driver --database archive_bench_s --port 18601 --pidfile var/bench/s/gunicorn.pid \\
        --out var/bench/s/http.json [--smoke]

Runs against an app already serving with ARCHIVE_BENCH=1 (bench/run.py starts
one). For each operation: warm-up requests (whose answers are checked), then N
requests one after another on one keep-alive connection (latency), then C
clients at once for a few seconds (throughput), then the floor: the SQL of a
few requests replayed bare with psycopg (bench/floor.py). Then streamed CSV
exports of whole record types (rows/s and the serving worker's peak memory)
and an incremental-sync pull (bench/streams.py).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench import streams
from bench.client import Client, concurrent, sequential
from bench.common import database_url, median, write_json
from bench.floor import floor_ms, load_statements
from bench.server import Master
from bench.targets import discover

LANGUAGE_LABELS = {"az-Latn": "Azerbaijani", "fa": "Persian", "ru": "Russian", "en": "English"}


@dataclass
class Settings:
    requests: int = 200
    sequential_seconds: float = 60.0  # stop the sequential series early if it takes longer (at least 30 requests)
    warmup: int = 10
    clients: int = 8
    concurrent_seconds: float = 10.0
    floor_samples: int = 3
    floor_runs: int = 15
    export_types: list = field(default_factory=lambda: ["protests", "arrests", "statements"])
    export_seconds: float = 120.0
    sync_records: int = 50_000
    sync_seconds: float = 120.0

    @classmethod
    def smoke(cls) -> Settings:
        return cls(
            requests=20,
            sequential_seconds=30.0,
            warmup=3,
            clients=4,
            concurrent_seconds=2.0,
            floor_samples=1,
            floor_runs=5,
            export_types=["protests"],
            export_seconds=60.0,
            sync_records=2_000,
            sync_seconds=30.0,
        )


@dataclass
class Operation:
    key: str
    label: str
    group: str
    paths: list[str]
    expect_first_ids: list[str] | None = None  # deep pages: the record each page must start with


def operations(targets: dict) -> list[Operation]:
    query = urlencode(targets["list_query"])
    html_query = urlencode({k: v for k, v in targets["list_query"].items() if k != "page_size"})
    ids = targets["protest_ids"]
    deep = targets["deep"]
    ops = [
        Operation("api_list", "API list, filtered (50 rows)", "api_list", [f"/api/v1/protests/?{query}"]),
        Operation(
            "api_page_deep",
            f"API page {deep['page']:,} deep ({deep['type']}, cursor)",
            "api_page",
            [p["path"] for p in deep["pages"]],
            [p["first_id"] for p in deep["pages"]],
        ),
        Operation("api_detail", "API detail (protest)", "api_detail", [f"/api/v1/protests/{i}/" for i in ids]),
    ]
    for language, term in targets["search"].items():
        name = LANGUAGE_LABELS.get(language, language)
        q = quote(term)
        ops.append(
            Operation(f"search_api_{language}", f"API search, {name} “{term}”", "search", [f"/api/v1/search/?q={q}"])
        )
        ops.append(
            Operation(f"search_html_{language}", f"Site search, {name} “{term}”", "search", [f"/en/search/?q={q}"])
        )
    ops.append(
        Operation("html_list", "Site list, filtered, with facet counts", "html_list", [f"/en/protests/?{html_query}"])
    )
    ops.append(
        Operation("record_page", "Site record page (protest)", "record_page", [f"/en/protests/{i}/" for i in ids])
    )
    return [op for op in ops if op.paths]


def check_reply(op: Operation, index: int, reply) -> list[str]:
    """What is wrong with a warm-up answer (an empty list when it is right)."""
    if reply.status != 200:
        return [f"{op.key}: {op.paths[index % len(op.paths)]} answered {reply.status}: {reply.body[:200]!r}"]
    problems = []
    if op.key.startswith("search_api") and json.loads(reply.body)["count"] == 0:
        problems.append(f"{op.key}: the search found nothing")
    if op.expect_first_ids:
        results = json.loads(reply.body)["results"]
        wanted = op.expect_first_ids[index % len(op.expect_first_ids)]
        if not results or results[0]["id"] != wanted:
            problems.append(f"{op.key}: crafted cursor did not start at {wanted}")
    return problems


def rows_of(reply) -> int | None:
    if reply.headers.get("content-type", "").startswith("application/json"):
        data = json.loads(reply.body)
        return len(data["results"]) if "results" in data else None
    return None


def measure_floor(client: Client, op: Operation, settings: Settings, sql_dir: Path, database: str) -> dict:
    """The floor of up to `floor_samples` of the operation's paths, each from a request that succeeded
    (a refused request, e.g. stopped by the statement timeout, ran only part of its SQL)."""
    floors, statements = [], []
    for path in op.paths[: settings.floor_samples]:
        for _attempt in range(3):
            token = f"{op.key}-{secrets.token_hex(6)}"
            reply = client.get(path, headers={"X-Bench-Capture": token})
            captured = sql_dir / f"{token}.json"
            sql = load_statements(captured)
            captured.unlink()
            if reply.status == 200:
                break
        else:
            continue
        result = floor_ms(database_url(database), sql, runs=settings.floor_runs)
        if result["floor_ms"] is not None:
            floors.append(result["floor_ms"])
        statements.append(result["statements"])
    return {"floor_ms": median(floors), "floor_samples": floors, "floor_statements": median(statements)}


def measure(op: Operation, settings: Settings, port: int, sql_dir: Path, database: str) -> dict:
    client = Client("127.0.0.1", port)
    problems, rows = [], None
    for i in range(settings.warmup):
        reply = client.get(op.paths[i % len(op.paths)])
        problems += check_reply(op, i, reply)
        rows = rows_of(reply) if rows is None else rows
    seq = sequential(client, op.paths, settings.requests, settings.sequential_seconds)
    floor = measure_floor(client, op, settings, sql_dir, database)
    client.close()
    conc = concurrent("127.0.0.1", port, op.paths, settings.clients, settings.concurrent_seconds)
    summary = seq.summary()
    ratio = summary["p50_ms"] / floor["floor_ms"] if summary["p50_ms"] and floor["floor_ms"] else None
    return {
        "key": op.key,
        "label": op.label,
        "group": op.group,
        "paths": op.paths[:3],
        "distinct_paths": len(op.paths),
        "rows": rows,
        **summary,
        "reconnects": client.reconnects,
        "concurrent": conc,
        **floor,
        "ratio": round(ratio, 2) if ratio else None,
        "problems": sorted(set(problems)),
    }


def warm_all_workers(port: int, ops: list[Operation], settings: Settings) -> dict:
    """Before measuring: requests from many clients at once, so every worker and thread has loaded its
    code and opened its database connection (a fresh worker's first request is slower; see the report)."""
    paths = [path for op in ops for path in op.paths[:2]]
    return concurrent("127.0.0.1", port, paths, max(2 * settings.clients, 10), max(3.0, settings.concurrent_seconds))


def run(database: str, port: int, pidfile: Path, sql_dir: Path, settings: Settings, seed: int = 1) -> dict:
    targets = discover(database, seed)
    ops = operations(targets)
    warm = warm_all_workers(port, ops, settings)
    results = []
    for op in ops:
        started = time.monotonic()
        results.append(measure(op, settings, port, sql_dir, database))
        print(f"bench: {op.key}: p50 {results[-1]['p50_ms']} ms ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    master = Master.from_pidfile(pidfile)
    exports = [
        streams.measure_export(master, port, database, kind, settings.export_seconds) for kind in settings.export_types
    ]
    sync = streams.measure_sync(port, database, targets["sync_type"], settings.sync_records, settings.sync_seconds)
    return {
        "targets": targets,
        "settings": settings.__dict__,
        "warm_up": {k: warm[k] for k in ("clients", "seconds", "requests", "statuses", "errors")},
        "operations": results,
        "exports": exports,
        "sync": sync,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pidfile", type=Path, required=True, help="gunicorn master's pid file")
    parser.add_argument("--sql-dir", type=Path, required=True, help="the server's ARCHIVE_BENCH_SQL_DIR")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="few requests, one export, small sync")
    args = parser.parse_args()
    settings = Settings.smoke() if args.smoke else Settings()
    if os.environ.get("BENCH_CLIENTS"):
        settings.clients = int(os.environ["BENCH_CLIENTS"])
    write_json(args.out, run(args.database, args.port, args.pidfile, args.sql_dir, settings, args.seed))


if __name__ == "__main__":
    main()

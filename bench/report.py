"""Put the parts together: checks against the targets, machine and dataset facts, benchmarks.md and .json.

    python -m bench.report --scale S --out docs

Reads the results bench/run.py and bench/load.py left in var/bench/<scale>/
(http.json, datasette.json, imports.json, loadtest.json, run.json) and writes
<out>/benchmarks.json and <out>/benchmarks.md.
"""

# ruff: noqa: S603, S607, S608 - git and table names are constants of this module

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

import psycopg

from bench.common import ROOT, TARGETS, database_url, read_json, work_dir, write_json
from bench.markdown import render
from bench.streams import TABLES

# Upper limits checked on each operation's results.
CHECKS = ("p50_ms", "p95_ms", "ratio")


def machine(database: str) -> dict:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    with psycopg.connect(database_url(database)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        settings = dict(conn.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings "
            "WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_connections', 'jit')"
        ).fetchall())  # fmt: skip
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024 / 1024, 1),
        "postgresql": pg,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "os": platform.platform(),
    }


def dataset(database: str) -> dict:
    counts = {}
    with psycopg.connect(database_url(database)) as conn:
        for kind, table in TABLES.items():
            total, public = conn.execute(
                f"SELECT count(*), count(*) FILTER (WHERE status = 'published' AND NOT restricted) FROM {table}"
            ).fetchone()
            counts[kind] = {"rows": total, "public": public}
        for table in ("archive_citation", "archive_searchentry", "archive_historicalprotest", "archive_protest_places"):
            counts[table.removeprefix("archive_")] = {
                "rows": conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            }
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        # Plans and index-only scans depend on statistics and the visibility map: say whether they were there.
        maintenance = conn.execute(
            "SELECT greatest(last_vacuum, last_autovacuum), greatest(last_analyze, last_autoanalyze) "
            "FROM pg_stat_user_tables WHERE relname = 'archive_protest'"
        ).fetchone()
    return {
        "database": database,
        "size_mb": round(size / 1024 / 1024),
        "counts": counts,
        "protest_table_vacuumed": maintenance[0] if maintenance else None,
        "protest_table_analyzed": maintenance[1] if maintenance else None,
    }


def git_commit() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if dirty else "")


def check_operation(op: dict) -> dict:
    limits = TARGETS[op["group"]]
    checks = []
    for name in CHECKS:
        if name in limits:
            value = op.get(name)
            checks.append(
                {"what": name, "value": value, "limit": limits[name], "ok": value is not None and value <= limits[name]}
            )
    statuses = {**op["statuses"]}
    for status, n in op["concurrent"]["statuses"].items():
        statuses[status] = statuses.get(status, 0) + n
    failed = (
        sum(n for status, n in statuses.items() if int(status) >= 400)
        + len(op["errors"])
        + len(op["concurrent"]["errors"])
    )
    checks.append({"what": "errors", "value": failed, "limit": 0, "ok": failed == 0})
    return {**op, "checks": checks, "pass": all(c["ok"] for c in checks)}


def check_export(export: dict) -> dict:
    limits = TARGETS["export"]
    checks = [
        {"what": "rows_per_s", "value": export["rows_per_s"], "limit": limits["rows_per_s"],
         "ok": (export["rows_per_s"] or 0) >= limits["rows_per_s"]},
        {"what": "peak_rss_mb", "value": export["worker_peak_rss_mb"], "limit": limits["peak_rss_mb"],
         "ok": 0 < export["worker_peak_rss_mb"] <= limits["peak_rss_mb"]},
        {"what": "complete", "value": export["rows"], "limit": export["expected_rows"],
         "ok": export["status"] == 200 and export["rows"] == export["expected_rows"]},
    ]  # fmt: skip
    return {**export, "checks": checks, "pass": all(c["ok"] for c in checks)}


def check_import(result: dict) -> dict:
    if "skipped" in result:
        return {**result, "pass": False}
    limit = TARGETS["import"]["rows_per_s"]
    ok = result["finished"] and result["exit_status"] == 0 and (result["rows_per_s"] or 0) >= limit
    return {**result, "pass": ok}


def refused(op: dict) -> list[str]:
    """Error answers of an operation, sequential and concurrent, with the first body of each status."""
    found = []
    for phase, name in ((op, "sequential"), (op["concurrent"], "concurrent")):
        for status, n in phase["statuses"].items():
            if int(status) >= 400:
                body = " ".join(phase.get("refusals", {}).get(status, "").split())[:160]
                found.append(f"{op['key']} ({name}): {n} of {phase['requests']} answered {status} {body}".rstrip())
    return found


def anomalies(report: dict) -> list[str]:
    found = []
    for op in report["operations"]:
        found += op["problems"]
        found += refused(op)
        varies = op["queries_max"] is not None and op["queries"] is not None and op["queries_max"] != op["queries"]
        if varies and op["distinct_paths"] == 1:
            found.append(f"{op['key']}: queries per request vary ({op['queries']} median, {op['queries_max']} max)")
    for export in report["exports"]:
        if not export["complete"]:
            found.append(f"export {export['type']}: stopped at the time limit after {export['rows']:,} rows")
        elif export["rows"] != export["expected_rows"]:
            found.append(
                f"export {export['type']}: {export['rows']:,} rows, the database has {export['expected_rows']:,} public"
            )
        if not export["worker_fresh"]:
            found.append(f"export {export['type']}: served by a worker that was not fresh")
    found += (report.get("datasette") or {}).get("problems", [])
    sync = report.get("sync")
    if sync:
        if sync["distinct_records"] != sync["records"]:
            found.append(f"sync: {sync['records'] - sync['distinct_records']:,} records came twice while paging")
        if sync["complete"] and sync["distinct_records"] != sync["expected_records"]:
            found.append(
                f"sync: got {sync['distinct_records']:,} records, {sync['expected_records']:,} changed after T"
            )
    for result in report["imports"]:
        if (
            "skipped" not in result
            and result.get("history_rows_added") not in (None, result["rows"])
            and result["finished"]
        ):
            found.append(
                f"import {result['rows']:,}: {result['history_rows_added']:,} history rows for as many records"
            )
    prepared = report["run"].get("dataset", {})
    made_by = re.search(r"generator=(\w+)", prepared.get("marker", ""))
    if made_by and prepared.get("generator_now") and made_by.group(1) != prepared["generator_now"]:
        found.append(
            f"the dataset was made by an older generate_archive ({made_by.group(1)}, now {prepared['generator_now']}); "
            "`make bench REGENERATE=1` makes it again"
        )
    wanted = report["driver_settings"].get("requests")
    capped = [f"{op['key']} ({op['requests']})" for op in report["operations"] if wanted and op["requests"] < wanted]
    if capped:
        cap = report["driver_settings"].get("sequential_seconds")
        found.append(f"sequential series cut short by the {cap} s cap (requests made): " + ", ".join(capped))
    load = report["run"].get("load_before")
    if load and load[0] > report["machine"]["cores"]:
        found.append(
            f"the machine was busy: load average {load[0]:.1f} on {report['machine']['cores']} cores when the run began"
        )
    return found


def side_by_side(compared: dict | None) -> dict | None:
    """The Datasette comparison (bench/datasette.py), with every operation's problems gathered for the anomalies."""
    if not compared:
        return None
    problems = [problem for op in compared["operations"] for problem in op["problems"]]
    return {**compared, "problems": [f"datasette side by side: {problem}" for problem in problems]}


def build(scale: str) -> dict:
    work = work_dir(scale)
    run = read_json(work / "run.json") or {}
    http = read_json(work / "http.json") or {"operations": [], "exports": [], "sync": None, "settings": {}}
    imports = (read_json(work / "imports.json") or {"imports": []})["imports"]
    report = {
        "scale": scale,
        "seed": run.get("seed"),
        "smoke": run.get("smoke"),
        "date": run.get("finished"),
        "commit": run.get("commit") or git_commit(),
        "run": run,
        "machine": machine(run["database"]),
        "dataset": {**dataset(run["database"]), "marker": run.get("dataset", {}).get("marker")},
        "targets": TARGETS,
        "driver_settings": http["settings"],
        "discovered": http.get("targets"),
        "operations": [check_operation(op) for op in http["operations"]],
        "exports": [check_export(e) for e in http["exports"]],
        "sync": http["sync"],
        "imports": [check_import(i) for i in imports],
        "datasette": side_by_side(read_json(work / "datasette.json")),
        "loadtest": read_json(work / "loadtest.json"),
        "faults": read_json(work.parent / "faults.json"),
    }
    report["anomalies"] = anomalies(report)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    report = build(args.scale)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "benchmarks.json", report)
    (args.out / "benchmarks.md").write_text(render(report))
    print(f"bench: wrote {args.out / 'benchmarks.md'} and {args.out / 'benchmarks.json'}")


if __name__ == "__main__":
    main()

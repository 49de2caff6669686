"""`make bench`: prepare the database, serve the app under gunicorn, drive it, time imports, write the report.

    python -m bench.run --scale S --seed 1 --out docs [--smoke] [--regenerate] [--no-datasette]

Intermediate results go to var/bench/<scale>/; the report to <out>/benchmarks.md
and <out>/benchmarks.json. --smoke caps request counts, exports one type, pulls a
small sync and imports 10k rows only (with a short time limit), for CI.
After the app's operations, the same public protests go to SQLite and Datasette
answers the same questions in turn with the app (bench/datasette.py);
--no-datasette skips that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import sys
import time
from pathlib import Path

from bench import datasette, driver, imports, report
from bench.common import database_name, work_dir, write_json
from bench.markdown import render
from bench.prepare import prepare
from bench.server import Server


def cpu_calibration_ms(rounds: int = 7) -> float:
    """Median time of a fixed pure-Python loop: compare runs to see how much CPU the machine had to spare."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        times.append(time.perf_counter() - started)
    return round(sorted(times)[rounds // 2] * 1000, 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_and_drive(
    database: str, work: Path, settings: driver.Settings, seed: int, beside: datasette.Settings | None
) -> dict:
    """The app's operations, then (unless `beside` is None) the same questions to Datasette, in turn with the
    app while it still serves."""
    port = int(os.environ.get("BENCH_PORT") or free_port())
    server = Server(database, port, work)
    shutil.rmtree(server.sql_dir, ignore_errors=True)
    server.sql_dir.mkdir()
    # A report covers this run: side-by-side numbers from an earlier run measured other code or data.
    (work / "datasette.json").unlink(missing_ok=True)
    with server:
        results = driver.run(database, port, server.pidfile, server.sql_dir, settings, seed)
        write_json(work / "http.json", results)
        if beside is not None:
            compared = datasette.run(database, port, free_port(), work, beside, results["targets"])
            write_json(work / "datasette.json", compared)
        served = server.settings
    return served


def import_plan(smoke: bool) -> tuple[list[int], float]:
    if smoke:
        return [10_000], float(os.environ.get("BENCH_IMPORT_SECONDS", 120))
    return [10_000, 100_000], float(os.environ.get("BENCH_IMPORT_SECONDS", 1800))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["XS", "S", "M", "L"], required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--regenerate", action="store_true", help="drop and fill the benchmark database again")
    parser.add_argument("--no-datasette", action="store_true", help="skip the side-by-side run with Datasette")
    args = parser.parse_args()

    started, load_before, calibration_before = time.monotonic(), os.getloadavg(), cpu_calibration_ms()
    commit = report.git_commit()
    work = work_dir(args.scale)
    # A report covers this run; a load test run before it measured other code or data (`make loadtest` adds its own).
    (work / "loadtest.json").unlink(missing_ok=True)
    database = database_name(args.scale)
    prepared = prepare(args.scale, args.seed, args.regenerate)
    print(f"bench: dataset ready: {prepared['marker']}", file=sys.stderr)

    settings = driver.Settings.smoke() if args.smoke else driver.Settings()
    if os.environ.get("BENCH_CLIENTS"):
        settings.clients = int(os.environ["BENCH_CLIENTS"])
    beside = None if args.no_datasette else datasette.Settings.smoke() if args.smoke else datasette.Settings()
    served = serve_and_drive(database, work, settings, args.seed, beside)

    rows, limit = import_plan(args.smoke)
    write_json(work / "imports.json", {"imports": imports.run(database, rows, args.seed, limit)})

    write_json(
        work / "run.json",
        {
            "scale": args.scale,
            "seed": args.seed,
            "smoke": args.smoke,
            "database": database,
            "commit": commit,
            "dataset": prepared,
            "server": served,
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "cpu_calibration_ms": [calibration_before, cpu_calibration_ms()],
            "seconds": round(time.monotonic() - started),
            "finished": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    )
    built = report.build(args.scale)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "benchmarks.json", built)
    (args.out / "benchmarks.md").write_text(render(built))
    print(f"bench: wrote {args.out}/benchmarks.md ({round(time.monotonic() - started)} s)", file=sys.stderr)


if __name__ == "__main__":
    main()

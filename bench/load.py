"""`make loadtest`: a bounded, headless locust run at twice the expected traffic, on loopback.

    python -m bench.load --scale S --seed 1 --duration 180 --rate 40 --out docs

The assumed traffic: a specialist public archive sees at most about 20 requests
a second at its busiest (a news story linking to it, a class using it, a few API
mirrors syncing); the load test offers twice that, 40 requests a second, in the
mix of bench/locustfile.py (record pages and searches most, then lists, API
reads, deep pages). It fails (exit status 1) on any error response, any
connection error, or an operation whose p95 is over its limit. The numbers go to
var/bench/<scale>/loadtest.json and, if `make bench` has run for this scale, into
<out>/benchmarks.md and .json.
"""

# ruff: noqa: S603 - runs the venv's locust with arguments built here

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path

from bench import report
from bench.common import ROOT, database_name, read_json, work_dir, write_json
from bench.markdown import render
from bench.prepare import prepare
from bench.run import free_port
from bench.server import Server
from bench.targets import discover

EXPECTED_RPS = 20
ASSUMPTION = (
    f"Assumed peak traffic {EXPECTED_RPS} req/s (a specialist public archive at its busiest); "
    "the load test offers twice that by default."
)


def run_locust(database: str, port: int, work: Path, rate: float, duration: int) -> tuple[int, dict]:
    targets = work / "targets.json"
    targets.write_text(json.dumps(discover(database), ensure_ascii=False))
    users = max(1, math.ceil(rate))  # one request a second each: slow answers barely lower the offered rate
    out = work / "locust-result.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BENCH_TARGETS": str(targets),
        "BENCH_USER_RATE": str(rate / users),
        "BENCH_LOADTEST_OUT": str(out),
    }
    command = [
        str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(users), "-t", f"{duration}s",
        "--stop-timeout", "10", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    result = read_json(out) or {"requests": 0, "failures": 0, "operations": {}, "achieved_rps": 0}
    return status, {**result, "users": users}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["XS", "S", "M", "L"], required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=int, default=180, help="seconds")
    parser.add_argument("--rate", type=float, default=2 * EXPECTED_RPS, help="requests per second offered")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    work = work_dir(args.scale)
    prepare(args.scale, args.seed)
    port = int(os.environ.get("BENCH_PORT") or free_port())
    database = database_name(args.scale)
    # Without the benchmark middleware: the load test sees the app exactly as production serves it.
    with Server(database, port, work, bench_middleware=False):
        status, result = run_locust(database, port, work, args.rate, args.duration)
    write_json(
        work / "loadtest.json",
        {
            **result,
            "assumption": ASSUMPTION,
            "rate": args.rate,
            "duration_s": args.duration,
            "exit_status": status,
            "scale": args.scale,
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    )
    print(json.dumps(result, indent=2))
    if (work / "run.json").exists():
        built = report.build(args.scale)
        write_json(args.out / "benchmarks.json", built)
        (args.out / "benchmarks.md").write_text(render(built))
    sys.exit(status)


if __name__ == "__main__":
    main()

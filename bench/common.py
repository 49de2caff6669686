"""What the benchmark's parts share: paths, database names, the targets, percentiles."""

# ruff: noqa: S603 - the command is this project's manage.py with fixed arguments

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCALES = ("XS", "S", "M", "L")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")

# Targets from GitHub issue #7 (at scale L on the 2-core benchmark machine), in milliseconds unless named.
# Each operation names its target group; a group's limits are all checked.
TARGETS = {
    "api_list": {"p50_ms": 40, "p95_ms": 120, "ratio": 3},
    "api_page": {"p95_ms": 50, "ratio": 3},
    "api_detail": {"ratio": 3},
    "search": {"p50_ms": 50, "p95_ms": 200, "ratio": 3},
    "html_list": {"p50_ms": 60, "p95_ms": 150, "ratio": 3},
    "record_page": {"p50_ms": 30, "ratio": 3},
    "export": {"rows_per_s": 20_000, "peak_rss_mb": 150},
    "import": {"rows_per_s": 2_000},
    "sync": {},
}
# The load test checks p95 only. Record pages and API details have no p95 target in the issue;
# the load test holds them to 100 ms, an assumption written into the report.
LOAD_P95_MS = {
    "api_list": 120,
    "api_page": 50,
    "api_detail": 100,
    "search": 200,
    "html_list": 150,
    "record_page": 100,
}


def database_name(scale: str) -> str:
    return f"archive_bench_{scale.lower()}"


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def work_dir(scale: str) -> Path:
    """Intermediate results of one scale (var/ is ignored by git)."""
    path = ROOT / "var" / "bench" / scale.lower()
    path.mkdir(parents=True, exist_ok=True)
    return path


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): the smallest value with at least q% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    return percentile(values, 50)


def manage(*args: str, database: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    """Run `manage.py` against a benchmark database, as a one-off command (no DEBUG, no serving)."""
    env = {**os.environ, "DATABASE_URL": database_url(database), "DEBUG": "0"}
    env.pop("ARCHIVE_BENCH", None)
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, **kwargs)


def read_json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    tmp.replace(path)

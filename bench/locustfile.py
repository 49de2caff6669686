"""Load test: public visitors and API clients at a fixed total rate, on loopback (`make loadtest`).

Run by bench/load.py, which prepares the database, starts the app and sets:
BENCH_TARGETS (a JSON file from bench/targets.py: which province, ids, names),
BENCH_USER_RATE (requests per second per user) and BENCH_LOADTEST_OUT (where the
per-operation numbers go). Any error response or connection error, or any
operation whose p95 is over its limit (bench/common.py, LOAD_P95_MS), makes
locust exit with status 1.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from urllib.parse import quote, urlencode

from locust import FastHttpUser, constant_throughput, events, task

from bench.common import LOAD_P95_MS

TARGETS = json.loads(Path(os.environ["BENCH_TARGETS"]).read_text())
LIST_QUERY = urlencode(TARGETS["list_query"])
HTML_QUERY = urlencode({k: v for k, v in TARGETS["list_query"].items() if k != "page_size"})
DEEP_PATHS = [p["path"] for p in TARGETS["deep"]["pages"]]
IDS = TARGETS["protest_ids"]
TERMS = [quote(term) for term in TARGETS["search"].values()]


class Visitor(FastHttpUser):
    """One visitor or API client; the task weights are the assumed mix of traffic."""

    wait_time = constant_throughput(float(os.environ.get("BENCH_USER_RATE", "1")))

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name)

    @task(6)
    def record_page(self):
        self.get(f"/en/protests/{random.choice(IDS)}/", "record_page")  # noqa: S311

    @task(4)
    def html_list(self):
        self.get(f"/en/protests/?{HTML_QUERY}", "html_list")

    @task(4)
    def search_html(self):
        self.get(f"/en/search/?q={random.choice(TERMS)}", "search")  # noqa: S311

    @task(2)
    def search_api(self):
        self.get(f"/api/v1/search/?q={random.choice(TERMS)}", "search")  # noqa: S311

    @task(3)
    def api_list(self):
        self.get(f"/api/v1/protests/?{LIST_QUERY}", "api_list")

    @task(3)
    def api_detail(self):
        self.get(f"/api/v1/protests/{random.choice(IDS)}/", "api_detail")  # noqa: S311

    @task(1)
    def api_page_deep(self):
        if DEEP_PATHS:
            self.get(random.choice(DEEP_PATHS), "api_page")  # noqa: S311


@events.quitting.add_listener
def judge(environment, **kwargs):
    """Write the per-operation numbers and fail the run on any failure or a p95 over its limit."""
    stats = environment.stats
    operations, over = {}, []
    for (name, _method), entry in sorted(stats.entries.items()):
        p95 = entry.get_response_time_percentile(0.95) if entry.num_requests else None
        limit = LOAD_P95_MS.get(name)
        ok = entry.num_failures == 0 and (limit is None or p95 is None or p95 <= limit)
        operations[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else None,
            "p95_ms": p95,
            "p95_limit_ms": limit,
            "pass": ok,
        }
        if not ok:
            over.append(name)
    total = stats.total
    result = {
        "requests": total.num_requests,
        "failures": total.num_failures,
        "errors": [f"{e.method} {e.name}: {e.error} ×{e.occurrences}" for e in stats.errors.values()][:10],
        "achieved_rps": round(total.total_rps, 1),
        "operations": operations,
        "failed_operations": over,
    }
    # CI's short run (LOAD_ENFORCE_LATENCY=0) fails on errors and connection problems only: this 2-core
    # machine does not meet the latency targets (docs/benchmarks.md says by how much); they are reported.
    enforce_latency = os.environ.get("LOAD_ENFORCE_LATENCY", "1") != "0"
    result["latency_enforced"] = enforce_latency
    Path(os.environ["BENCH_LOADTEST_OUT"]).write_text(json.dumps(result, indent=2))
    if total.num_failures or not total.num_requests or (over and enforce_latency):
        environment.process_exit_code = 1

"""benchmarks.md from the report dictionary (bench/report.py)."""

from __future__ import annotations

LIMIT_TEXT = {"p50_ms": "p50 ≤ {} ms", "p95_ms": "p95 ≤ {} ms", "ratio": "≤ {}× floor"}


def _n(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 100):
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def _verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def _target(checks: list[dict]) -> str:
    parts = [LIMIT_TEXT[c["what"]].format(c["limit"]) for c in checks if c["what"] in LIMIT_TEXT]
    return ", ".join(parts) or "—"


def _cell(text) -> str:
    """One table cell: on one line, with no pipe to split it."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]


def requests_section(report: dict) -> list[str]:
    settings = report["driver_settings"]
    clients = settings.get("clients")
    rows = []
    for op in report["operations"]:
        failed = [c for c in op["checks"] if not c["ok"]]
        note = "" if not failed else " (" + ", ".join(c["what"] for c in failed) + ")"
        rows.append([
            op["label"], _n(op["p50_ms"]), _n(op["p95_ms"]), _n(op["p99_ms"]), _n(op["concurrent"]["req_per_s"]),
            _n(op["concurrent"]["p95_ms"]), _n(op["queries"], 0), _n(op.get("db_ms")), _n(op["floor_ms"], 2),
            _n(op["ratio"]),
            _target(op["checks"]), _verdict(op["pass"]) + note,
        ])  # fmt: skip
    header = ["Operation", "p50 ms", "p95 ms", "p99 ms", f"req/s ({clients} clients)", f"p95 ms ({clients} clients)",
              "SQL queries", "SQL ms in app", "floor ms", "p50 / floor", "target", "result"]  # fmt: skip
    return ["## Requests", "", *_table(header, rows), ""]


def exports_section(report: dict) -> list[str]:
    rows = [
        [e["type"], _n(e["rows"]), _n(e["expected_rows"]), _n(e["seconds"]),
         f"{_n(e['rows_per_s'])} ({_n(e.get('rows_per_s_after_first_byte'))})",
         _n(e["first_byte_ms"]), f"{_n(e['worker_rss_before_mb'])} → {_n(e['worker_peak_rss_mb'])}",
         "≥ 20,000 rows/s, peak ≤ 150 MB", _verdict(e["pass"])]
        for e in report["exports"]
    ]  # fmt: skip
    header = ["Type", "rows", "public in DB", "seconds", "rows/s (after first byte)", "first byte ms",
              "worker RSS MB (fresh → peak)", "target", "result"]  # fmt: skip
    return ["## CSV export of a whole type (`?format=csv`, streamed)", "", *_table(header, rows), ""]


def imports_section(report: dict) -> list[str]:
    rows = []
    for i in report["imports"]:
        if "skipped" in i:
            rows.append([_n(i["rows"]), "—", "not run: " + i["skipped"], "—", "—", "≥ 2,000 rows/s", _verdict(False)])
            continue
        rate = (
            _n(i["rows_per_s"])
            if i["finished"]
            else f"< {_n(i['rows_per_s_at_most'])} (stopped at {_n(i['time_limit_s'])} s)"
        )
        rows.append([_n(i["rows"]), _n(i["seconds"]), rate, _n(i["peak_rss_mb"]), _n(i.get("history_rows_added")),
                     "≥ 2,000 rows/s", _verdict(i["pass"])])  # fmt: skip
    header = ["rows", "seconds", "rows/s", "peak RSS MB", "history rows written", "target", "result"]
    text = "`manage.py import_records protests FILE --user bench-importer` in a scratch copy of the database."
    return ["## Import with validation and history", "", text, "", *_table(header, rows), ""]


def sync_section(report: dict) -> list[str]:
    s = report["sync"]
    if not s:
        return []
    header = ["Type", "updated_since", "records", "distinct", "changed after T (DB)", "pages", "seconds", "records/s"]
    row = [s["type"], s["since"], _n(s["records"]), _n(s["distinct_records"]), _n(s["expected_records"]),
           _n(s["pages"]), _n(s["seconds"]), _n(s["records_per_s"])]  # fmt: skip
    note = "" if s["complete"] else "\n\nStopped at the time limit before the last page."
    title = "## Incremental sync (`?updated_since=T&ordering=updated&page_size=500`, following `next`)"
    return [title, "", *_table(header, [row]), note, ""]


def _ratio(value) -> str:
    return "—" if value is None else f"{value:,.2f}×"


def _path(path: str, limit: int = 240) -> str:
    """A request path short enough for a list item (a sealed cursor runs to a hundred characters)."""
    return path if len(path) <= limit else path[: limit - 1] + "…"


def _side_row(op: dict) -> list[str]:
    app, ds = op["app"], op["datasette"]
    if op["key"] == "csv":
        rows = f"{_n(app['rows'])} / {_n(ds['rows'])}"
        answers = f"{_n(app['rows_per_s'])} vs {_n(ds['rows_per_s'])} rows/s ({app['rounds']} rounds each)"
        p95 = ["—", "—"]
    else:
        rows = f"{_n(op['rows']['app'])} / {_n(op['rows']['datasette'])}"
        answers, p95 = op["agreement"], [_n(app["p95_ms"]), _n(ds["p95_ms"])]
    return [op["label"], _n(app["p50_ms"]), _n(ds["p50_ms"]), _ratio(op["ratio"]), *p95, rows, answers,
            op.get("note", "")]  # fmt: skip


def datasette_section(report: dict) -> list[str]:
    """The app beside Datasette on the same public protests (bench/datasette.py)."""
    compared = report.get("datasette")
    if not compared:
        return ["## Side by side with Datasette", "", "Not run for this report (`--no-datasette`).", ""]
    e, settings = compared["export"], compared["settings"]
    header = ["Operation", "app p50 ms", "Datasette p50 ms", "app / Datasette", "app p95 ms", "Datasette p95 ms",
              "rows (app / Datasette)", "answers", "not like for like"]  # fmt: skip
    pairs = [
        f"- {op['label']}: `{_path(op['app_path'])}` · `{_path(op['datasette_path'])}`" for op in compared["operations"]
    ]
    return [
        "## Side by side with Datasette",
        "",
        f"Datasette {compared['datasette']} (SQLite {compared['datasette_sqlite']}) serving a SQLite export of the "
        f"same {_n(e['rows'])} public protests ({_n(e['public_in_db'])} public in PostgreSQL; exported in "
        f"{_n(e['seconds'])} s, {_n(e['size_mb'])} MB): the list's columns flattened (place, province and organizer "
        "names as JSON arrays, size claims' words, each date's first and last possible day), the app's search text "
        "in FTS5, indexes on the dates, kind and status; `" + compared["command"] + "`. Requests interleaved: one to "
        f"the app, then the same question to Datasette, {settings['requests']} of each after {settings['warmup']} "
        "warm-up pairs, each side on its own keep-alive connection; the CSV export alternates "
        f"{settings['csv_rounds']} times (its p50 is of the whole download). Datasette's JSON is asked without its "
        "total count (`_nocount=1`, as the app's lists have none); its HTML page counts as usual. "
        "*app / Datasette* above 1: the app is slower. *answers*: whether the first answers held the same records.",
        "",
        *_table(header, [_side_row(op) for op in compared["operations"]]),
        "",
        "Requests compared (app · Datasette):",
        "",
        *pairs,
        "",
    ]


def loadtest_section(report: dict) -> list[str]:
    load = report.get("loadtest")
    if not load:
        return ["## Load test", "", "Not run for this report (`make loadtest`).", ""]
    rows = [
        [name, _n(op["requests"]), _n(op["failures"]), _n(op["p50_ms"]), _n(op["p95_ms"]), _n(op["p95_limit_ms"]),
         _verdict(op["pass"])]
        for name, op in load["operations"].items()
    ]  # fmt: skip
    header = ["Operation", "requests", "failures", "p50 ms", "p95 ms", "p95 limit ms", "result"]
    lines = [
        "## Load test (locust, headless, loopback)",
        "",
        f"{load['assumption']} Ran {load['duration_s']} s at {load['rate']} req/s offered "
        f"({load['users']} users); achieved {_n(load['achieved_rps'])} req/s, {load['requests']:,} requests, "
        f"{load['failures']} failures, exit status {load['exit_status']} ({load['date']}, scale {load['scale']}).",
        "",
        *_table(header, rows),
        "",
    ]
    return lines


def facts_section(report: dict) -> list[str]:
    m, d, run = report["machine"], report["dataset"], report["run"]
    counts = [[k, _n(v["rows"]), _n(v.get("public"))] for k, v in d["counts"].items()]
    server = ", ".join(f"{k}={v}" for k, v in run.get("server", {}).items())
    return [
        "## Machine",
        "",
        f"- {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM; {m['os']}",
        f"- PostgreSQL {m['postgresql']} ({', '.join(f'{k}={v}' for k, v in m['postgresql_settings'].items())})",
        f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}",
        f"- Load average when the run began / ended: {run.get('load_before')} / {run.get('load_after')}; "
        f"a fixed Python loop took {run.get('cpu_calibration_ms')} ms at start / end (more: less CPU to spare)",
        f"- Server: `gunicorn -c config/gunicorn.conf.py`, {server}",
        "",
        "## Dataset",
        "",
        f"Database `{d['database']}`, {d['size_mb']:,} MB; {d.get('marker')}. Table archive_protest last vacuumed "
        f"{d.get('protest_table_vacuumed') or 'never'}, last analyzed {d.get('protest_table_analyzed') or 'never'}.",
        "",
        *_table(["Table", "rows", "public"], counts),
        "",
    ]


METHOD = """## How these numbers are made

- The app runs under gunicorn with production settings (DEBUG off, a random SECRET_KEY, HTTPS redirect off on
  loopback, API throttles raised, response cache off so that every request does its work) plus the benchmark
  middleware (`archive/benchmark.py`, on only with `ARCHIVE_BENCH=1`).
- `bench/driver.py` is a separate process: after warm-up requests (whose answers are checked), each operation is
  requested N times one after another on one keep-alive connection (latency to the last byte; nearest-rank
  percentiles), then by C clients at once for a few seconds (throughput: successful requests per second).
- *SQL queries*: the median `X-Bench-Queries` header (statements run by the request); *SQL ms in app*: the median
  time the request spent executing them (`X-Bench-Db-Ms`, measured around each statement inside the app).
- *Floor*: the statements of a request, captured with their parameters, replayed bare with psycopg on the same
  database (every row fetched), median of several runs; *p50 / floor* shows how much the app adds to its SQL.
- The load test and the benchmark share this 2-core machine with the database and with each other's client, so
  the client's own CPU use is inside the numbers.
"""


def render(report: dict) -> str:
    passed = sum(op["pass"] for op in report["operations"] + report["exports"] + report["imports"])
    total = len(report["operations"]) + len(report["exports"]) + len(report["imports"])
    smoke = " — **smoke run** (few requests; not for comparison with the targets)" if report["smoke"] else ""
    lines = [
        "# Benchmarks",
        "",
        f"Scale **{report['scale']}**, seed {report['seed']}{smoke}. {report['date']}, commit {report['commit']}. "
        f"Made by `make bench SCALE={report['scale']} SEED={report['seed']}` in {_n(report['run'].get('seconds'))} s "
        f"(GitHub issue #7). Targets are for scale L on this 2-core machine.",
        "",
        f"**{passed} of {total}** operations meet their targets.",
        "",
        *requests_section(report),
        *exports_section(report),
        *imports_section(report),
        *sync_section(report),
        *datasette_section(report),
        *loadtest_section(report),
        *faults_section(report.get("faults")),
        "## Anomalies",
        "",
        *([f"- {_cell(a)}" for a in report["anomalies"]] or ["None noticed."]),
        "",
        *facts_section(report),
        METHOD,
    ]
    return "\n".join(lines)


def faults_section(faults: dict | None) -> list[str]:
    """The fault test's phase table (`make faults`, bench/faults.py)."""
    if not faults:
        return ["## Faults", "", "Not run for this report (`make faults`).", ""]
    rows = [
        [name, _n(p["requests"]), ", ".join(f"{s}: {n}" for s, n in sorted(p["statuses"].items())),
         _n(p["longest_s"], 2), ", ".join(f"{why} ×{n}" for why, n in p["failures"].items()) or "none"]
        for name, p in faults["phases"].items()
    ]  # fmt: skip
    recovery = ", ".join(f"{fault}: {seconds} s" for fault, seconds in faults["recovery_s"].items())
    verdict = "**passed**" if faults["pass"] else "**failed**: " + "; ".join(faults["failures"])
    return [
        "## Faults (`make faults`: Redis paused, killed; PostgreSQL restarted; a record withdrawn meanwhile)",
        "",
        f"{faults['rate']} req/s offered in the load test's mix plus a watcher of one protest; phases of "
        f"{_n(faults['phase_seconds'])} s, PostgreSQL down {_n(faults['postgres_down_seconds'])} s; "
        f"{faults['requests']:,} requests ({faults['date']}, commit {faults['commit']}). {verdict}.",
        "",
        *_table(["Phase", "requests", "answers by status", "longest s", "failures"], rows),
        "",
        f"Seconds to recover after each fault ended: {recovery}. The protest withdrawn during the Redis outage "
        f"(at {faults['withdrawn_at_s']} s) was served {faults['withdrawn_served_after']} times after its "
        f"withdrawal; Redis held {faults['cache_keys_before_outage']} cached entries when it was paused.",
        "",
    ]


def splice_section(text: str, heading: str, lines: list[str]) -> str:
    """Put `lines` in place of the section starting with `heading` (up to the next `## `), or before
    "## Anomalies" (else at the end) if there is none."""
    body = text.splitlines()
    start = next((i for i, line in enumerate(body) if line.startswith(heading)), None)
    if start is None:
        start = end = next((i for i, line in enumerate(body) if line.startswith("## Anomalies")), len(body))
    else:
        end = next((i for i in range(start + 1, len(body)) if body[i].startswith("## ")), len(body))
    return "\n".join([*body[:start], *lines, *body[end:]]) + "\n"

"""The app beside Datasette: the same public protests exported to SQLite, the same questions, asked in turn.

    python -m bench.datasette --database archive_bench_s --port 18601 --out var/bench/s/datasette.json [--smoke]

A yardstick rather than a target: how fast a generic, read-only SQLite server
answers what the archive answers, on the same machine. The export holds the
rows the API's protest list holds (published and not restricted, as
`RecordQuerySet.published()` says), one row each, with the list's columns
flattened (place, province and organizer names as JSON arrays, size claims'
words), the app's own search text in an FTS5 table, and indexes on the dates.
Datasette serves it immutable (`-i`) on its own port; each operation sends one
request to the app, then the same question to Datasette, and so on in turn, so
both see the same machine load. The app must already be serving on `--port`
(bench/run.py runs this after the app's own operations).
"""

# ruff: noqa: S603, S608 - runs the venv's datasette; table names are constants of this module

from __future__ import annotations

import argparse
import csv
import ctypes
import http.client
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg

from archive.dates import period_end, period_start
from bench.client import Client
from bench.common import ROOT, database_url, median, percentile, write_json
from bench.targets import DATE_FROM, PAGE_SIZE, PUBLIC, cursor_for, discover

DATASETTE = Path(sys.executable).parent / "datasette"  # beside the venv's python, as gunicorn is
DB_NAME = "archive"  # Datasette names a database after its file
TABLE = "protests"
SEARCH_TERM = "Tabriz"  # the hand measurement searched for it
SEARCH_LIMIT = 20  # the site search's default number of results
DEEP_PAGE = 200
DATE_TO = "2020-11-30"  # with targets.DATE_FROM, a three-month range
FACETS = (("_facet_array", "provinces"), ("_facet", "kind"), ("_facet", "event_status"), ("_facet_array", "organizers"))


@dataclass
class Settings:
    requests: int = 40  # per side, interleaved: the medians of 40
    warmup: int = 5
    csv_rounds: int = 5
    op_seconds: float = 120.0  # stop an operation's series early if it takes longer (at least 10 pairs)

    @classmethod
    def smoke(cls) -> Settings:
        return cls(warmup=3, csv_rounds=3, op_seconds=60.0)


@dataclass
class Pair:
    """One question, as the app's path and as Datasette's (the same record or page on both sides)."""

    key: str
    label: str
    app: list[str]
    datasette: list[str]
    note: str = ""
    ids: str = "page"  # how to read the record ids out of each side's answer: page, search, detail or none
    first_id: str | None = None  # a deep page: the record both sides must start with


# --- the export ------------------------------------------------------------------------------------

PROVINCE_TREE = f"""
    WITH RECURSIVE tree(root, id) AS (
        SELECT id, id FROM archive_place WHERE kind = 'province' AND {PUBLIC}
        UNION ALL
        SELECT tree.root, p.id FROM archive_place p JOIN tree ON p.parent_id = tree.id
        WHERE p.status = 'published' AND NOT p.restricted
    )
"""
# Only public places and organizers are named, as the API names them; provinces are reached through public
# places only, as the app's place filter descends (archive/filters.py, PublicIdFilter).
PROTESTS_SQL = (
    PROVINCE_TREE
    + """
    SELECT pr.id, pr.public_id, pr.title, pr.kind, pr.event_status, pr.date_start, pr.date_end, pr.date_precision,
        (SELECT json_agg(pl.name ORDER BY pl.name) FROM archive_protest_places x
         JOIN archive_place pl ON pl.id = x.place_id AND pl.status = 'published' AND NOT pl.restricted
         WHERE x.protest_id = pr.id),
        (SELECT json_agg(DISTINCT r.name) FROM archive_protest_places x
         JOIN tree ON tree.id = x.place_id JOIN archive_place r ON r.id = tree.root
         WHERE x.protest_id = pr.id),
        (SELECT json_agg(o.name ORDER BY o.name) FROM archive_protest_organizers y
         JOIN archive_organization o ON o.id = y.organization_id AND o.status = 'published' AND NOT o.restricted
         WHERE y.protest_id = pr.id),
        (SELECT string_agg(c.words, '; ' ORDER BY c.id) FROM archive_protestsizeclaim c
         WHERE c.protest_id = pr.id AND c.words <> ''),
        pr.description, pr.updated, se.names, se.body
    FROM archive_protest pr
    LEFT JOIN archive_searchentry se ON se.record_type = 'protests' AND se.object_id = pr.id AND se.is_public
    WHERE pr.status = 'published' AND NOT pr.restricted
    ORDER BY pr.id
"""
)
SCHEMA = f"""
CREATE TABLE {TABLE} (
    id INTEGER PRIMARY KEY, public_id TEXT NOT NULL UNIQUE, title TEXT, kind TEXT, event_status TEXT,
    date_start TEXT, date_end TEXT, date_precision TEXT, date_first TEXT, date_last TEXT,
    places TEXT, provinces TEXT, organizers TEXT, size TEXT, description TEXT, updated TEXT
);
CREATE VIRTUAL TABLE {TABLE}_fts USING fts5(names, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE INDEX {TABLE}_date_start ON {TABLE} (date_start);
CREATE INDEX {TABLE}_date_first ON {TABLE} (date_first);
CREATE INDEX {TABLE}_date_last ON {TABLE} (date_last);
CREATE INDEX {TABLE}_kind ON {TABLE} (kind);
CREATE INDEX {TABLE}_event_status ON {TABLE} (event_status);
"""


def period(start, end, precision) -> tuple[str | None, str | None]:
    """The first and last day a partial date may mean, as the app's date filter reads it (archive.dates):
    Datasette's `date_last__gte` / `date_first__lte` then find the records whose period overlaps a range."""
    if start is None:
        return None, None
    return period_start(start, precision).isoformat(), period_end(end or start, precision).isoformat()


def export_rows(conn) -> tuple[list[tuple], list[tuple]]:
    protests, search = [], []
    with conn.cursor(name="protests") as cursor:  # server-side: the rows arrive in batches, not all at once
        cursor.execute(PROTESTS_SQL)
        for pk, pid, title, kind, status, start, end, precision, *lists, description, updated, names, body in cursor:
            places, provinces, organizers, size = lists
            first, last = period(start, end, precision)
            protests.append((
                pk, pid, title, kind, status, start and start.isoformat(), end and end.isoformat(), precision,
                first, last, _array(places), _array(provinces), _array(organizers), size, description,
                updated.isoformat(),
            ))  # fmt: skip
            search.append((pk, names or title, body or ""))
    return protests, search


def _array(values: list | None) -> str:
    return json.dumps(values or [], ensure_ascii=False)


def export(database: str, path: Path) -> dict:
    """Write the public protests of `database` to a fresh SQLite file; the row count is checked against the
    public gate's count in PostgreSQL."""
    started = time.perf_counter()
    with psycopg.connect(database_url(database)) as conn:
        public = conn.execute(f"SELECT count(*) FROM archive_protest WHERE {PUBLIC}").fetchone()[0]
        protests, search = export_rows(conn)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as lite:
        lite.executescript(SCHEMA)
        lite.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * 16)})", protests)
        lite.executemany(f"INSERT INTO {TABLE}_fts (rowid, names, body) VALUES (?, ?, ?)", search)
        lite.execute("ANALYZE")
    lite.close()
    if len(protests) != public:
        raise SystemExit(f"bench: exported {len(protests)} protests, the database has {public} public")
    return {
        "rows": len(protests),
        "public_in_db": public,
        "seconds": round(time.perf_counter() - started, 2),
        "size_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "sqlite": sqlite3.sqlite_version,
    }


# --- the server ------------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when the benchmark dies, however it dies (even SIGKILL)."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Datasette:
    """`datasette serve -i FILE` on loopback, in its own process group, stopped with everything it started."""

    def __init__(self, db: Path, port: int, work: Path):
        self.db, self.port = db, port
        self.metadata = work / "datasette-metadata.json"
        self.log = work / "datasette.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        # Suggested facets off: the app's list does not suggest any, and Datasette would run a query per column.
        return [str(DATASETTE), "serve", "-i", str(self.db), "--host", "127.0.0.1", "--port", str(self.port),
                "--metadata", str(self.metadata), "--setting", "suggest_facets", "off"]  # fmt: skip

    def start(self, timeout: float = 60) -> None:
        # The FTS table holds the app's search text, not the table's columns: Datasette is told where it is.
        tables = {TABLE: {"fts_table": f"{TABLE}_fts", "fts_pk": "id"}}
        self.metadata.write_text(json.dumps({"databases": {DB_NAME: {"tables": tables}}}))
        log = self.log.open("ab")
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, stdout=log, stderr=log, start_new_session=True, preexec_fn=_die_with_parent
        )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: datasette exited ({self.process.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/versions.json", timeout=10) as reply:
                    if reply.status == 200:
                        self.versions = json.loads(reply.read())
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"bench: datasette did not answer within {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()


# --- the questions ---------------------------------------------------------------------------------


def _ds(query: dict | list, fmt: str = ".json") -> str:
    """A Datasette table path; JSON answers as objects and without the total count the app's lists never give."""
    items = list(query.items()) if isinstance(query, dict) else list(query)
    if fmt == ".json":
        items = [("_shape", "objects"), ("_nocount", "1"), *items]
    return f"/{DB_NAME}/{TABLE}{fmt}?{urlencode(items)}"


def deep_page(lite: sqlite3.Connection) -> tuple[int, int, str]:
    """Page DEEP_PAGE (counted from 0 as bench.targets counts), or the last full page of a smaller export: its
    number, the id of the record before it (both sides' keyset position) and the id it must start with."""
    rows = lite.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    page = max(1, min(DEEP_PAGE, rows // PAGE_SIZE - 1))
    before, first = lite.execute(
        f"SELECT id, lead(public_id) OVER (ORDER BY id) FROM {TABLE} ORDER BY id LIMIT 1 OFFSET ?",
        [page * PAGE_SIZE - 1],
    ).fetchone()
    return page, before, first


def pairs(targets: dict, lite: sqlite3.Connection) -> list[Pair]:
    province, size = targets["province"], PAGE_SIZE
    app_range = {"place": province["id"], "date_from": DATE_FROM, "date_to": DATE_TO}
    ds_range = {"provinces__arraycontains": province["name"], "date_last__gte": DATE_FROM, "date_first__lte": DATE_TO}
    page, before, first = deep_page(lite)
    ids = dict(lite.execute(f"SELECT public_id, id FROM {TABLE} WHERE public_id IN (SELECT value FROM json_each(?))",
                            [json.dumps(targets["protest_ids"])]).fetchall())  # fmt: skip
    q = SEARCH_TERM
    return [
        Pair("newest", "First page, newest first (50)", [f"/api/v1/protests/?ordering=-date_start&page_size={size}"],
             [_ds({"_sort_desc": "date_start", "_size": size})],
             "Datasette's first page leaves ties on the date in no set order (the app breaks them by id)"),
        Pair("province_range", f"Busiest province ({province['name']}) + 3 months (50)",
             [f"/api/v1/protests/?{urlencode({**app_range, 'page_size': size})}"], [_ds({**ds_range, "_size": size})],
             "Datasette: provinces__arraycontains (a JSON array, not indexed) and the period's first/last day"),
        Pair("deep_page", f"Page {page:,} in default order (50, keyset)",
             [f"/api/v1/protests/?{urlencode({'cursor': cursor_for(before), 'page_size': size})}"],
             [_ds({"_size": size, "_next": before})],
             "both keyset: the app's cursor and Datasette's _next token after the same id", first_id=first),
        Pair("search", f"Search “{q}” ({SEARCH_LIMIT})", [f"/api/v1/search/?q={quote(q)}"],
             [_ds({"_search": q, "_size": SEARCH_LIMIT})],
             "the app searches every type, ranks and cuts snippets; Datasette filters protests (FTS5), by id",
             ids="search"),
        Pair("list_search", f"List filtered by ?search={q} (50)",
             [f"/api/v1/protests/?search={quote(q)}&page_size={size}"], [_ds({"_search": q, "_size": size})]),
        Pair("html_list", "HTML list, province + 3 months, with facet counts",
             [f"/en/protests/?{urlencode(app_range)}"], [_ds([*ds_range.items(), *FACETS, ("_size", size)], "")],
             "the app counts every place and organization with their ancestors (up to 200 options); Datasette "
             "counts provinces, kinds, statuses and organizers (30 each)", ids="none"),
        Pair("detail", "Record detail JSON (protest)", [f"/api/v1/protests/{i}/" for i in targets["protest_ids"]],
             [f"/{DB_NAME}/{TABLE}/{ids[i]}.json?_shape=objects" for i in targets["protest_ids"]],
             "the app's whole document (citations, claims, links); Datasette's flat row", ids="detail"),
    ]  # fmt: skip


# --- asking them -----------------------------------------------------------------------------------


def answer_ids(kind: str, side: str, body: bytes) -> list[str] | None:
    """The record ids an answer holds, in order, to tell whether both sides answered alike."""
    if kind == "none":
        return None
    data = json.loads(body)
    if side == "app":
        if kind == "detail":
            return [data["id"]]
        return [r["id"] for r in data["results"] if kind != "search" or r["type"] == "protests"]
    rows = data["rows"] if isinstance(data, dict) else data
    return [r["public_id"] for r in rows]


# What the app's English list page says when its time budget (ARCHIVE_FACET_TIME_LIMIT_MS) dropped its option
# counts or its pictures: such an answer is not the page with counts that Datasette's facets are compared with.
COUNTS_DROPPED = (b"too many records here to count", b"too many records here to draw")


def counts_dropped(body: bytes) -> bool:
    return any(marker in body for marker in COUNTS_DROPPED)


def agreement(app: list[str] | None, datasette: list[str] | None) -> str:
    if app is None or datasette is None:
        return "—"
    if app == datasette:
        return "same records, same order"
    if set(app) == set(datasette):
        return "same records, other order"
    return f"{len(set(app) & set(datasette))} shared of {len(app)} / {len(datasette)}"


@dataclass
class Side:
    client: Client
    seconds: list[float] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    without_counts: int = 0  # HTML answers whose counts the time budget dropped

    def get(self, path: str):
        try:
            reply = self.client.get(path)
        except (http.client.HTTPException, OSError) as error:
            self.errors.append(f"{type(error).__name__}: {error}")
            self.client.close()
            return None
        self.seconds.append(reply.seconds)
        self.statuses[reply.status] = self.statuses.get(reply.status, 0) + 1
        self.without_counts += counts_dropped(reply.body)
        return reply

    def summary(self) -> dict:
        ms = [s * 1000 for s in self.seconds]
        return {
            "requests": len(ms),
            "p50_ms": _round(percentile(ms, 50)),
            "p95_ms": _round(percentile(ms, 95)),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors[:5],
            "without_counts": self.without_counts,
        }


def warm_up(pair: Pair, app: Client, ds: Client, count: int) -> dict:
    """Warm-up pairs, not timed; the first answers say how many rows each side gave and whether they agree."""
    found: dict = {"problems": []}
    for i in range(count):
        for side, client, paths in (("app", app, pair.app), ("datasette", ds, pair.datasette)):
            reply = client.get(paths[i % len(paths)])
            if reply.status != 200:
                found["problems"].append(f"{pair.key}: {side} answered {reply.status}: {reply.body[:200]!r}")
            elif i == 0:
                found[f"{side}_ids"] = ids = answer_ids(pair.ids, side, reply.body)
                if pair.first_id and (not ids or ids[0] != pair.first_id):
                    found["problems"].append(f"{pair.key}: {side}'s page did not start at {pair.first_id}")
                if side == "datasette" and b'"facets_timed_out": [' in reply.body:
                    found["problems"].append(f"{pair.key}: datasette facets timed out")
    return found


def interleaved(pair: Pair, app_port: int, ds_port: int, settings: Settings) -> dict:
    """One app request, one Datasette request, and so on, each on its own keep-alive connection."""
    app, ds = Side(Client("127.0.0.1", app_port)), Side(Client("127.0.0.1", ds_port))
    first = warm_up(pair, app.client, ds.client, settings.warmup)
    deadline = time.monotonic() + settings.op_seconds
    for i in range(settings.requests):
        if i >= 10 and time.monotonic() > deadline:
            break
        app.get(pair.app[i % len(pair.app)])
        ds.get(pair.datasette[i % len(pair.datasette)])
    app.client.close()
    ds.client.close()
    a, d = app.summary(), ds.summary()
    rows = {s: None if first.get(f"{s}_ids") is None else len(first[f"{s}_ids"]) for s in ("app", "datasette")}
    failed = [side for side, summary in (("app", a), ("datasette", d)) if _failed(summary)]
    problems = first["problems"] + [f"{pair.key}: {side} refused or failed requests" for side in failed]
    if a["without_counts"]:
        problems.append(
            f"{pair.key}: {a['without_counts']} of the app's answers had their counts dropped by its time budget"
        )
    return {
        "key": pair.key,
        "label": pair.label,
        "note": pair.note,
        "app_path": pair.app[0],
        "datasette_path": pair.datasette[0],
        "app": a,
        "datasette": d,
        "ratio": _ratio(a["p50_ms"], d["p50_ms"]),
        "rows": rows,
        "agreement": agreement(first.get("app_ids"), first.get("datasette_ids")),
        "problems": sorted(set(problems)),
    }


def csv_rows(client: Client, path: str) -> tuple[int, int, float, int]:
    """Status, data rows, seconds to the last byte and columns of one streamed CSV; a stream that breaks off
    (the server failed after it began) counts as status 0 with the rows that came."""
    started = time.perf_counter()
    status, rows, header = 0, 0, []
    try:
        response = client.request(path)
        status = response.status
        if status == 200:
            reader = csv.reader(io.TextIOWrapper(response, encoding="utf-8-sig", newline=""))
            header = next(reader, [])
            for _ in reader:
                rows += 1
        else:
            response.read()
    except (http.client.HTTPException, OSError):
        status = 0
    seconds = time.perf_counter() - started
    client.close()  # a stream read through a wrapper: start the next one on a fresh connection
    return status, rows, seconds, len(header)


def csv_export(app_port: int, ds_port: int, expected: int, settings: Settings) -> dict:
    """The whole public protest list as CSV from each side in turn, `csv_rounds` times: rows/s of the median."""
    paths = {"app": "/api/v1/protests/?format=csv", "datasette": _ds({"_stream": "on", "_size": "max"}, ".csv")}
    clients = {"app": Client("127.0.0.1", app_port, 600), "datasette": Client("127.0.0.1", ds_port, 600)}
    runs: dict = {"app": [], "datasette": []}
    for _ in range(settings.csv_rounds):
        for side in ("app", "datasette"):
            runs[side].append(csv_rows(clients[side], paths[side]))
    result = {"key": "csv", "label": "Full CSV export of public protests", "expected_rows": expected, "problems": []}
    result.update(app_path=paths["app"], datasette_path=paths["datasette"])
    for side, done in runs.items():
        seconds = median([s for _, _, s, _ in done])
        rows = max(r for _, r, _, _ in done)
        result[side] = {
            "rounds": len(done),
            "rows": rows,
            "columns": max(c for _, _, _, c in done),
            "p50_ms": _round(seconds * 1000),
            "rows_per_s": round(rows / seconds, 1) if seconds else None,
            "statuses": sorted({status for status, _, _, _ in done}),
        }
        if any(status != 200 or r != expected for status, r, _, _ in done):
            result["problems"].append(f"csv: {side} did not send the {expected:,} public protests every time")
    result["note"] = (
        f"the app's data-package CSV ({result['app']['columns']} columns, relations read per chunk and joined in "
        f"Python) against a flat, already joined table ({result['datasette']['columns']} columns)"
    )
    result["ratio"] = _ratio(result["app"]["p50_ms"], result["datasette"]["p50_ms"])
    return result


def _failed(summary: dict) -> bool:
    return bool(summary["errors"]) or any(int(status) >= 400 for status in summary["statuses"])


def _ratio(app_ms: float | None, ds_ms: float | None) -> float | None:
    return round(app_ms / ds_ms, 2) if app_ms and ds_ms else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- all of it -------------------------------------------------------------------------------------


def run(database: str, app_port: int, ds_port: int, work: Path, settings: Settings, targets: dict) -> dict:
    db = work / "datasette" / f"{DB_NAME}.db"
    exported = export(database, db)
    print(f"bench: datasette: exported {exported['rows']:,} protests ({exported['seconds']} s)", file=sys.stderr)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as lite:
        questions = pairs(targets, lite)
    lite.close()
    results = []
    with Datasette(db, ds_port, work) as server:
        for pair in questions:
            results.append(interleaved(pair, app_port, ds_port, settings))
            r = results[-1]
            print(f"bench: datasette {pair.key}: app {r['app']['p50_ms']} ms, datasette {r['datasette']['p50_ms']} "
                  f"ms", file=sys.stderr)  # fmt: skip
        results.append(csv_export(app_port, ds_port, exported["rows"], settings))
        versions, command = server.versions, server.command()
    return {
        "export": exported,
        "datasette": versions.get("datasette", {}).get("version"),
        "datasette_sqlite": versions.get("sqlite", {}).get("version"),
        "command": "datasette " + " ".join(command[1:]).replace(str(ROOT) + "/", ""),
        "settings": settings.__dict__,
        "operations": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True, help="where the app is serving")
    parser.add_argument("--datasette-port", type=int, default=0, help="a free port unless given")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    from bench.run import free_port  # the run's own helper; imported here, as bench.run imports this module

    settings = Settings.smoke() if args.smoke else Settings()
    work = args.out.parent
    targets = discover(args.database, args.seed)
    write_json(args.out, run(args.database, args.port, args.datasette_port or free_port(), work, settings, targets))


if __name__ == "__main__":
    main()

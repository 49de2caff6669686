"""Instrumentation for the HTTP benchmark (bench/): query counts and SQL capture.

Only active when ARCHIVE_BENCH=1 (config/settings.py then puts it first in
MIDDLEWARE; if it is listed without that variable it removes itself). Every
response gets

- ``X-Bench-Queries``: how many SQL statements the request ran before its
  response was handed back (a streamed body's later queries are not counted);
- ``X-Bench-Db-Ms``: the time those statements took, in milliseconds;
- ``X-Bench-Worker-Pid``: the process that served it, so the benchmark can read
  that worker's peak memory from /proc.

A request carrying ``X-Bench-Capture: <token>`` also has its SQL written, with
the parameters bound in, to ``<ARCHIVE_BENCH_SQL_DIR>/<token>.json``; the
benchmark replays it with psycopg to time the bare SQL (the "floor").
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.db import connection

from archive import dialect
from config.env import env_bool, env_str

CAPTURE_HEADER = "X-Bench-Capture"
# The token names a file: keep it to a plain file name so a header can never point elsewhere.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class QueryRecorder:
    """An execute wrapper that counts and times statements, and keeps their SQL when asked to."""

    def __init__(self, keep_sql: bool = False):
        self.count = 0
        self.seconds = 0.0
        self.keep_sql = keep_sql
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += len(params) if many and params is not None else 1
            if self.keep_sql:
                self._keep(sql, params, many, context["connection"])

    def _keep(self, sql, params, many, db) -> None:
        batches = (params or []) if many else [params]
        self.statements.extend(_bound_sql(db, sql, one) for one in batches)


def _bound_sql(db, sql: str, params) -> str:
    """The statement as the database received it (Django binds parameters client-side on psycopg 3)."""
    if params is None or not dialect.is_postgres(db):
        return sql if params is None else f"{sql} -- params: {params!r}"
    return db.ops.compose_sql(sql, params)


class BenchmarkMiddleware:
    def __init__(self, get_response):
        if not env_bool("ARCHIVE_BENCH", False):
            raise MiddlewareNotUsed
        self.get_response = get_response
        raw_dir = env_str("ARCHIVE_BENCH_SQL_DIR")
        self.sql_dir = Path(raw_dir) if raw_dir else None
        if self.sql_dir is not None and not self.sql_dir.is_dir():
            raise ImproperlyConfigured(f"ARCHIVE_BENCH_SQL_DIR {raw_dir!r} is not a directory")

    def __call__(self, request):
        token = self._capture_token(request)
        recorder = QueryRecorder(keep_sql=token is not None)
        with connection.execute_wrapper(recorder):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(recorder.count)
        response["X-Bench-Db-Ms"] = f"{recorder.seconds * 1000:.3f}"
        response["X-Bench-Worker-Pid"] = str(os.getpid())
        if token is not None:
            path = self.sql_dir / f"{token}.json"
            path.write_text(json.dumps({"path": request.get_full_path(), "statements": recorder.statements}))
        return response

    def _capture_token(self, request) -> str | None:
        token = request.headers.get(CAPTURE_HEADER)
        if token is None or self.sql_dir is None or not TOKEN_PATTERN.fullmatch(token):
            return None
        return token

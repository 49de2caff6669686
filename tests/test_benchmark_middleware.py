"""The benchmark middleware (archive/benchmark.py): off unless ARCHIVE_BENCH=1, counts every query."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.benchmark import BenchmarkMiddleware
from tests.factories import ProtestFactory

ROOT = Path(__file__).resolve().parent.parent
MIDDLEWARE_PATH = "archive.benchmark.BenchmarkMiddleware"


def settings_middleware(**env) -> list[str]:
    """MIDDLEWARE as config/settings.py builds it in a fresh process with this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_BENCH")}
    code = "import json, config.settings as s; print(json.dumps(s.MIDDLEWARE))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_settings_leave_it_out_by_default():
    assert MIDDLEWARE_PATH not in settings_middleware()
    assert MIDDLEWARE_PATH not in settings_middleware(ARCHIVE_BENCH="0")


def test_settings_put_it_first_when_asked():
    assert settings_middleware(ARCHIVE_BENCH="1")[0] == MIDDLEWARE_PATH


def test_it_removes_itself_without_the_variable(monkeypatch):
    monkeypatch.delenv("ARCHIVE_BENCH", raising=False)
    with pytest.raises(MiddlewareNotUsed):
        BenchmarkMiddleware(lambda request: None)


@pytest.fixture
def bench_on(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("ARCHIVE_BENCH", "1")
    monkeypatch.setenv("ARCHIVE_BENCH_SQL_DIR", str(tmp_path))
    settings.MIDDLEWARE = [MIDDLEWARE_PATH, *settings.MIDDLEWARE]
    settings.ARCHIVE_CACHE_SECONDS = 0  # a cached response would run no queries
    return tmp_path


@pytest.mark.django_db
def test_no_headers_when_off(client):
    ProtestFactory(public_id="bench-protest")
    response = client.get("/api/v1/protests/bench-protest/")
    assert response.status_code == 200
    assert "X-Bench-Queries" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/protests/bench-protest/", "/en/protests/bench-protest/"])
def test_counts_every_query_of_the_request(client, bench_on, path):
    ProtestFactory(public_id="bench-protest")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert int(response["X-Bench-Queries"]) == len(queries.captured_queries) > 0
    assert float(response["X-Bench-Db-Ms"]) > 0
    assert response["X-Bench-Worker-Pid"] == str(os.getpid())


@pytest.mark.django_db
def test_writes_the_sql_of_a_request_that_asks(client, bench_on):
    ProtestFactory(public_id="bench-protest")
    response = client.get("/api/v1/protests/bench-protest/", headers={"X-Bench-Capture": "run-1"})
    captured = json.loads((bench_on / "run-1.json").read_text())
    assert captured["path"] == "/api/v1/protests/bench-protest/"
    assert len(captured["statements"]) == int(response["X-Bench-Queries"])
    # The parameters are in the text: the statement can be replayed as it stands.
    assert any("bench-protest" in sql for sql in captured["statements"])


@pytest.mark.django_db
def test_writes_nothing_unless_asked_or_for_a_token_that_is_not_a_plain_name(client, bench_on):
    ProtestFactory(public_id="bench-protest")
    client.get("/api/v1/protests/bench-protest/")
    client.get("/api/v1/protests/bench-protest/", headers={"X-Bench-Capture": "../escape"})
    assert list(bench_on.iterdir()) == []
    assert not (bench_on.parent / "escape.json").exists()

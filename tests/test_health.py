"""The load balancer's probes: /healthz (the process answers) and /readyz (the database answers)."""

import socket
import time
from contextlib import contextmanager

import pytest
import redis
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


@contextmanager
def every_query_fails():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def use_redis(settings, url: str) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_healthz_stays_healthy_while_the_database_is_down(client):
    with every_query_fails():
        assert client.get("/healthz").status_code == 200


def test_readyz_runs_one_query_and_reports_database_and_cache(client, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        response = client.get("/readyz")
    assert captured.captured_queries[0]["sql"] == "SELECT 1"
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_503_with_retry_after_while_the_database_is_down(client):
    with every_query_fails():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"database": "unavailable", "cache": "ok"}


def test_readyz_logs_one_warning_per_probe_without_a_traceback(client, caplog):
    with every_query_fails(), caplog.at_level("INFO"):
        client.get("/readyz")
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("WARNING", None)]
    assert "database unavailable" in caplog.records[0].getMessage()


def test_readyz_is_never_cached(client, settings):
    settings.ARCHIVE_CACHE_SECONDS = 300
    assert client.get("/readyz").status_code == 200
    with every_query_fails():
        assert client.get("/readyz").status_code == 503
    assert client.get("/readyz").status_code == 200


def test_a_cache_that_refuses_connections_is_reported_but_not_fatal(client, settings):
    use_redis(settings, "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable"}


def test_a_cache_that_never_answers_cannot_hold_the_probe(client, settings):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # the kernel completes the handshake; nobody ever reads or replies
    use_redis(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 200
    assert response.json()["cache"] == "unavailable"
    assert elapsed < 2


def test_a_live_redis_is_reported_ok(client, settings):
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    use_redis(settings, "redis://127.0.0.1:6379/0")
    assert client.get("/readyz").json() == {"database": "ok", "cache": "ok"}


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_answer_get_and_head_only(client, url):
    assert client.head(url).status_code == 200
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_are_not_language_prefixed(client, url):
    assert client.get(url).status_code == 200
    assert client.get(f"/en{url}/").status_code == 404


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_set_no_cookie_and_vary_on_nothing(client, url):
    response = client.get(url)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_probes_are_never_throttled(client):
    # More than the anonymous API rate (120 a minute) in a row.
    assert {client.get("/readyz").status_code for _ in range(125)} == {200}


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_a_plain_http_probe_is_not_redirected_to_https(client, settings, url):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/en/").status_code == 301  # everything else is
    assert client.get(url).status_code == 200


def test_the_balancer_must_send_an_allowed_host(client, settings):
    settings.ALLOWED_HOSTS = ["archive.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/healthz", HTTP_HOST="archive.example.org").status_code == 200

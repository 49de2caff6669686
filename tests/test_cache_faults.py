"""When Redis blips the archive keeps serving, uncached, and serves nothing withdrawn meanwhile.

Each test runs against a real redis-server of its own (a spare port, started here): refused (a port
nobody listens on), or paused with SIGSTOP, so that it accepts connections but never answers and
every read waits for the socket timeout, as a hung or overloaded Redis does.
"""

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from archive.models import Protest
from tests.conftest import article_fixture_files
from tests.factories import user_in_role
from tests.redis_server import needs_redis_server, spare_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.django_db, needs_redis_server]

PROTEST = "protest-2020-09-29-ardabil-rally"
PUBLIC_READS = [
    "/en/",
    "/fa/",
    "/en/protests/",
    f"/en/protests/{PROTEST}/",
    "/en/search/?q=Ardabil",
    "/api/v1/protests/",
    f"/api/v1/protests/{PROTEST}/",
    "/api/v1/search/?q=Ardabil",
]


@pytest.fixture(params=["refused", "paused"])
def outage(request, redis_server, use_cache):
    """Redis out, either way, from the start of the test."""
    if request.param == "refused":
        use_cache(spare_port())  # nothing listens there
        yield
        return
    redis_server.client.flushdb()
    use_cache(redis_server.port)
    redis_server.pause()
    try:
        yield
    finally:
        redis_server.resume()


def outage_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "archive.cachebackend" and r.levelno >= logging.WARNING]


def editor_api() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_in_role('Editor')).key}")
    return client


def withdraw(public_id: str):
    return editor_api().post(
        f"/api/v1/protests/{public_id}/status/", {"action": "withdraw", "reason": "Duplicate"}, format="json"
    )


# --- (a) An outage costs speed, never answers ----------------------------------------------------------


def test_public_pages_the_api_and_writes_answer_while_redis_is_out(
    article, outage, client, caplog, django_assert_num_queries
):
    caplog.set_level(logging.INFO, logger="archive.cachebackend")
    for url in PUBLIC_READS:
        assert client.get(url).status_code == 200, url
    with django_assert_num_queries(1):  # meanwhile each process caches for itself: only the generation is read
        assert client.get(f"/en/protests/{PROTEST}/").status_code == 200
    assert withdraw(PROTEST).status_code == 200
    assert Protest.objects.get(public_id=PROTEST).status == "withdrawn"
    assert client.get(f"/en/protests/{PROTEST}/").status_code == 410
    assert client.get(f"/api/v1/protests/{PROTEST}/").status_code == 410
    warnings = outage_warnings(caplog)
    assert len(warnings) == 1 and "unreachable" in warnings[0], warnings


def test_fixtures_load_while_redis_is_out(outage, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # what a write does once committed, too
        call_command("loaddata", *article_fixture_files(), verbosity=0)
    assert Protest.objects.filter(public_id=PROTEST).exists()
    assert len(outage_warnings(caplog)) == 1


def test_manage_py_check_passes_with_redis_url_at_a_dead_port():
    environment = {**os.environ, "DEBUG": "1", "REDIS_URL": f"redis://127.0.0.1:{spare_port()}/0"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


# --- (b) Nothing withdrawn during an outage comes back with Redis -----------------------------------------


def test_a_record_withdrawn_while_redis_was_paused_is_not_served_from_its_old_contents(
    article, redis_server, use_cache, client, caplog
):
    redis_server.client.flushdb()
    use_cache(redis_server.port, retry_seconds=0.5)
    caplog.set_level(logging.INFO, logger="archive.cachebackend")
    page, detail = f"/en/protests/{PROTEST}/", f"/api/v1/protests/{PROTEST}/"
    assert client.get(page).status_code == 200 and client.get(detail).status_code == 200
    cached_before = set(redis_server.client.keys("*archive:response:*"))
    assert len(cached_before) == 2, "both answers are in Redis"

    redis_server.pause()
    try:
        assert withdraw(PROTEST).status_code == 200
    finally:
        redis_server.resume()
    time.sleep(0.6)  # past retry_seconds: the next request tries Redis again

    assert client.get(page).status_code == 410
    assert client.get(detail).status_code == 410
    assert cached_before <= set(redis_server.client.keys("*archive:response:*")), "Redis kept its old contents"
    assert any("answers again" in message for message in outage_warnings(caplog)), "the reads went to Redis"


# --- (c) Throttles count per process during an outage --------------------------------------------------


@pytest.fixture
def tight_throttle(settings):
    rates = {"anon": "3/minute", "user": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    original = throttling.SimpleRateThrottle.THROTTLE_RATES  # read once, at import
    api_settings.reload()
    throttling.SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    throttling.SimpleRateThrottle.THROTTLE_RATES = original


def test_the_api_throttle_still_counts_while_redis_is_out(outage, tight_throttle, client):
    statuses = [client.get("/api/v1/places/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- Sign-in lockouts are in the database: an outage neither opens nor closes them ---------------------


@override_settings(AXES_FAILURE_LIMIT=3)
def test_sign_in_lockouts_hold_while_redis_is_out_and_lock_out_no_one_else(outage, client):
    from django.contrib.auth.models import User

    User.objects.create_user("curator", password="right-pass-77!", is_staff=True)

    def sign_in(password, address):
        data = {"username": "curator", "password": password}
        return client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR=address)

    for _ in range(3):
        assert sign_in("wrong", "192.0.2.10").status_code in {200, 429}
    assert sign_in("right-pass-77!", "192.0.2.10").status_code == 429
    assert sign_in("right-pass-77!", "198.51.100.20").status_code == 302


# --- (d) The breaker: an outage costs one timeout per retry period, not one per request -----------------


def test_requests_during_an_outage_do_not_each_wait_for_the_timeout(article, redis_server, use_cache, client, caplog):
    redis_server.client.flushdb()
    use_cache(redis_server.port, timeout=1.0, retry_seconds=60)
    url = f"/api/v1/protests/{PROTEST}/"
    assert client.get(url).status_code == 200
    redis_server.pause()
    try:
        started = time.monotonic()
        for _ in range(10):
            assert client.get(url).status_code == 200
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    # Without the breaker each request waits at least once for the 1 s timeout (≥ 10 s in all).
    assert 1.0 <= elapsed < 5, elapsed
    assert len(outage_warnings(caplog)) == 1

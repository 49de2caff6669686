"""Rate-limit headers (draft-ietf-httpapi-ratelimit-headers-09) on every throttled API answer, from the
throttle's own count: the policy, what is left and when the oldest counted request leaves the window. The same
answers whether the count is kept in memory or on Redis, where it is made atomically in one round trip."""

import threading
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings

from archive import cachebackend
from tests.factories import user_in_role
from tests.redis_server import REDIS_SERVER, needs_redis_server

pytestmark = pytest.mark.django_db

URL = "/api/v1/places/"


@pytest.fixture
def rates(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "3/minute", "user": "5/minute"}
    settings.REST_FRAMEWORK = rest
    original = throttling.SimpleRateThrottle.THROTTLE_RATES
    api_settings.reload()
    throttling.SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    cache.clear()
    yield
    throttling.SimpleRateThrottle.THROTTLE_RATES = original
    cache.clear()


@pytest.fixture(params=["memory", "redis"])
def store(request, rates, settings):
    """Where the throttle counts: the cache of tests (memory), or a Redis of the test's own."""
    if request.param == "redis":
        if not Path(REDIS_SERVER).exists():
            pytest.skip("needs redis-server")
        request.getfixturevalue("on_redis")
    settings.ARCHIVE_CACHE_SECONDS = 0  # nothing else in the cache: only the throttle uses it
    return request.param


@pytest.fixture
def on_redis(rates, redis_server, use_cache, settings):
    """The throttle counts on a Redis of the test's own, emptied; nothing else uses it. A generous timeout (a
    loaded CI machine), and afterwards proof that the count was made there, not in the memory that stands in
    for a Redis taken for down."""
    redis_server.client.flushdb()
    use_cache(redis_server.port, timeout=5)
    settings.ARCHIVE_CACHE_SECONDS = 0
    yield redis_server
    assert all(breaker.down_since is None for breaker in cachebackend._breakers.values()), "Redis taken for down"
    assert redis_server.client.keys("*:window"), "nothing was counted on Redis"


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""
    now = [1_000_000.0]
    monkeypatch.setattr(throttling.SimpleRateThrottle, "timer", lambda self: now[0])
    return now


def test_each_answer_says_the_policy_what_is_left_and_when_the_oldest_request_expires(client, store, clock):
    seen = []
    for _ in range(3):
        response = client.get(URL)
        assert response.status_code == 200
        seen.append((response["RateLimit-Policy"], response["RateLimit"]))
        clock[0] += 10
    assert seen == [
        ('"anon";q=3;w=60', '"anon";r=2;t=60'),
        ('"anon";q=3;w=60', '"anon";r=1;t=50'),
        ('"anon";q=3;w=60', '"anon";r=0;t=40'),
    ]


def test_past_the_limit_a_429_problem_with_retry_after_and_the_headers(client, store, clock):
    for _ in range(3):
        client.get(URL)
        clock[0] += 10
    refused = client.get(URL)
    assert refused.status_code == 429 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
    assert refused["Retry-After"] == "30" and refused["RateLimit"] == '"anon";r=0;t=30'
    clock[0] += 31  # the first request has left the window: one more is allowed
    again = client.get(URL)
    assert again.status_code == 200 and again["RateLimit"] == '"anon";r=0;t=9'


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "You have made too many requests; try again in 30 seconds."),
        ("az", "Həddən artıq çox sorğu göndərdiniz; 30 saniyədən sonra yenidən cəhd edin."),
        ("fa", "درخواست‌های شما بیش از حد است؛ 30 ثانیه دیگر دوباره تلاش کنید."),  # Latin digits, as every API message
        ("tr", "Çok fazla istek gönderdiniz; 30 saniye sonra yeniden deneyin."),
    ],
)
def test_the_429_says_how_long_to_wait_in_the_clients_language(client, rates, clock, language, says):
    """Wholly in the client's language (DRF's own message said the wait in English in Azerbaijani), one second
    in the singular."""
    for _ in range(3):
        client.get(URL)
        clock[0] += 10
    refused = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert refused.json()["detail"] == says and refused.json()["code"] == "throttled"
    clock[0] += 29.5
    one_second = says.replace("30", "1").replace("1 seconds", "1 second")
    assert client.get(URL, HTTP_ACCEPT_LANGUAGE=language).json()["detail"] == one_second


def test_a_signed_in_client_has_the_user_policy(client, store, clock):
    token = Token.objects.create(user=user_in_role("Archivist", "ali"))
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response["RateLimit-Policy"] == '"user";q=5;w=60' and response["RateLimit"] == '"user";r=4;t=60'
    assert client.get(URL)["RateLimit"] == '"anon";r=2;t=60'  # anonymous clients are counted apart


@pytest.mark.parametrize("path", ["/api/v1/search/?q=Tabriz", "/api/v1/protests/?kind=nonsense", "/api/schema/"])
def test_every_throttled_answer_carries_them_errors_too(client, rates, path):
    response = client.get(path)
    assert response["RateLimit"].startswith('"anon";r=2;t=')
    assert "RateLimit" in response["Access-Control-Expose-Headers"]  # a browser script may read them


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "You have made too many requests; try again later."),
        ("az", "Həddən artıq çox sorğu göndərdiniz; bir az sonra yenidən cəhd edin."),
        ("fa", "درخواست‌های شما بیش از حد است؛ کمی بعد دوباره تلاش کنید."),
        ("tr", "Çok fazla istek gönderdiniz; biraz sonra yeniden deneyin."),
    ],
)
def test_a_429_without_a_wait_says_to_try_later_in_the_clients_language(language, says):
    """DRF gives no wait when the client is already past the limit (the limit was lowered)."""
    from django.utils import translation

    from archive.api.errors import throttled

    with translation.override(language):
        assert str(throttled(None).detail) == says
    if language == "tr":
        with translation.override("tr"):
            assert str(throttled(None).detail) == "Çok fazla istek gönderdiniz; biraz sonra yeniden deneyin."
    assert throttled(None).wait is None and throttled(0.2).wait == 1


def test_answers_no_throttle_counted_have_none(client, rates):
    assert "RateLimit" not in client.get("/data/datapackage.json")
    assert "RateLimit" not in client.get("/en/")


@needs_redis_server
def test_on_redis_a_request_is_counted_in_one_round_trip(client, on_redis):
    """One script call per request, and no `get` or `set` of a list of times (DRF's two round trips) — also the
    first time after Redis lost its scripts (a restart), when the script is loaded again."""
    on_redis.client.script_flush()
    on_redis.client.config_resetstat()
    for _ in range(4):
        client.get(URL)
    calls = {
        name.removeprefix("cmdstat_"): stats["calls"] for name, stats in on_redis.client.info("commandstats").items()
    }
    assert calls.get("evalsha", 0) >= 4 and calls.get("eval") == 1  # the first evalsha found no script
    assert not {"get", "set", "mget", "setex", "psetex", "getex"} & calls.keys(), calls
    (window,) = on_redis.client.keys("*throttle_anon_*")
    assert on_redis.client.zcard(window) == 3  # the fourth request was refused, and not counted
    cache_client = caches["default"]._cache
    assert cache_client.get_client(write=True) is cache_client.get_client(write=True)  # one redis-py client, kept


@needs_redis_server
def test_a_redis_that_refuses_scripts_counts_in_memory_and_says_so_once(client, rates, redis_server, use_cache, caplog):
    """A Redis user without scripting (an ACL, or a proxy without EVALSHA): the API still answers, counting in each
    process's memory as during an outage, and the log says so once, not once per request."""
    redis_server.client.acl_setuser(
        "noscript", enabled=True, passwords=["+secret"], keys=["*"], commands=["+@all", "-@scripting"], reset=True
    )
    use_cache(redis_server.port, timeout=5, user="noscript:secret")
    answers = [client.get(URL) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit"] for a in answers[:3]] == ['"anon";r=2;t=60', '"anon";r=1;t=60', '"anon";r=0;t=60']
    refusals = [r.getMessage() for r in caplog.records if r.name == "archive.cachebackend"]
    assert len(refusals) == 1 and "no permissions to run the 'evalsha' command" in refusals[0], refusals


@needs_redis_server
def test_on_redis_workers_counting_one_client_at_once_never_let_more_through_than_the_limit(on_redis):
    """Eight threads (as eight workers would, each with its own connection) count 20 requests each of one client at
    the same moment against a limit of 50: exactly 50 pass. Counting by reading the list and writing it back, two
    that read together both pass."""
    allowed = []
    start = threading.Barrier(8)

    def worker():
        counter = caches["default"]  # each thread has its own cache object and connection
        start.wait()
        allowed.extend(
            cachebackend.count_request(counter, "throttle_anon_1.2.3.4", 1e6, 60, 50).allowed for _ in range(20)
        )

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 160 and sum(allowed) == 50

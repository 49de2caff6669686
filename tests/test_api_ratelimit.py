"""Rate-limit headers (draft-ietf-httpapi-ratelimit-headers-09) on every throttled API answer, from the
throttle's own log: the policy, what is left and when the oldest counted request leaves the window."""

import pytest
from django.core.cache import cache
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings

from tests.factories import user_in_role

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


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""
    now = [1_000_000.0]
    monkeypatch.setattr(throttling.SimpleRateThrottle, "timer", lambda self: now[0])
    return now


def test_each_answer_says_the_policy_what_is_left_and_when_the_oldest_request_expires(client, rates, clock):
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


def test_past_the_limit_a_429_problem_with_retry_after_and_the_headers(client, rates, clock):
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


def test_a_signed_in_client_has_the_user_policy(client, rates, clock):
    token = Token.objects.create(user=user_in_role("Archivist", "ali"))
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response["RateLimit-Policy"] == '"user";q=5;w=60' and response["RateLimit"] == '"user";r=4;t=60'
    assert client.get(URL)["RateLimit"] == '"anon";r=2;t=60'  # anonymous clients are counted apart


@pytest.mark.parametrize("path", ["/api/v1/search/?q=Tabriz", "/api/v1/protests/?kind=nonsense", "/api/schema/"])
def test_every_throttled_answer_carries_them_errors_too(client, rates, path):
    response = client.get(path)
    assert response["RateLimit"].startswith('"anon";r=2;t=')
    assert "RateLimit" in response["Access-Control-Expose-Headers"]  # a browser script may read them


def test_answers_no_throttle_counted_have_none(client, rates):
    assert "RateLimit" not in client.get("/data/datapackage.json")
    assert "RateLimit" not in client.get("/en/")

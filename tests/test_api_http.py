"""HTTP behaviour of the API: schema, docs, CORS, throttling, JSON errors."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests import factories

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/protests/" in out.read_text()


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200, schema.content[:500]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200, docs.content[:500]
    page = docs.content.decode()
    assert "cdn." not in page.lower() and "unpkg" not in page.lower(), page[:2000]
    assert "/static/drf_spectacular_sidecar/" in page


def test_cors_is_open_for_get(client):
    factories.ProtestFactory(public_id="p-one")
    response = client.get("/api/v1/protests/", HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/api/v1/protests/p-one/", "/data/datapackage.json", "/data/protests.csv"])
def test_cors_is_open_for_public_reads_without_credentials(client, url):
    factories.ProtestFactory(public_id="p-one")
    response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_writes_get_no_cors_header(client):
    response = client.post("/api/v1/protests/", {}, content_type="application/json", HTTP_ORIGIN="https://x.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cors_preflight_offers_only_reads(client):
    response = client.options(
        "/api/v1/protests/", HTTP_ORIGIN="https://x.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="DELETE"
    )
    assert response.status_code == 204
    assert "DELETE" not in response["Access-Control-Allow-Methods"]


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_anonymous_writes_are_refused(client):
    response = client.post("/api/v1/protests/", {"title": "x"}, content_type="application/json")
    assert response.status_code in {401, 403, 405}
    assert response.json()["detail"]


@pytest.fixture
def tight_throttle(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "3/minute", "user": "3/minute"}
    settings.REST_FRAMEWORK = rest
    from rest_framework import throttling
    from rest_framework.settings import api_settings

    original = throttling.SimpleRateThrottle.THROTTLE_RATES
    api_settings.reload()
    throttling.SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    cache.clear()
    yield
    throttling.SimpleRateThrottle.THROTTLE_RATES = original
    cache.clear()


def test_throttling_answers_429_with_retry_after(client, tight_throttle):
    statuses = [client.get("/api/v1/places/").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    last = client.get("/api/v1/places/")
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    assert last.json()["detail"]


def test_forged_forwarded_for_does_not_reset_the_throttle(client, tight_throttle):
    for n in range(3):
        client.get("/api/v1/places/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert client.get("/api/v1/places/", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429

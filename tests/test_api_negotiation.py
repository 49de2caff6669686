"""Formats, methods and errors a client's tools can rely on: CSV by `Accept`, no silent JSON for a detail
asked for as CSV, 405 (not 401) for a method a route lacks, and a stable `code` on every error."""

import csv
import io

import pytest
from rest_framework.authtoken.models import Token

from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def protest(db):
    return factories.ProtestFactory(public_id="p1", title="Rally in Tabriz")


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


# --- formats ---------------------------------------------------------------------------------------


def test_accept_text_csv_on_a_list_streams_csv(client, protest):
    response = client.get("/api/v1/protests/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    assert [row["id"] for row in rows] == ["p1"]
    assert streamed(client.get("/api/v1/protests/?format=csv")) == streamed(
        client.get("/api/v1/protests/", HTTP_ACCEPT="text/csv")
    )


def test_accept_geojson_on_a_list_that_has_it(client, protest):
    response = client.get("/api/v1/protests/", HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert client.get("/api/v1/arrests/", HTTP_ACCEPT="application/geo+json").status_code == 406


def test_json_stays_the_default_and_lists_vary_on_accept(client, protest):
    response = client.get("/api/v1/protests/", HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "application/json" and response.json()["results"]
    assert "Accept" in response["Vary"]


def test_a_bad_filter_asked_for_as_csv_is_a_json_400(client, protest):
    response = client.get("/api/v1/protests/?kind=nonsense", HTTP_ACCEPT="text/csv")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "kind"


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xml"])
def test_a_detail_in_another_format_is_a_400_naming_the_formats(client, protest, fmt):
    response = client.get(f"/api/v1/protests/p1/?format={fmt}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"][0]["parameter"] == "format"
    assert body["errors"][0]["code"] == "unsupported_format" and "json" in body["errors"][0]["message"]


def test_a_detail_as_json_still_works_by_format_or_accept(client, protest):
    assert client.get("/api/v1/protests/p1/?format=json").json()["id"] == "p1"
    assert client.get("/api/v1/protests/p1/").json()["id"] == "p1"


def test_a_detail_asked_for_by_accept_text_csv_is_a_406(client, protest):
    response = client.get("/api/v1/protests/p1/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 406 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_acceptable"


OTHER_ENDPOINTS = ["/api/v1/", "/api/v1/search/?q=Tabriz", "/api/v1/problems/", "/api/v1/problems/invalid/"]


@pytest.mark.parametrize("path", [*OTHER_ENDPOINTS, "/api/schema/", "/api/docs/"])
def test_every_other_endpoint_refuses_a_format_it_lacks_naming_those_it_has(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + "format=csv")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["parameter"] == "format" and error["code"] == "unsupported_format"
    assert "csv" not in error["message"] and ("json" in error["message"] or "html" in error["message"])


@pytest.mark.parametrize("path", OTHER_ENDPOINTS)
def test_every_other_endpoint_honours_format_json_and_refuses_accept_csv_naming_its_types(client, path):
    with_format = path + ("&" if "?" in path else "?") + "format=json"
    assert client.get(with_format)["Content-Type"] == "application/json"
    refused = client.get(path, HTTP_ACCEPT="text/csv")
    assert refused.status_code == 406 and "application/json" in refused.json()["detail"]


def test_the_schema_as_json_by_format(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200 and response.json()["openapi"]


# --- methods ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_method_a_list_lacks_is_a_405_with_allow_even_anonymously(client, method):
    response = getattr(client, method)("/api/v1/protests/", {}, content_type="application/json")
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST", "HEAD", "OPTIONS"}
    assert response.json()["code"] == "method_not_allowed"


def test_put_on_a_detail_is_a_405_too(client, protest):
    response = client.put("/api/v1/protests/p1/", {}, content_type="application/json")
    assert response.status_code == 405 and "PATCH" in response["Allow"]


def test_an_anonymous_post_a_list_allows_is_still_a_401(client):
    response = client.post("/api/v1/protests/", {}, content_type="application/json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


# --- error codes -----------------------------------------------------------------------------------


def test_bad_parameters_each_get_a_code_and_the_old_keys_stay(client, protest):
    response = client.get("/api/v1/protests/?kind=nonsense&date_from=notadate")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid" and body["detail"]
    assert body["kind"] and body["date_from"]  # as before, for existing clients
    by_parameter = {error["parameter"]: error for error in body["errors"]}
    assert by_parameter["kind"]["code"] == "invalid_choice"
    assert by_parameter["date_from"]["code"] == "invalid" and by_parameter["date_from"]["message"]


def test_an_unknown_parameter_is_about_the_request_as_a_whole(client):
    body = client.get("/api/v1/protests/?bogus=1").json()
    assert body["code"] == "invalid"
    assert [error["parameter"] for error in body["errors"]] == [None]
    assert "bogus" in body["errors"][0]["message"]


def test_not_found_has_a_code_from_drf_and_from_django(client):
    assert client.get("/api/v1/protests/nothing/").json()["code"] == "not_found"
    assert client.get("/api/v1/no-such-thing/").json() == {
        "type": "http://testserver/api/v1/problems/not_found/",
        "title": "Not found",
        "status": 404,
        "detail": "Not found.",
        "code": "not_found",
    }


def test_nested_write_errors_name_the_item_and_field(db):
    from rest_framework.test import APIClient

    api = APIClient()
    user = user_in_role("Archivist", "archivist")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    response = api.post("/api/v1/protests/", {"title": "x", "slogans": [{"text": ""}]}, format="json")
    assert response.status_code == 400
    parameters = [error["parameter"] for error in response.json()["errors"]]
    assert "slogans.0.text" in parameters, parameters

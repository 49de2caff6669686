"""Every API error is an RFC 9457 problem (`application/problem+json`): type, title, status, detail, a stable
code, and for bad parameters `errors` naming each; the type URI documents the kind of error."""

import pytest
import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive import models
from archive.api.problems import PROBLEM_JSON, PROBLEM_TYPES
from archive.api.search import SearchView
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def protest(db):
    return factories.ProtestFactory(public_id="p1", title="Rally in Tabriz")


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"] == f"http://testserver/api/v1/problems/{code}/"
    assert (body["status"], body["code"]) == (status, code)
    assert body["title"] == PROBLEM_TYPES[code].title and body["detail"]
    return body


def editor_api() -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_in_role('Editor', 'edna')).key}")
    return api


def test_a_bad_parameter_is_a_problem_naming_the_parameter(client, protest):
    body = assert_problem(client.get("/api/v1/protests/?kind=nonsense"), 400, "invalid")
    assert [(e["parameter"], e["code"]) for e in body["errors"]] == [("kind", "invalid_choice")]
    assert body["kind"] == [body["errors"][0]["message"]]  # the old key, for existing clients


@pytest.mark.parametrize("accept", ["application/json", "text/csv", "*/*"])
def test_a_client_asking_for_json_or_csv_still_gets_the_problem_not_a_406(client, protest, accept):
    assert_problem(client.get("/api/v1/protests/?kind=nonsense", HTTP_ACCEPT=accept), 400, "invalid")


def test_a_parameter_named_like_a_problem_member_is_in_errors_only(client):
    body = assert_problem(client.get("/api/v1/search/", {"q": "x", "type": "spaceship"}), 400, "invalid")
    assert body["type"].startswith("http") and [e["parameter"] for e in body["errors"]] == ["type"]


def test_unauthenticated_forbidden_and_precondition_failed(client, protest):
    assert_problem(client.post("/api/v1/protests/", {}, content_type="application/json"), 401, "not_authenticated")
    bad_token = client.get("/api/v1/protests/", HTTP_AUTHORIZATION="Token nope")
    assert_problem(bad_token, 401, "authentication_failed")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_in_role('Archivist', 'ali')).key}")
    assert_problem(api.delete("/api/v1/protests/p1/"), 403, "permission_denied")
    stale = editor_api().patch("/api/v1/protests/p1/", {"title": "x"}, format="json", HTTP_IF_MATCH='"stale"')
    assert_problem(stale, 412, "precondition_failed")


def test_a_body_that_is_not_json_is_a_parse_error(protest):
    response = editor_api().generic("PATCH", "/api/v1/protests/p1/", "{not json", content_type="application/json")
    assert_problem(response, 400, "parse_error")


def test_not_found_from_drf_and_from_django(client):
    assert_problem(client.get("/api/v1/protests/nothing/"), 404, "not_found")
    assert_problem(client.get("/api/v1/no-such-thing/"), 404, "not_found")


@pytest.mark.parametrize("path", ["/api/v1/protests/", "/api/v1/search/?q=x", "/api/schema/", "/api/docs/"])
def test_a_method_a_route_lacks_is_a_problem_with_allow(client, path):
    response = client.put(path, {}, content_type="application/json")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_detail_asked_for_as_csv_is_a_406_problem(client, protest):
    assert_problem(client.get("/api/v1/protests/p1/", HTTP_ACCEPT="text/csv"), 406, "not_acceptable")


def test_a_withdrawn_record_is_a_410_problem_with_its_reason(client):
    factories.ProtestFactory(public_id="gone", status=models.Status.WITHDRAWN, withdrawn_reason="Duplicate")
    body = assert_problem(client.get("/api/v1/protests/gone/"), 410, "withdrawn")
    assert (body["id"], body["reason"]) == ("gone", "Duplicate")


def test_an_unexpected_error_is_a_500_problem(client, monkeypatch):
    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(SearchView, "fresh_get", broken)
    client.raise_request_exception = False
    body = assert_problem(client.get("/api/v1/search/", {"q": "x"}), 500, "server_error")
    assert "boom" not in body["detail"]


def test_an_unsupported_body_type_is_a_415_problem(protest):
    response = editor_api().generic("PATCH", "/api/v1/protests/p1/", "title=x", content_type="text/plain")
    assert_problem(response, 415, "unsupported_media_type")


def test_the_browsable_api_shows_its_errors_as_a_page(client, protest):
    response = client.get("/api/v1/protests/?kind=nonsense", HTTP_ACCEPT="text/html")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


# --- the type URIs are documented where they point ------------------------------------------------


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_each_type_uri_answers_what_the_kind_of_error_means(client, code):
    kind = PROBLEM_TYPES[code]
    response = client.get(f"/api/v1/problems/{code}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "type": f"http://testserver/api/v1/problems/{code}/",
        "code": code,
        "status": kind.status,
        "title": str(kind.title),
        "description": str(kind.description),
    }


def test_the_list_of_problem_types_and_an_unknown_one(client):
    listed = client.get("/api/v1/problems/").json()
    assert [item["code"] for item in listed] == list(PROBLEM_TYPES)
    assert_problem(client.get("/api/v1/problems/no-such-code/"), 404, "not_found")


# --- the schema says so ---------------------------------------------------------------------------


def test_every_error_the_schema_declares_is_a_problem(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    errors = [
        (path, method, status, set(response.get("content", {})))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for status, response in operation["responses"].items()
        if status[0] in "45"
    ]
    assert errors and all(media == {PROBLEM_JSON} for *_, media in errors), errors
    problem = schema["components"]["schemas"]["ErrorResponse"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])

"""The OpenAPI schema describes what the API returns: every record of the article, as a list page and as a
detail, validates against its operation's response schema, with no key the schema does not list.

(CI also runs schemathesis against /api/schema/; this checks the same promise in the test suite, on real
records with every kind of part, and strictly: an undocumented key fails.)
"""

import functools
import re

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive import registry, workflow
from archive.filters import filterset_for
from archive.models import Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db

IGNORED = {"readOnly", "writeOnly", "example", "description", "title"}


def strict(node):
    """OpenAPI 3.0 → JSON Schema: `nullable` as a null alternative, and objects closed to unlisted keys."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: strict(value) for key, value in node.items() if key not in IGNORED | {"properties"}}
    if "properties" in node:  # names of properties, not keywords: keep every one
        converted["properties"] = {name: strict(value) for name, value in node["properties"].items()}
        converted.setdefault("additionalProperties", False)
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@functools.cache
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def check(body, path: str, method: str, status: int, media: str | None = None) -> None:
    """`body` validates against the schema of the answer; errors are problems (RFC 9457)."""
    media = media or ("application/problem+json" if status >= 400 else "application/json")
    operation = openapi()["paths"][path][method]
    schema = operation["responses"][str(status)]["content"][media]["schema"]
    document = {**strict(schema), "components": strict(openapi()["components"])}
    jsonschema.validate(body, document, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_article_record_matches_the_schema_as_a_list_and_a_detail(client, article, key):
    listing = client.get(f"/api/v1/{key}/", {"page_size": 500})
    assert listing.status_code == 200
    check(listing.json(), f"/api/v1/{key}/", "get", 200)
    records = listing.json()["results"]
    assert records
    for record in records[:25]:
        detail = client.get(f"/api/v1/{key}/{record['id']}/")
        check(detail.json(), f"/api/v1/{key}/{{public_id}}/", "get", 200)


def test_a_first_page_with_tombstones_matches_the_schema(client):
    editor = user_in_role("Editor", "edna")
    protest = factories.ProtestFactory()
    workflow.record_withdraw(record=protest, user=editor, reason="Duplicate")
    body = client.get("/api/v1/protests/", {"updated_since": "2000-01-01T00:00:00Z"}).json()
    assert body["tombstones"]
    check(body, "/api/v1/protests/", "get", 200)


def test_answers_to_writes_match_the_schema():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_in_role('Editor', 'edna')).key}")
    factories.LanguageFactory(code="az-Latn", name="Azerbaijani")
    new = {"title": "Rally", "kind": "rally", "date": "2020", "slogans": [{"text": "Azadlıq", "language": "az-Latn"}]}
    created = api.post("/api/v1/protests/", new, format="json")
    assert created.status_code == 201
    check(created.json(), "/api/v1/protests/", "post", 201)
    url = f"/api/v1/protests/{created.json()['id']}/"
    edited = api.patch(url, {"title": "Renamed"}, format="json")
    check(edited.json(), "/api/v1/protests/{public_id}/", "patch", 200)
    refused = api.patch(url, {"kind": "spaceship"}, format="json")
    check(refused.json(), "/api/v1/protests/{public_id}/", "patch", 400)
    CitationFactory(record=factories.ProtestFactory(public_id="in-review", status=Status.IN_REVIEW))
    published = api.post("/api/v1/protests/in-review/status/", {"action": "publish"}, format="json")
    assert published.status_code == 200
    check(published.json(), "/api/v1/protests/{public_id}/status/", "post", 200)


def test_a_withdrawn_record_matches_the_schema(client):
    factories.ProtestFactory(public_id="gone", status=Status.WITHDRAWN, withdrawn_reason="Duplicate")
    response = client.get("/api/v1/protests/gone/")
    assert response["Content-Type"] == "application/problem+json"
    check(response.json(), "/api/v1/protests/{public_id}/", "get", 410)


def test_the_strict_check_refuses_an_undocumented_key(client):
    factories.ProtestFactory(public_id="protest-one")
    body = client.get("/api/v1/protests/protest-one/").json()
    with pytest.raises(jsonschema.ValidationError):
        check({**body, "private_note": "x"}, "/api/v1/protests/{public_id}/", "get", 200)


# --- every list documents its parameters ------------------------------------------------------------


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_list_documents_its_filters_paging_and_ordering(key):
    """From the registry's types, not from the schema: a type whose list forgot its parameters (as when
    drf-spectacular took a GeoJSON answer for the primary one) fails here."""
    model = registry.get(key).model
    operation = openapi()["paths"][f"/api/v1/{key}/"]["get"]
    documented = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "query"}
    expected = {*filterset_for(model).base_filters, "cursor", "page_size", "ordering", "format"}
    assert expected <= documented, sorted(expected - documented)


def test_the_ordering_parameter_names_the_fields_it_accepts():
    operation = openapi()["paths"]["/api/v1/protests/"]["get"]
    ordering = next(p for p in operation["parameters"] if p["name"] == "ordering")
    for field in registry.get("protests").ordering_fields:
        assert field in ordering["description"]


INTERNAL = re.compile(r"\.py\b|archive/|\bsubclass\b|\bregistry\b|\bserializers?\b|`record_type`|seed/")


def test_no_public_description_names_the_code_behind_it():
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str) and INTERNAL.search(value):
                    found.append((where, value[:120]))
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    walk(openapi(), "")
    assert not found, found


def test_a_geojson_less_list_does_not_offer_geojson():
    operation = openapi()["paths"]["/api/v1/arrests/"]["get"]
    fmt = next(p for p in operation["parameters"] if p["name"] == "format")
    assert fmt["schema"]["enum"] == ["csv", "json", "json-all"] and "geojson" not in fmt["description"]

"""The OpenAPI schema describes what the API returns: every record of the article, as a list page and as a
detail, validates against its operation's response schema, with no key the schema does not list.

(CI also runs schemathesis against /api/schema/; this checks the same promise in the test suite, on real
records with every kind of part, and strictly: an undocumented key fails.)
"""

import functools
import json
import re

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive import paging, registry, workflow
from archive.filters import filterset_for
from archive.models import Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db

IGNORED = {"readOnly", "writeOnly", "example", "description", "title"}


def strict(node):
    """An OpenAPI 3.1 schema (JSON Schema already) with its objects closed to unlisted keys."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: strict(value) for key, value in node.items() if key not in IGNORED | {"properties"}}
    if "properties" in node:  # names of properties, not keywords: keep every one
        converted["properties"] = {name: strict(value) for name, value in node["properties"].items()}
        converted.setdefault("additionalProperties", False)
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
    assert "csv" in fmt["description"] and "geojson" not in fmt["description"]
    assert list(operation["responses"]["200"]["content"]) == ["application/json", "text/csv"]


def test_a_list_answers_json_first_and_offers_its_streams_as_other_media_types():
    """JSON is the primary answer (a generated client parses it); the `format` enum offers only the values
    that answer JSON, so a generated client never asks for CSV and fails to parse it."""
    operation = openapi()["paths"]["/api/v1/places/"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/json", "text/csv", "application/geo+json"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedPlaceList"
    }
    fmt = next(p for p in operation["parameters"] if p["name"] == "format")
    assert fmt["schema"]["enum"] == ["json", "json-all"] and "geojson" in fmt["description"]


# --- one name per operation and concept, anonymous reads ------------------------------------------------


def operations():
    for path, item in openapi()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_operation_ids_and_tags_follow_the_path_one_tag_per_type():
    actions = {"get": "retrieve", "post": "create", "patch": "partial_update", "delete": "destroy"}
    for key in registry.KEYS:
        name = key.replace("-", "_")
        item = openapi()["paths"][f"/api/v1/{key}/"]
        assert item["get"]["operationId"] == f"{name}_list" and item["post"]["operationId"] == f"{name}_create"
        for method, action in actions.items():
            if method != "post":
                assert openapi()["paths"][f"/api/v1/{key}/{{public_id}}/"][method]["operationId"] == f"{name}_{action}"
    for path, _method, operation in operations():
        tag = path.removeprefix("/api/v1/").split("/")[0]
        assert operation["tags"] == [tag], path
    ids = [operation["operationId"] for _path, _method, operation in operations()]
    assert len(ids) == len(set(ids))


def test_reads_are_anonymous_and_writes_need_a_token():
    for path, method, operation in operations():
        if method == "get":
            assert not operation.get("security"), path  # a generated client reads without credentials
        else:
            assert operation["security"] and {} not in operation["security"], (method, path)
    assert "security" not in openapi()


def ref(node) -> str | None:
    """The component a property names, directly, in an allOf or as a nullable oneOf."""
    for option in [node, *node.get("allOf", []), *node.get("oneOf", []), node.get("items", {})]:
        if "$ref" in option:
            return option["$ref"].rsplit("/", 1)[1]
    return None


SHARED = {
    "Summary",
    "PartialDate",
    "Claim",
    "GroupClaim",
    "Citation",
    "OtherName",
    "Role",
    "Text",
    "Slogan",
    "Translations",
}


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_read_shape_is_typed_with_shared_components(key):
    """No untyped object, no per-type copy of a shared shape: each structured value names one component."""
    components = openapi()["components"]["schemas"]
    name = openapi()["paths"][f"/api/v1/{key}/{{public_id}}/"]["get"]["responses"]["200"]["content"]
    record = components[ref(name["application/json"]["schema"])]
    for field, node in record["properties"].items():
        kinds = node.get("type") or node.get("items", {}).get("type")
        named = ref(node)
        assert named or kinds not in ("object", None), f"{key}.{field} is an untyped object"
        if named and components[named].get("type") == "object":
            assert named in SHARED, f"{key}.{field} names {named}, not a shared component"
    assert not [n for n in components if n.endswith("Enum") and n != "ActionEnum"], "enums are named once"
    page = components[f"Paginated{ref(name['application/json']['schema'])}List"]
    assert {"next", "previous", "results", "page_size", "tombstones"} == set(page["properties"])
    assert ref(page["properties"]["tombstones"]) == "Tombstone"


def test_choices_are_enums_shared_by_the_read_and_write_shapes():
    components = openapi()["components"]["schemas"]
    protest, write = components["Protest"]["properties"], components["ProtestWrite"]["properties"]
    assert ref(protest["kind"]) == ref(write["kind"]) == "ProtestKind"
    assert ref(protest["event_status"]) == "EventStatus"
    assert ref(components["Arrest"]["properties"]["outcome"]) == "ArrestOutcome"
    assert ref(protest["type"]) == ref(components["Summary"]["properties"]["type"]) == "RecordType"
    assert components["RecordType"]["enum"] == list(registry.KEYS)
    assert ref(components["PartialDate"]["properties"]["precision"]) == "DatePrecision"
    assert ref(components["Claim"]["properties"]["claimant_kind"]) == "ClaimantKind"
    assert ref(components["Tombstone"]["properties"]["status"]) == "TombstoneStatus"


def test_coordinates_are_numbers_in_a_place_and_in_its_summary(client):
    factories.PlaceFactory(public_id="tabriz", latitude="38.08", longitude="46.29")
    place = client.get("/api/v1/places/tabriz/").json()
    assert (place["latitude"], place["longitude"]) == (38.08, 46.29)
    latitude = openapi()["components"]["schemas"]["Place"]["properties"]["latitude"]
    assert latitude["type"] == ["number", "null"]
    summary = openapi()["components"]["schemas"]["Summary"]["properties"]["coordinates"]
    assert summary["items"]["type"] == "number"


def test_the_schema_is_openapi_3_1_with_no_3_0_keyword_left():
    assert openapi()["openapi"] == "3.1.0"
    assert '"nullable"' not in json.dumps(openapi())


def test_ordering_is_an_enum_and_page_size_has_its_maximum():
    operation = openapi()["paths"]["/api/v1/protests/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    fields = registry.get("protests").ordering_fields
    assert parameters["ordering"]["enum"] == [f"{sign}{f}" for f in fields for sign in ("", "-")]
    assert parameters["page_size"]["maximum"] == paging.MAX_PAGE_SIZE
    assert parameters["updated_since"]["format"] == "date-time"


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_list_parameter_says_what_it_takes(key):
    """A description, and more than the filter's bare label ("From", "Changed after") for what takes an id or a
    date, so a generated client's docstrings tell how to call it."""
    operation = openapi()["paths"][f"/api/v1/{key}/"]["get"]
    filters = filterset_for(registry.get(key).model).base_filters
    for parameter in operation["parameters"]:
        assert parameter.get("description"), parameter["name"]
        label = str(getattr(filters.get(parameter["name"]), "label", ""))
        if parameter["name"] in {"date_from", "date_to", "place", "updated_since", "search", "organization"}:
            assert len(parameter["description"]) > len(label) + 10, parameter

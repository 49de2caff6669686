"""A Python client generated from the served schema by openapi-python-client is useful as it comes: its list
functions take each list's filters, page to the end by `cursor`, and hand back typed models and enums.

The client is generated once per module from /api/schema/ of pytest-django's `live_server`; the article's
records are committed (`transactional_db`) so the server's thread sees them. openapi-python-client is a
development requirement (`make install-dev`); without it the module skips on a developer's machine and
fails in CI (CI=true), so the check cannot silently stop running.
"""

from __future__ import annotations

import enum
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.management import call_command

from archive import paging, registry
from tests.conftest import article_fixture_files

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "archive_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PAGES = 4  # each list is read in about this many pages, so paging is exercised on every type


def generator() -> str:
    found = str(GENERATOR) if GENERATOR.exists() else shutil.which("openapi-python-client")
    if found is None:
        message = "openapi-python-client is not installed (make install-dev)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def client_package(live_server, tmp_path_factory, django_db_blocker):
    """The generated package, imported: what a data journalist gets from `openapi-python-client generate`."""
    command = generator()
    where = tmp_path_factory.mktemp("generated")
    schema = where / "schema.json"
    # The server's thread opens a connection for the request: a module fixture is outside any test's database access.
    with django_db_blocker.unblock():
        served = httpx.get(f"{live_server.url}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert served.status_code == 200 and served.json()["openapi"].startswith("3.1"), served.text[:500]
    schema.write_bytes(served.content)
    config = where / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")  # no formatter run: not needed
    arguments = [
        "--path",
        str(schema),
        "--meta",
        "none",
        "--output-path",
        str(where / PACKAGE),
        "--config",
        str(config),
    ]
    done = subprocess.run(
        [command, "generate", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr  # nothing left out of the client
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def archive_data(transactional_db):
    call_command("loaddata", *article_fixture_files(), verbosity=0)


@pytest.fixture
def client(client_package, live_server, archive_data):
    """An anonymous client: reading needs no token."""
    with client_package.Client(base_url=live_server.url, raise_on_unexpected_status=True) as anonymous:
        yield anonymous


def operation(key: str, action: str):
    """The generated module of one operation: `archive_client.api.media_outlets.media_outlets_list`."""
    name = key.replace("-", "_")
    return importlib.import_module(f"{PACKAGE}.api.{name}.{name}_{action}")


def api_ids(live_server, key: str, **params) -> list[str]:
    """The ids the API itself lists, read without the generated client (every page in one answer)."""
    answer = httpx.get(f"{live_server.url}/api/v1/{key}/", params={"format": "json-all", **params}, timeout=60)
    assert answer.status_code == 200, answer.text[:500]
    return [record["id"] for record in answer.json()["results"]]


def every_page(list_operation, client, size: int = 50, **filters) -> tuple[list, int]:
    """Every record of a filtered list through the generated function, following `next` by its cursor."""
    records, pages, cursor = [], 0, None
    while True:
        page = list_operation.sync(client=client, page_size=size, **filters, **({"cursor": cursor} if cursor else {}))
        pages += 1
        assert page.page_size == size
        records += page.results
        if page.next_ is None:
            return records, pages
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]


def test_the_client_filters_protests_by_date_and_place(client_package, client, live_server):
    protests_list = operation("protests", "list")
    everything = api_ids(live_server, "protests")
    filters = {"date_from": "October 2020", "date_to": "2020-10-31", "place": "place-tabriz"}
    found, _pages = every_page(protests_list, client, size=2, **filters)
    expected = api_ids(live_server, "protests", **filters)
    assert [protest.id for protest in found] == expected
    assert 0 < len(expected) < len(everything)  # the filters chose some protests, not all and not none
    for protest in found:
        assert isinstance(protest, client_package.models.Protest)
        assert protest.date.start is None or protest.date.start.year == 2020
        assert any(place.id for place in protest.places)


def test_a_bad_filter_is_a_typed_error(client_package, client):
    answer = operation("protests", "list").sync_detailed(client=client, date_from="someday")
    assert answer.status_code == 400
    assert isinstance(answer.parsed, client_package.models.ErrorResponse)
    assert "date_from" in answer.parsed.additional_properties


@pytest.mark.parametrize("key", registry.KEYS)
def test_the_client_pages_through_every_type_to_the_end(client_package, client, live_server, key):
    expected = api_ids(live_server, key)
    size = max(1, -(-len(expected) // PAGES))
    records, pages = every_page(operation(key, "list"), client, size=size)
    assert [record.id for record in records] == expected
    assert pages == -(-len(expected) // size) and pages > 1
    model = getattr(client_package.models, records[0].__class__.__name__)
    for record in records:
        assert isinstance(record, model)
        assert not record.additional_properties, f"{key}: untyped keys {sorted(record.additional_properties)}"
        assert record.type_ == client_package.models.RecordType(key)
        for citation in record.citations:
            assert isinstance(citation, client_package.models.Citation)
            assert isinstance(citation.source, client_package.models.Summary)
    one = operation(key, "retrieve").sync(client=client, public_id=records[0].id)
    assert one == records[0]  # attrs models compare field by field


def test_typed_fields_come_back_as_models_and_enums(client_package, client):
    models = client_package.models
    protests, _pages = every_page(operation("protests", "list"), client)
    for protest in protests:
        assert isinstance(protest.kind, models.ProtestKind) and isinstance(protest.event_status, models.EventStatus)
        assert isinstance(protest.date, models.PartialDate) and isinstance(protest.date.precision, models.DatePrecision)
        for claim in protest.size_claims:
            assert isinstance(claim, models.Claim) and isinstance(claim.claimant_kind, models.ClaimantKind)
    arrests, _pages = every_page(operation("arrests", "list"), client)
    assert {type(arrest.outcome) for arrest in arrests} == {models.ArrestOutcome}
    places, _pages = every_page(operation("places", "list"), client, has_coordinates=True)
    assert places
    for place in places:
        assert isinstance(place.latitude, float) and isinstance(place.longitude, float)
        assert isinstance(place.kind, models.PlaceKind) and isinstance(place.kind, enum.Enum)
    # A summary's coordinates and the place's own say the same, both as numbers.
    tabriz = next(place for place in places if place.id == "place-tabriz")
    linked = [summary for protest in protests for summary in protest.places if summary.id == tabriz.id]
    assert linked and all(summary.coordinates == [tabriz.longitude, tabriz.latitude] for summary in linked)


def test_a_page_size_over_the_maximum_gets_the_maximum(client):
    page = operation("sources", "list").sync(client=client, page_size=paging.MAX_PAGE_SIZE + 1)
    assert page.page_size == paging.MAX_PAGE_SIZE

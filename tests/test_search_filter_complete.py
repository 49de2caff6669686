"""A list filtered with `?search=` holds every match, not the first thousand (#16): the site, the API
pages and the CSV export read the same subquery."""

import pytest

from archive import search
from archive.models import Protest, Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def bazaar(monkeypatch):
    """Five public and one draft protest matching "bazaar", and a cap of two on ranked matches."""
    for n in range(5):
        factories.ProtestFactory(title=f"Bazaar strike {n}")
    factories.ProtestFactory(title="Bazaar strike (draft)", status=Status.DRAFT)
    factories.ProtestFactory(title="Rally at the square")
    search.rebuild()
    monkeypatch.setattr(search, "MAX_MATCHING_IDS", 2)
    return set(Protest.objects.published().filter(title__startswith="Bazaar").values_list("public_id", flat=True))


def test_api_list_search_is_not_cut_at_the_ranked_cap(client, bazaar):
    body = client.get("/api/v1/protests/", {"search": "bazaar", "page_size": 100}).json()
    assert {record["id"] for record in body["results"]} == bazaar


def test_csv_export_with_a_search_holds_every_match(client, bazaar):
    response = client.get("/api/v1/protests/", {"search": "bazaar", "format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert all(public_id in body for public_id in bazaar) and "draft" not in body


def test_site_list_search_holds_every_match(client, bazaar):
    records = client.get("/en/protests/", {"search": "bazaar", "page_size": 100}).context["records"]
    assert {record.public_id for record in records} == bazaar


def test_admin_search_still_ranks_within_the_cap(bazaar):
    assert len(search.matching_ids(Protest, "bazaar")) == 2

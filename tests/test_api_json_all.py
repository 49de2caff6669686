"""`?format=json-all`: every page of the JSON list in one streamed answer, through the public gate, in the
pages' order, read in keyset chunks."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from archive import changes, models, paging
from archive.api import jsonstream
from tests import factories

pytestmark = pytest.mark.django_db


def streamed(client, path: str, **params) -> dict:
    response = client.get(f"/api/v1/{path}/", {"format": "json-all", **params})
    assert response.status_code == 200, response.content
    assert response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


def paged_ids(client, path: str, **params) -> list[str]:
    body = client.get(f"/api/v1/{path}/", {"page_size": 7, **params}).json()
    found = [row["id"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        found += [row["id"] for row in body["results"]]
    return found


@pytest.fixture
def many_protests(db):
    """More published protests than one API page, some undated, with the same date repeated (ties), and
    records the public may not see."""
    with changes.recording():
        shown = [
            factories.ProtestFactory(
                date_start=None if n % 9 == 0 else dt.date(2020, 10, 1 + n % 5),
                date_precision="undated" if n % 9 == 0 else "day",
                kind=models.ProtestKind.STRIKE if n % 4 == 0 else models.ProtestKind.RALLY,
            )
            for n in range(paging.DEFAULT_PAGE_SIZE + 13)
        ]
        hidden = [
            factories.ProtestFactory(title="Draft protest", status=models.Status.DRAFT),
            factories.ProtestFactory(title="In review protest", status=models.Status.IN_REVIEW),
            factories.ProtestFactory(title="Restricted protest", restricted=True),
            factories.ProtestFactory(
                title="Withdrawn protest", status=models.Status.WITHDRAWN, withdrawn_reason="Wrong."
            ),
        ]
    return shown, hidden


@pytest.mark.parametrize("ordering", ["", "-date_start", "date_start", "-updated", "-pk"])
def test_every_public_record_comes_back_in_the_pages_order(client, many_protests, monkeypatch, ordering):
    monkeypatch.setattr(jsonstream, "CHUNK", 10)  # several chunks, one of them partly full
    shown, hidden = many_protests
    found = [row["id"] for row in streamed(client, "protests", ordering=ordering)["results"]]
    assert len(found) == len(shown) > paging.DEFAULT_PAGE_SIZE
    assert found == paged_ids(client, "protests", ordering=ordering)
    assert not {p.public_id for p in hidden} & set(found)


def test_more_than_a_page_at_the_default_chunk(client, many_protests):
    shown, _hidden = many_protests
    body = streamed(client, "protests")
    assert set(body) == {"next", "previous", "page_size", "results"}  # a page's envelope, holding every page
    assert body["next"] is None and body["previous"] is None
    assert [row["id"] for row in body["results"]] == sorted((p.public_id for p in shown), key=_pk_of(shown))


def _pk_of(records):
    pks = {r.public_id: r.pk for r in records}
    return pks.__getitem__


def test_records_are_serialized_as_on_the_pages(client, many_protests):
    first_page = client.get("/api/v1/protests/", {"ordering": "-date_start"}).json()["results"]
    whole = streamed(client, "protests", ordering="-date_start")["results"]
    assert whole[: len(first_page)] == first_page


def test_the_filters_apply(client, many_protests):
    shown, _hidden = many_protests
    strikes = [p.public_id for p in shown if p.kind == models.ProtestKind.STRIKE]
    found = [row["id"] for row in streamed(client, "protests", kind="strike")["results"]]
    assert sorted(found) == sorted(strikes) and found


def test_an_empty_list_is_an_empty_array(client, db):
    assert streamed(client, "arrests") == {"next": None, "previous": None, "page_size": 50, "results": []}


def test_it_downloads_as_a_file_named_by_the_type(client, many_protests):
    response = client.get("/api/v1/media-outlets/?format=json-all")
    assert response["Content-Disposition"] == 'attachment; filename="media-outlets.json"'


@pytest.mark.parametrize(
    "query", ["kind=nonsense", "ordering=title", "unknown=1", "date_from=not-a-date", "updated_since=yesterday"]
)
def test_bad_parameters_are_a_400_with_a_message_not_a_stream(client, many_protests, query):
    response = client.get(f"/api/v1/protests/?format=json-all&{query}")
    assert response.status_code == 400
    assert not response.streaming
    assert response.json()["detail"]


def test_with_updated_since_the_tombstones_follow(client, many_protests):
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    body = streamed(client, "protests", updated_since=since)
    assert set(body) == {"next", "previous", "page_size", "results", "tombstones"}
    assert isinstance(body["tombstones"], list)


def test_a_single_record_is_not_json_all(client, many_protests):
    shown, _hidden = many_protests
    response = client.get(f"/api/v1/protests/{shown[0].public_id}/?format=json-all")
    assert response.status_code == 400


def test_the_site_list_links_its_json_download_to_the_whole_list(client, many_protests):
    page = client.get("/en/protests/?kind=strike&sort=-date").content.decode()
    assert "/api/v1/protests/?kind=strike&amp;ordering=-date_start%2C-pk&amp;format=json-all" in page


@pytest.mark.parametrize("fmt", ["json", "json-all"])
def test_a_page_size_beyond_the_maximum_gets_the_maximum_and_nonsense_is_a_400(client, fmt):
    """Schemathesis found json-all answering 500 to page_size=327887953 (the paged list answered 400)."""
    factories.ProtestFactory(status=models.Status.PUBLISHED)
    huge = client.get(f"/api/v1/protests/?format={fmt}&page_size=327887953")
    assert huge.status_code == 200
    body = json.loads(b"".join(huge.streaming_content) if huge.streaming else huge.content)
    assert body["page_size"] == paging.MAX_PAGE_SIZE
    for nonsense in ("0", "-1", "ten", "9" * 40):
        answer = client.get(f"/api/v1/protests/?format={fmt}&page_size={nonsense}")
        assert answer.status_code == 400, nonsense
        assert answer["Content-Type"].startswith("application/problem+json")
        assert answer.json()["errors"][0]["parameter"] == "page_size"

"""Paging through `archive.paging`: the envelope, cursors both ways, and 400s naming the parameter."""

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone
from django.utils.http import urlencode

from archive import paging, workflow
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db


def page(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def ids(body: dict) -> list[str]:
    return [row["id"] for row in body["results"]]


@pytest.fixture
def seven_places(db):
    return [factories.PlaceFactory(public_id=f"place-{n}", name=f"Place {n}") for n in range(7)]


def test_the_envelope(client, seven_places):
    body = page(client, "/api/v1/places/?page_size=3")
    assert set(body) == {"next", "previous", "results", "page_size"}
    assert (body["previous"], body["page_size"], len(body["results"])) == (None, 3, 3)
    assert body["next"].startswith("http://testserver/api/v1/places/?") and "page_size=3" in body["next"]


@pytest.mark.parametrize("ordering", ["", "name", "-name", "-updated", "-pk", "name,-pk"])
def test_next_and_previous_walk_the_whole_list_both_ways(client, seven_places, ordering):
    url, pages = f"/api/v1/places/?page_size=3&ordering={ordering}", []
    while url:
        body = page(client, url)
        pages.append(ids(body))
        url = body["next"]
    assert sorted(record for records in pages for record in records) == sorted(p.public_id for p in seven_places)
    assert [len(p) for p in pages] == [3, 3, 1]
    second = page(client, page(client, f"/api/v1/places/?page_size=3&ordering={ordering}")["next"])
    back = page(client, second["next"])
    assert ids(page(client, back["previous"])) == pages[1]


def test_a_cursor_made_for_another_ordering_is_a_400_naming_the_cursor(client, seven_places):
    cursor_url = page(client, "/api/v1/places/?page_size=3&ordering=name")["next"]
    response = client.get(cursor_url.replace("ordering=name", "ordering=-name"))
    assert response.status_code == 400 and "cursor" in response.json()


@pytest.mark.parametrize("size", ["0", "x", "-1", "1.5"])
def test_a_bad_page_size_is_a_400_naming_it(client, size):
    response = client.get("/api/v1/places/", {"page_size": size})
    assert response.status_code == 400 and "500" in response.json()["page_size"][0]


def test_the_ordering_names_the_allowed_fields(client):
    response = client.get("/api/v1/places/", {"ordering": "description"})
    assert response.status_code == 400 and "name, updated, pk" in response.json()["ordering"][0]


def test_tombstones_are_on_the_first_page_of_an_updated_since_list_only(client, seven_places):
    editor = user_in_role("Editor", "edna")
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    workflow.record_withdraw(record=seven_places[0], user=editor, reason="Duplicate")
    first = page(client, f"/api/v1/places/?{urlencode({'page_size': 3, 'updated_since': since})}")
    assert [t["id"] for t in first["tombstones"]] == ["place-0"] and first["tombstones"][0]["type"] == "places"
    assert "tombstones" not in page(client, first["next"])
    assert "tombstones" not in page(client, "/api/v1/places/")


def _keyset(payload) -> str:
    return paging.seal(json.dumps(payload).encode())


@pytest.mark.parametrize(
    ("position", "status"),
    [("2020-10-01T00:00:00+20:00", 200), ("9999-12-31T23:59:59-23:59", 400), ("0001-01-01T00:00:00+23:59", 400)],
)
def test_a_cursor_time_with_an_odd_offset_is_a_page_or_a_400(client, seven_places, position, status):
    """PostgreSQL refuses offsets beyond ±15:59 (a 500, found by the fuzz): cursor times are read as UTC."""
    cursor = _keyset({"o": ["-updated", "pk"], "p": [position, 1]})
    response = client.get("/api/v1/places/", {"ordering": "-updated", "cursor": cursor})
    assert response.status_code == status
    if status == 400:
        assert "cursor" in response.json()


def link_header(response) -> dict[str, str]:
    """`Link: <url>; rel="next", <url>; rel="prev"` as {rel: url}."""
    found = {}
    for part in filter(None, response.get("Link", "").split(", ")):
        url, rel = part.split("; ")
        assert url.startswith("<") and url.endswith(">") and rel.startswith('rel="')
        found[rel[5:-1]] = url[1:-1]
    return found


def test_link_headers_match_the_body(client, seven_places):
    first = client.get("/api/v1/places/?page_size=3")
    assert link_header(first) == {"next": first.json()["next"]}
    middle = client.get(first.json()["next"])
    body = middle.json()
    assert link_header(middle) == {"next": body["next"], "prev": body["previous"]}
    assert ids(page(client, link_header(middle)["prev"])) == ids(first.json())
    last = client.get(body["next"])
    assert link_header(last) == {"prev": last.json()["previous"]}
    again = client.get(body["next"])  # a cached answer keeps its header
    assert link_header(again) == link_header(last)
    assert "Link" not in client.get("/api/v1/places/?page_size=10")


def test_a_cursor_is_opaque_and_cannot_be_forged(client, seven_places):
    """A cursor shows no position (a primary key would tell how many hidden records were made between two
    public ones), and a position written by a client, or a cursor changed in one character, is a 400."""
    first = client.get("/api/v1/places/", {"page_size": 2}).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert b'"p"' not in raw and b"pk" not in raw
    assert json.loads(paging.unseal(cursor))["o"][-1] == "pk"
    assert client.get(first["next"]).status_code == 200

    forged = base64.urlsafe_b64encode(json.dumps({"o": ["pk"], "p": [1]}).encode()).decode().rstrip("=")
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (forged, flipped):
        response = client.get("/api/v1/places/", {"page_size": 2, "cursor": bad})
        assert response.status_code == 400, bad
        assert "cursor" in response.json()["detail"].lower() or "cursor" in str(response.json())


def test_the_same_position_seals_to_the_same_cursor():
    """Deterministic: a page's next link is the same on every request (caches and ETags keep working)."""
    assert paging.seal(b'{"o":["pk"],"p":[3]}') == paging.seal(b'{"o":["pk"],"p":[3]}')
    assert paging.seal(b'{"o":["pk"],"p":[3]}') != paging.seal(b'{"o":["pk"],"p":[4]}')


def walk(client, url: str) -> tuple[list[str], list[str]]:
    """Every id following `next` from `url`, and every id following `previous` back from the last page."""
    forward, pages = [], []
    while url:
        pages.append(page(client, url))
        forward += ids(pages[-1])
        url = pages[-1]["next"]
    backward, url = ids(pages[-1]), pages[-1]["previous"]
    while url:
        body = page(client, url)
        backward, url = ids(body) + backward, body["previous"]
    return forward, backward


@pytest.mark.parametrize("ordering", ["date_start", "-date_start", "-updated", "-pk", "-date_start,-pk"])
def test_pages_walk_both_ways_across_undated_records_in_the_lists_order(client, ordering):
    """A page's rows carry only their position and document (not model instances): an undated record's position
    is the stand-in its ordering sorts it by, so the walk both ways across them gives the list's order."""
    days = ["2020-10-03", "2020-10-01", None, "2020-10-02", "2020-10-02", None, "2020-10-05", None]
    protests = [
        factories.ProtestFactory(date_start=day, **({} if day else {"date_precision": "undated"})) for day in days
    ]
    for protest in protests:
        protest.refresh_from_db()
    last, first = dt.date.max, dt.date.min

    def position(protest, field):
        if field == "date_start":
            return protest.date_start or (first if ordering.startswith("-") else last)
        return getattr(protest, field)

    expected = protests
    keys = ordering.split(",")
    keys += [] if {"pk", "-pk"} & set(keys) else ["pk"]  # the pk breaks ties last
    for name in reversed(keys):  # stable sorts, the last key first
        field = name.lstrip("-")
        expected = sorted(expected, key=lambda p, field=field: position(p, field), reverse=name.startswith("-"))
    expected = [p.public_id for p in expected]

    assert ids(page(client, f"/api/v1/protests/?ordering={ordering}&page_size=100")) == expected
    for size in (2, 3):
        assert walk(client, f"/api/v1/protests/?ordering={ordering}&page_size={size}") == (expected, expected)

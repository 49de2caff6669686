"""Writes honour If-Match (412 when the client read an older version) and answer with the record's ETag."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.models import Protest, Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


def api_for(role: str) -> APIClient:
    client = APIClient()
    user = user_in_role(role, role.lower())
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def editor_api(db) -> APIClient:
    return api_for("Editor")


@pytest.fixture
def archivist_api(db) -> APIClient:
    return api_for("Archivist")


def test_a_write_answers_with_the_etag_a_read_gives(editor_api, client):
    factories.ProtestFactory(public_id="protest-one")
    factories.PlaceFactory(public_id="tabriz")
    change = {"title": "Renamed", "places": ["tabriz"]}
    response = editor_api.patch("/api/v1/protests/protest-one/", change, format="json")
    assert response.status_code == 200 and response["ETag"] and response["Last-Modified"]
    assert client.get("/api/v1/protests/protest-one/")["ETag"] == response["ETag"]


def test_a_patch_with_the_current_etag_proceeds(editor_api, client):
    factories.ProtestFactory(public_id="protest-one")
    tag = client.get("/api/v1/protests/protest-one/")["ETag"]
    response = editor_api.patch("/api/v1/protests/protest-one/", {"title": "Renamed"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    again = editor_api.patch(
        "/api/v1/protests/protest-one/", {"title": "Again"}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert again.status_code == 200 and Protest.objects.get().title == "Again"


@pytest.mark.parametrize("form", ["W/{tag}", '"other", W/{tag}', "*"], ids=["weak", "in-a-list", "star"])
def test_a_patch_with_the_weak_form_of_the_current_etag_proceeds(editor_api, client, form):
    """A client that read the record gzipped (here, or through nginx) only saw `W/"…"`: it may send that."""
    factories.ProtestFactory(public_id="protest-one")
    tag = client.get("/api/v1/protests/protest-one/", HTTP_ACCEPT_ENCODING="gzip")["ETag"].removeprefix("W/")
    response = editor_api.patch(
        "/api/v1/protests/protest-one/", {"title": "Renamed"}, format="json", HTTP_IF_MATCH=form.format(tag=tag)
    )
    assert response.status_code == 200 and Protest.objects.get().title == "Renamed"


def test_a_stale_weak_etag_is_a_412_too(editor_api, client):
    protest = factories.ProtestFactory(public_id="protest-one", title="Original")
    stale = client.get("/api/v1/protests/protest-one/", HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert stale.startswith("W/")
    protest.description = "Someone else's edit"
    protest.save()
    response = editor_api.patch("/api/v1/protests/protest-one/", {"title": "Mine"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and Protest.objects.get().title == "Original"


def test_a_patch_with_a_stale_etag_is_a_412_and_changes_nothing(editor_api, client):
    protest = factories.ProtestFactory(public_id="protest-one", title="Original")
    stale = client.get("/api/v1/protests/protest-one/")["ETag"]
    protest.description = "Someone else's edit"
    protest.save()
    response = editor_api.patch("/api/v1/protests/protest-one/", {"title": "Mine"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and response.json()["detail"]
    assert Protest.objects.get().title == "Original"


@pytest.mark.parametrize("header", ["*", None], ids=["star", "absent"])
def test_a_patch_without_a_specific_etag_proceeds(editor_api, header):
    factories.ProtestFactory(public_id="protest-one")
    headers = {"HTTP_IF_MATCH": header} if header else {}
    response = editor_api.patch("/api/v1/protests/protest-one/", {"title": "Mine"}, format="json", **headers)
    assert response.status_code == 200


def test_a_delete_with_a_stale_etag_is_a_412_and_deletes_nothing(editor_api):
    factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    response = editor_api.delete("/api/v1/protests/draft-one/", HTTP_IF_MATCH='"not-the-current-one"')
    assert response.status_code == 412 and response.json()["detail"]
    assert Protest.objects.filter(public_id="draft-one").exists()


def test_a_draft_can_be_edited_twice_with_the_etag_the_first_edit_gave(archivist_api):
    created = archivist_api.post(
        "/api/v1/protests/", {"id": "new-one", "title": "Rally", "kind": "rally", "date": "2020"}, format="json"
    )
    assert created.status_code == 201 and created["ETag"]
    stale = created["ETag"]
    edited = archivist_api.patch("/api/v1/protests/new-one/", {"title": "A"}, format="json", HTTP_IF_MATCH=stale)
    assert edited.status_code == 200
    again = archivist_api.patch("/api/v1/protests/new-one/", {"title": "B"}, format="json", HTTP_IF_MATCH=stale)
    assert again.status_code == 412 and Protest.objects.get().title == "A"


def test_a_status_change_honours_if_match_and_answers_with_the_new_etag(editor_api, client):
    protest = factories.ProtestFactory(public_id="protest-one", status=Status.IN_REVIEW)
    CitationFactory(record=protest)
    stale = '"from-before"'
    url = "/api/v1/protests/protest-one/status/"
    assert editor_api.post(url, {"action": "publish"}, format="json", HTTP_IF_MATCH=stale).status_code == 412
    published = editor_api.post(url, {"action": "publish"}, format="json")
    assert published.status_code == 200 and published.json()["status"] == Status.PUBLISHED
    assert client.get("/api/v1/protests/protest-one/")["ETag"] == published["ETag"]

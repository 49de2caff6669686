"""Writing through the API with a token: the admin's roles and rules, with history."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.models import Protest, Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def archivist(db):
    return user_in_role("Archivist", "archie")


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


@pytest.fixture
def tabriz(db):
    return factories.PlaceFactory(public_id="place-tabriz", name="Tabriz")


NEW_PROTEST = {
    "id": "protest-new",
    "title": "Rally in Tabriz",
    "kind": "rally",
    "event_status": "held",
    "date": "mid-October 2020",
    "places": ["place-tabriz"],
}


def test_anonymous_writes_are_401(tabriz):
    response = client_for(None).post("/api/v1/protests/", NEW_PROTEST, format="json")
    assert response.status_code == 401
    assert not Protest.objects.exists()


def test_staff_without_permission_gets_403(tabriz):
    viewer = User.objects.create_user("viewer", is_staff=True)
    assert client_for(viewer).post("/api/v1/protests/", NEW_PROTEST, format="json").status_code == 403


def test_archivist_creates_a_draft_with_history(archivist, tabriz):
    response = client_for(archivist).post("/api/v1/protests/", NEW_PROTEST, format="json")
    assert response.status_code == 201, response.json()
    protest = Protest.objects.get(public_id="protest-new")
    assert (protest.status, protest.date_display, list(protest.places.all())) == (
        Status.DRAFT,
        "mid-October 2020",
        [tabriz],
    )
    assert protest.history.first().history_user == archivist
    assert not Protest.objects.published().exists()


def test_status_in_the_body_is_ignored(archivist, tabriz):
    client_for(archivist).post("/api/v1/protests/", {**NEW_PROTEST, "status": "published"}, format="json")
    assert Protest.objects.get(public_id="protest-new").status == Status.DRAFT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2020-02-30"}, "date"),
        ({"date": "2020-10-18..2020-10-01"}, "date"),
        ({"places": ["place-nowhere"]}, "places"),
        ({"kind": "spaceship"}, "kind"),
        ({"id": "Not An Id!"}, "public_id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(archivist, tabriz, change, field):
    response = client_for(archivist).post("/api/v1/protests/", {**NEW_PROTEST, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json() or field in str(response.json())
    assert not Protest.objects.exists()


def test_archivist_edits_drafts_but_not_published_records(archivist):
    draft = factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    published = factories.ProtestFactory(public_id="published-one")
    client = client_for(archivist)
    assert client.patch("/api/v1/protests/draft-one/", {"title": "Better"}, format="json").status_code == 200
    draft.refresh_from_db()
    assert draft.title == "Better" and draft.history.first().history_user == archivist
    assert client.patch("/api/v1/protests/published-one/", {"title": "Sneaky"}, format="json").status_code == 403
    published.refresh_from_db()
    assert published.title != "Sneaky"


def test_workflow_through_the_api(archivist, editor):
    draft = factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    CitationFactory(record=draft)
    archivist_api, editor_api = client_for(archivist), client_for(editor)
    archivist_api.patch("/api/v1/protests/draft-one/", {"title": "Edited"}, format="json")
    assert (
        archivist_api.post("/api/v1/protests/draft-one/status/", {"action": "submit"}, format="json").status_code == 200
    )
    refused = archivist_api.post("/api/v1/protests/draft-one/status/", {"action": "publish"}, format="json")
    assert refused.status_code == 403 and "editor" in str(refused.json())
    assert (
        editor_api.post("/api/v1/protests/draft-one/status/", {"action": "publish"}, format="json").status_code == 200
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.history.first().history_user == editor


def test_withdrawal_needs_a_reason(editor):
    factories.ProtestFactory(public_id="pub-one")
    api = client_for(editor)
    assert api.post("/api/v1/protests/pub-one/status/", {"action": "withdraw"}, format="json").status_code == 400
    ok = api.post("/api/v1/protests/pub-one/status/", {"action": "withdraw", "reason": "Duplicate"}, format="json")
    assert ok.status_code == 200


def test_only_editors_delete(archivist, editor):
    factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    assert client_for(archivist).delete("/api/v1/protests/draft-one/").status_code == 403
    assert client_for(editor).delete("/api/v1/protests/draft-one/").status_code == 204
    deleted = Protest.history.filter(history_type="-").get()
    assert deleted.history_user == editor


def test_put_is_not_offered(archivist):
    factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    assert client_for(archivist).put("/api/v1/protests/draft-one/", NEW_PROTEST, format="json").status_code == 405


def test_reads_stay_public_only_for_staff_too(archivist):
    factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    assert client_for(archivist).get("/api/v1/protests/draft-one/").status_code == 404

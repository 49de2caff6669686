"""Permission matrix for API writes: anonymous / archivist / editor × method × endpoint."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive.models import Status
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "protests": {"title": "Rally", "kind": "rally", "date": "2020"},
    "arrests": {"group_description": "activists", "date": "2020-10"},
    "statements": {"title": "Letter", "form": "letter", "date": "1993"},
    "organizations": {"name": "Front", "kind": "political"},
    "media-outlets": {"name": "Radio", "kind": "radio"},
    "people": {"name": "Someone"},
    "places": {"name": "Town", "kind": "city"},
    "sources": {"kind": "book", "title": "A book", "date": "2013"},
}
FACTORY = {
    "protests": factories.ProtestFactory,
    "arrests": factories.ArrestFactory,
    "statements": factories.StatementFactory,
    "organizations": factories.OrganizationFactory,
    "media-outlets": factories.MediaOutletFactory,
    "people": factories.PersonFactory,
    "places": factories.PlaceFactory,
    "sources": factories.SourceFactory,
}
EXPECTED = {
    # role: (create, edit draft, edit published, delete draft)
    "anonymous": (401, 401, 401, 401),
    "archivist": (201, 200, 403, 403),
    "editor": (201, 200, 200, 204),
}


def api(role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        user = user_in_role(role.capitalize(), role)
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("endpoint", list(PAYLOADS))
def test_write_permissions(role, endpoint):
    client = api(role)
    draft = FACTORY[endpoint](public_id=f"{endpoint}-draft", status=Status.DRAFT)
    published = FACTORY[endpoint](public_id=f"{endpoint}-published")
    create, edit_draft, edit_published, delete = EXPECTED[role]
    base = f"/api/v1/{endpoint}/"
    assert client.post(base, PAYLOADS[endpoint], format="json").status_code == create
    assert (
        client.patch(f"{base}{draft.public_id}/", {"public_note": "checked"}, format="json").status_code == edit_draft
    )
    assert (
        client.patch(f"{base}{published.public_id}/", {"public_note": "checked"}, format="json").status_code
        == edit_published
    )
    assert client.delete(f"{base}{draft.public_id}/").status_code == delete


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("archivist", 403), ("editor", 200)])
def test_publishing_through_the_api(role, expected):
    from tests.factories import CitationFactory

    protest = factories.ProtestFactory(public_id="protest-review", status=Status.IN_REVIEW)
    CitationFactory(record=protest)
    response = api(role).post("/api/v1/protests/protest-review/status/", {"action": "publish"}, format="json")
    assert response.status_code == expected
    assert response.json()


# --- the write path's refusals, as JSON 403s that leave nothing behind -----------------------------


def test_an_archivist_cannot_clear_at_risk_and_nothing_changes():
    person = factories.PersonFactory(public_id="protected", status=Status.DRAFT, at_risk=True, name="Before")
    response = api("archivist").patch("/api/v1/people/protected/", {"at_risk": False, "name": "After"}, format="json")
    assert response.status_code == 403 and "at risk" in response.json()["detail"]
    person.refresh_from_db()
    assert (person.at_risk, person.name) == (True, "Before")


def test_an_editor_may_clear_at_risk():
    person = factories.PersonFactory(public_id="protected", status=Status.DRAFT, at_risk=True)
    assert api("editor").patch("/api/v1/people/protected/", {"at_risk": False}, format="json").status_code == 200
    person.refresh_from_db()
    assert person.at_risk is False


def test_an_archivist_may_raise_at_risk():
    person = factories.PersonFactory(public_id="someone", status=Status.DRAFT)
    assert api("archivist").patch("/api/v1/people/someone/", {"at_risk": True}, format="json").status_code == 200
    person.refresh_from_db()
    assert person.at_risk is True


def test_an_archivist_cannot_change_a_published_records_parts_through_a_draft_and_nothing_changes():
    """A slogan belongs to every protest that chants it: retranslating it edits the published protest too."""
    from archive.models import Language, Slogan

    language = Language.objects.create(code="az-Latn", name="Azerbaijani")
    slogan = Slogan.objects.create(text="Azadlıq", language=language, translation="Freedom")
    factories.ProtestFactory(public_id="published-one").slogans.add(slogan)
    draft = factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT, title="Before")
    change = {"title": "After", "slogans": [{"text": "Azadlıq", "language": "az-Latn", "translation": "Liberty"}]}
    response = api("archivist").patch("/api/v1/protests/draft-one/", change, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    slogan.refresh_from_db()
    draft.refresh_from_db()
    assert (slogan.translation, draft.title, list(draft.slogans.all())) == ("Freedom", "Before", [])


def test_an_archivist_may_reuse_a_published_protests_slogan_as_it_is():
    from archive.models import Language, Slogan

    language = Language.objects.create(code="az-Latn", name="Azerbaijani")
    slogan = Slogan.objects.create(text="Azadlıq", language=language, translation="Freedom")
    factories.ProtestFactory(public_id="published-one").slogans.add(slogan)
    draft = factories.ProtestFactory(public_id="draft-one", status=Status.DRAFT)
    change = {"slogans": [{"text": "Azadlıq", "language": "az-Latn", "translation": "Freedom"}]}
    assert api("archivist").patch("/api/v1/protests/draft-one/", change, format="json").status_code == 200
    assert list(draft.slogans.all()) == [slogan]


@pytest.mark.parametrize("change", [{"title": "Sneaky"}, {"places": ["somewhere"]}, {"public_note": "x"}])
def test_an_archivist_cannot_patch_a_published_record_and_nothing_changes(change):
    published = factories.ProtestFactory(public_id="published-one", title="Original")
    factories.PlaceFactory(public_id="somewhere")
    response = api("archivist").patch("/api/v1/protests/published-one/", change, format="json")
    assert response.status_code == 403 and response.json()["detail"]
    published.refresh_from_db()
    assert (published.title, published.public_note, list(published.places.all())) == ("Original", "", [])


def test_publishing_without_a_citation_stays_a_400():
    factories.ProtestFactory(public_id="uncited", status=Status.IN_REVIEW)
    response = api("editor").post("/api/v1/protests/uncited/status/", {"action": "publish"}, format="json")
    assert response.status_code == 400 and "citation" in str(response.json())

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

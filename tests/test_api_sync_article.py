"""On the article's own records: after renames, an `updated_since` re-sync equals a fresh full pull.

Every summary a record embeds (a citation's source, a source's `cited_in`, a claim's source, an
organization's country, a person's roles' organizations, a protest's places…) must come back when the
record it names is renamed, and a list's ETag must change whenever a listed record's body does.
"""

import pytest

from archive import changes
from archive import models as m
from examples.mirror import sync
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db

BASE = "http://testserver/api/v1/"


def full_pull(client) -> dict:
    return sync(lambda url: client.get(url).json(), BASE, {})["records"]


def country_shown_by_organizations():
    countries = m.Organization.objects.published().exclude(country=None).values("country")
    return m.Place.objects.published().filter(pk__in=countries).first()


def rename(record, field: str, editor) -> str:
    new = f"RENAMED {record.public_id}"
    with changes.recording(user=editor):
        setattr(record, field, new)
        record.save()
    return new


def test_a_mirror_converges_after_renaming_a_source_a_place_and_an_organization(article, client):
    editor = user_in_role("Editor", "edna")
    get = lambda url: client.get(url).json()  # noqa: E731
    mirror = sync(get, BASE, {})
    assert mirror["records"] == full_pull(client)

    # The most shown records of each kind: a cited source, a country, an organization with members.
    source = m.Source.objects.published().filter(citations__isnull=False).distinct().first()
    place = country_shown_by_organizations()
    organization = m.Organization.objects.published().filter(affiliations__isnull=False).distinct().first()
    assert source and place and organization
    names = [
        rename(source, "title", editor),
        rename(place, "name", editor),
        rename(organization, "name", editor),
    ]

    sync(get, BASE, mirror)
    fresh = full_pull(client)
    for kind, records in fresh.items():
        for public_id, record in records.items():
            assert mirror["records"][kind].get(public_id) == record, f"{kind}/{public_id} is stale in the mirror"
    assert mirror["records"] == fresh
    for name in names:
        assert str(mirror["records"]).count(name) > 1, f"{name} is shown by other records"
    assert "RENAMED" in str(fresh["people"]) and "RENAMED" in str(fresh["organizations"])


def test_a_list_etag_changes_when_a_listed_record_body_changes(article, client):
    editor = user_in_role("Editor", "edna")
    place = country_shown_by_organizations()
    url = "/api/v1/organizations/?page_size=500"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    rename(place, "name", editor)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again.content != first.content
    assert again["ETag"] != etag

"""Every admin write ends in the write path, inside the request's changeset: inline edits, deletes,
bulk actions, history revert and recovery each move `updated`, re-derive search entries, write or
lift tombstones and start a new cache generation — with no bump of their own in the admin."""

import pytest
from django.urls import reverse

from archive import cache, search
from archive.models import Organization, Place, PlaceName, Protest, Status, Tombstone
from tests import factories
from tests.factories import CitationFactory
from tests.test_admin_parts import client_for, form_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return client_for("Editor")


def found(query: str) -> set[str]:
    return {result.public_id for result in search.search(query)}


def test_removing_an_alias_inline_moves_updated_and_the_search_entry(editor):
    place = factories.PlaceFactory(name="Urmia", public_id="urmia")
    PlaceName.objects.create(owner=place, name="Kazhaw", language=factories.LanguageFactory())
    protest = factories.ProtestFactory(public_id="rally")
    protest.places.add(place)
    place.refresh_from_db()
    protest.refresh_from_db()
    assert found("Kazhaw") == {"urmia", "rally"}  # the place by its alias, then the protest held there
    generation = cache.generation()
    data = form_data(editor.get(url(place))) | {"other_names-0-DELETE": "on"}
    response = editor.post(url(place), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert not PlaceName.objects.filter(owner=place).exists()
    assert Place.objects.get(pk=place.pk).updated > place.updated
    assert Protest.objects.get(pk=protest.pk).updated > protest.updated
    assert found("Kazhaw") == set()
    assert cache.generation() > generation


def test_deleting_a_published_organization_buries_it_and_its_name(editor):
    organization = factories.OrganizationFactory(name="Gamoh Front", public_id="gamoh")
    protest = factories.ProtestFactory(public_id="rally")
    protest.organizers.add(organization)
    protest.refresh_from_db()
    assert found("Gamoh") == {"gamoh", "rally"}
    response = editor.post(url(organization, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()
    assert Tombstone.objects.filter(record_type="organizations", public_id="gamoh", status="deleted").exists()
    assert found("Gamoh") == set()
    assert Protest.objects.get(pk=protest.pk).updated > protest.updated


def test_bulk_restrict_writes_tombstones_and_hides_search_entries(editor):
    protests = [factories.ProtestFactory(title=f"Quiet rally {n}", public_id=f"quiet-{n}") for n in range(2)]
    assert found("Quiet") == {"quiet-0", "quiet-1"}
    response = editor.post(
        reverse("admin:archive_protest_changelist"),
        {"action": "restrict", "_selected_action": [p.pk for p in protests]},
    )
    assert response.status_code == 302
    assert found("Quiet") == set()
    assert set(Tombstone.objects.filter(record_type="protests").values_list("public_id", flat=True)) == {
        "quiet-0",
        "quiet-1",
    }


def test_recovering_a_deleted_published_record_lifts_its_tombstone(editor):
    protest = factories.ProtestFactory(title="Recovered rally", public_id="recovered")
    CitationFactory(record=protest)
    assert editor.post(url(protest, "delete"), {"post": "yes"}).status_code == 302
    assert Tombstone.objects.filter(public_id="recovered").exists() and found("Recovered") == set()
    deleted = Protest.history.get(id=protest.pk, history_type="-")
    response = editor.post(reverse("admin:archive_protest_recover", args=[deleted.history_id]))
    assert response.status_code == 302
    assert not Tombstone.objects.filter(public_id="recovered").exists()
    assert found("Recovered") == {"recovered"}


def test_reverting_a_published_record_moves_updated_and_its_search_entry(editor):
    protest = factories.ProtestFactory(public_id="rally", description="Crowds at the bazaar", status=Status.PUBLISHED)
    first = protest.history.earliest("history_date")
    protest.description = "Crowds at the station"
    protest.save()
    assert found("station") == {"rally"} and found("bazaar") == set()
    version = reverse("admin:archive_protest_simple_history", args=[protest.pk, first.history_id])
    data = form_data(editor.get(version))
    assert editor.post(version, data).status_code == 302
    assert Protest.objects.get(pk=protest.pk).updated > protest.updated
    assert found("bazaar") == {"rally"} and found("station") == set()

"""Merging duplicates moves every reference and keeps the duplicate's name."""

import pytest
from django.test import Client
from django.urls import reverse

from archive.merge import MergeError, entity_merge
from archive.models import Citation, Person, PersonName, Place, Protest
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


@pytest.fixture
def az(db):
    return factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")


def test_merging_people_moves_arrests_statements_citations_and_aliases(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    dup = factories.PersonFactory(name="Əhməd Obalı", name_language=az)
    PersonName.objects.create(owner=dup, name="@AhmadObalı", language=az)
    arrest = factories.ArrestFactory(person=dup, group_description="")
    statement = factories.StatementFactory()
    statement.speaker_people.add(dup)
    CitationFactory(record=dup)
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert not Person.objects.filter(pk=dup_pk).exists()
    arrest.refresh_from_db()
    assert arrest.person == keep
    assert list(statement.speaker_people.all()) == [keep]
    assert set(keep.other_names.values_list("name", flat=True)) == {"Əhməd Obalı", "@AhmadObalı"}
    assert Citation.objects.filter(object_id=keep.pk, content_type__model="person").count() == 1


def test_merge_is_recorded_in_history(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    dup = factories.PersonFactory(name="Ahmed Obali", public_id="person-dup")
    arrest = factories.ArrestFactory(person=dup, group_description="")
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    deleted = Person.history.get(id=dup_pk, history_type="-")
    assert deleted.history_user == editor and "person-dup" in deleted.history_change_reason
    assert arrest.history.first().history_user == editor


def test_merging_places_moves_children_and_protests(editor):
    keep = factories.PlaceFactory(name="Urmia")
    dup = factories.PlaceFactory(name="Urmu")
    child = factories.PlaceFactory(name="Urmia bazaar", parent=dup)
    protest = factories.ProtestFactory()
    protest.places.add(dup)
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    child.refresh_from_db()
    assert child.parent == keep
    assert list(protest.places.all()) == [keep]
    assert Place.objects.filter(name="Urmu").count() == 0


def test_merge_keeps_the_survivor_searchable_by_the_old_name(editor):
    from archive import search

    keep = factories.PlaceFactory(name="Zanjan", public_id="zanjan")
    dup = factories.PlaceFactory(name="Zanzan")
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert [r.record.public_id for r in search.search("Zanzan")] == ["zanjan"]


def test_archivist_may_not_merge(db):
    archivist = user_in_role("Archivist", "archie")
    keep, dup = factories.PersonFactory.create_batch(2)
    with pytest.raises(MergeError):
        entity_merge(survivor=keep, duplicates=[dup], user=archivist)


def test_events_cannot_be_merged(editor):
    a, b = factories.ProtestFactory.create_batch(2)
    with pytest.raises(MergeError):
        entity_merge(survivor=a, duplicates=[b], user=editor)
    assert Protest.objects.count() == 2


def test_admin_merge_action_asks_which_record_to_keep(editor):
    client = Client()
    client.force_login(editor)
    keep = factories.OrganizationFactory(name="GAMAC")
    dup = factories.OrganizationFactory(name="South Azerbaijan National Liberation Front")
    url = reverse("admin:archive_organization_changelist")
    page = client.post(url, {"action": "merge_selected", "_selected_action": [keep.pk, dup.pk]})
    assert page.status_code == 200 and "Keep this record" in page.content.decode()
    done = client.post(
        url, {"action": "merge_selected", "_selected_action": [keep.pk, dup.pk], "apply": "1", "survivor": keep.pk}
    )
    assert done.status_code == 302
    assert list(keep.other_names.values_list("name", flat=True)) == ["South Azerbaijan National Liberation Front"]

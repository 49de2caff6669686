"""The write path's rules, whichever way a change arrives: what it refuses, and what it derives.

Each hole found in the old signal-and-twin design has a test here: a deleted organization's name
stayed in its protests' search entries; removing a part did not move its record's `updated`; an
archivist could change a published record through its parts or lift an at-risk flag; merging an
at-risk person published their name.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from archive import changes, search
from archive import models as m
from archive.merge import entity_merge
from tests import factories as f
from tests import write_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return write_world.build()


@pytest.fixture
def archivist(db):
    return f.user_in_role("Archivist", "archie")


@pytest.fixture
def editor(db):
    return f.user_in_role("Editor", "edna")


def found(query: str) -> set[str]:
    return {result.public_id for result in search.search(query)}


def snippets(query: str) -> str:
    return " ".join(result.snippet.text for result in search.search(query))


# --- Deleting and hiding reach every record that showed the name ------------------------------------


def test_deleting_a_published_organization_takes_its_name_out_of_every_public_search(world):
    organization = f.OrganizationFactory(public_id="org-zafar", name="Zəfər Cəbhəsi")
    world["protest"].organizers.add(organization)
    world["statement"].speaker_organizations.add(organization)
    assert {"walk-protest", "walk-statement", "org-zafar"} <= found("Zafar")
    organization.delete()
    assert found("Zafar") == set()
    assert "Zəfər" not in snippets("Tabriz")
    assert m.Tombstone.objects.filter(record_type="organizations", public_id="org-zafar", status="deleted").exists()


def test_deleting_a_published_person_takes_their_name_out_of_the_arrests_that_named_them(world):
    person = f.PersonFactory(public_id="person-nazim", name="Nazim Nasimli")
    f.ArrestFactory(public_id="arrest-nazim", person=person, group_description="")
    assert "arrest-nazim" in found("Nasimli")
    m.Arrest.objects.filter(public_id="arrest-nazim").update(person=None, group_description="an activist")
    changes.records_changed(m.Arrest, [m.Arrest.objects.get(public_id="arrest-nazim").pk])
    person.delete()
    assert found("Nasimli") == set()


def test_marking_a_person_at_risk_masks_them_in_every_entry_that_named_them(world):
    ahmad = world["ahmad"]
    assert {"walk-arrest", "walk-statement"} <= found("Obali")
    ahmad.at_risk = True
    ahmad.save()
    assert found("Obali") == set()
    assert m.Tombstone.objects.filter(record_type="people", public_id="walk-ahmad", status="unpublished").exists()


# --- Removing a part is a change of its record -------------------------------------------------------


def _clear_quotes(protest):
    for citation in protest.citations.all():
        citation.quote = ""
        citation.save()


REMOVALS = {  # part → (its record, how to remove it)
    "alias": lambda w: (w["tabriz"], lambda: w["tabriz"].other_names.all().delete()),
    "citation quote": lambda w: (w["protest"], lambda: _clear_quotes(w["protest"])),
    "citation": lambda w: (w["protest"], lambda: w["protest"].citations.first().delete()),
    "slogan": lambda w: (w["protest"], lambda: w["protest"].slogans.clear()),
    "statement text": lambda w: (w["statement"], lambda: w["statement"].texts.all().delete()),
    "size claim": lambda w: (w["protest"], lambda: w["protest"].size_claims.all().delete()),
    "role": lambda w: (w["ahmad"], lambda: w["ahmad"].affiliations.all().delete()),
}


@pytest.mark.parametrize("part", REMOVALS)
def test_removing_a_part_moves_updated_and_answers_a_conditional_get_afresh(world, part):
    record, remove = REMOVALS[part](world)
    client = Client()
    key = {m.Place: "places", m.Protest: "protests", m.Statement: "statements", m.Person: "people"}[type(record)]
    url = f"/api/v1/{key}/{record.public_id}/"
    first = client.get(url)
    before = type(record).objects.get(pk=record.pk).updated
    write_world.later()
    remove()
    assert type(record).objects.get(pk=record.pk).updated > before
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json() != first.json()
    listed = client.get(f"/api/v1/{key}/", {"updated_since": before.isoformat()}).json()["results"]
    assert record.public_id in [row["id"] for row in listed]


# --- Who may change what, enforced on the owning record ----------------------------------------------


def test_an_archivist_cannot_change_a_published_record_through_one_of_its_parts(world, archivist):
    protest = world["protest"]
    citation = protest.citations.first()
    with pytest.raises(PermissionDenied), changes.recording(user=archivist):
        citation.quote = "Rewritten by an archivist"
        citation.save()
    assert m.Citation.objects.get(pk=citation.pk).quote != "Rewritten by an archivist"
    with pytest.raises(PermissionDenied), changes.recording(user=archivist):
        f.CitationFactory(record=protest, source=world["source"], quote="Added by an archivist")
    assert not m.Citation.objects.filter(quote="Added by an archivist").exists()
    with pytest.raises(PermissionDenied), changes.recording(user=archivist):
        world["slogan"].translation = "Changed under a published protest"
        world["slogan"].save()
    assert m.Slogan.objects.get(pk=world["slogan"].pk).translation == "Karabakh is ours"


def test_an_archivist_may_change_the_parts_of_a_draft(world, archivist):
    draft = world["draft"]
    with changes.recording(user=archivist):
        f.CitationFactory(record=draft, source=world["source"], quote="An archivist's quote")
    assert draft.citations.filter(quote="An archivist's quote").exists()


def test_only_an_editor_lifts_the_protection_of_a_person_at_risk(world, archivist, editor):
    hidden = m.Person.objects.get(public_id="walk-hidden")
    hidden.status = m.Status.DRAFT
    m.Person.objects.filter(pk=hidden.pk).update(status=m.Status.DRAFT)
    with pytest.raises(PermissionDenied), changes.recording(user=archivist):
        hidden.at_risk = False
        hidden.save()
    assert m.Person.objects.get(pk=hidden.pk).at_risk
    with changes.recording(user=editor):
        hidden.save()
    assert not m.Person.objects.get(pk=hidden.pk).at_risk


def test_an_archivist_may_mark_a_draft_person_at_risk(world, archivist):
    person = f.PersonFactory(status=m.Status.DRAFT, name="Draft Person")
    with changes.recording(user=archivist):
        person.at_risk = True
        person.save()
    assert m.Person.objects.get(pk=person.pk).at_risk


def test_a_refused_change_rolls_back_everything_written_with_it(world, archivist):
    draft = world["draft"]
    with pytest.raises(PermissionDenied), changes.recording(user=archivist):
        draft.title = "Renamed in the same change"
        draft.save()
        world["protest"].citations.update(quote="x")  # bulk SQL reaches nothing: report it as the write path asks
        changes.records_changed(m.Protest, [world["protest"].pk], part=True)
    assert m.Protest.objects.get(pk=draft.pk).title == "Draft march"
    assert not m.Citation.objects.filter(quote="x").exists()


# --- Merging keeps the stricter flag -----------------------------------------------------------------


def test_merging_a_person_at_risk_into_a_public_one_keeps_the_name_hidden_everywhere(world, editor):
    public_person, at_risk = world["ahmad"], world["hidden"]
    entity_merge(survivor=public_person, duplicates=[at_risk], user=editor)
    survivor = m.Person.objects.get(pk=public_person.pk)
    assert survivor.at_risk
    assert found("Hidden Person") == set() and found("Obali") == set()
    client = Client()
    assert client.get("/api/v1/people/walk-ahmad/").status_code == 404
    assert client.get("/en/people/walk-ahmad/").status_code == 404
    for arrest in ("walk-arrest", "walk-masked"):
        body = client.get(f"/api/v1/arrests/{arrest}/").json()
        assert body["person"] is None and "Hidden Person" not in str(body) and "Obali" not in str(body)
    assert "Hidden Person" not in client.get("/api/v1/statements/walk-statement/").content.decode()


def test_merging_a_restricted_record_keeps_the_kept_record_restricted(world, editor):
    restricted = f.PlaceFactory(public_id="place-restricted", name="Tebriz", restricted=True)
    entity_merge(survivor=world["tabriz"], duplicates=[restricted], user=editor)
    assert m.Place.objects.get(pk=world["tabriz"].pk).restricted
    assert m.Tombstone.objects.filter(record_type="places", public_id="walk-tabriz").exists()

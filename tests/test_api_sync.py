"""A client that only ever calls `updated_since` ends identical to the public archive."""

import pytest

from archive import registry, workflow
from archive.models import Language, Slogan, StatementText, Status
from examples.mirror import sync
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db

BASE = "http://testserver/api/v1/"


def public_archive(client) -> dict:
    """What a fresh full download sees now."""
    return sync(lambda url: client.get(url).json(), BASE, {})["records"]


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


def test_incremental_sync_matches_a_full_download_after_every_kind_of_change(client, editor):
    get = lambda url: client.get(url).json()  # noqa: E731
    mirror: dict = {}
    person = factories.PersonFactory(public_id="person-one", name="Named Person")
    factories.ArrestFactory(public_id="arrest-one", person=person, group_description="")
    edited = factories.ProtestFactory(public_id="protest-edited")
    withdrawn = factories.ProtestFactory(public_id="protest-withdrawn")
    restricted = factories.PlaceFactory(public_id="place-restricted")
    deleted = factories.OrganizationFactory(public_id="org-deleted")
    renamed = factories.SourceFactory(public_id="source-old-id")
    draft = factories.StatementFactory(public_id="statement-draft", status=Status.DRAFT)
    CitationFactory(record=draft)
    sync(get, BASE, mirror)
    assert mirror["records"] == public_archive(client)

    edited.title = "Edited title"
    edited.save()
    workflow.record_withdraw(record=withdrawn, user=editor, reason="Duplicate")
    workflow.record_set_restricted(record=restricted, user=editor, restricted=True)
    deleted.delete()
    renamed.public_id = "source-new-id"
    renamed.save()
    workflow.record_publish(record=draft, user=editor)
    person.at_risk = True
    person.save()
    created = factories.ProtestFactory(public_id="protest-new")

    sync(get, BASE, mirror)
    assert mirror["records"] == public_archive(client)
    assert "protest-withdrawn" not in mirror["records"]["protests"]
    assert "place-restricted" not in mirror["records"]["places"]
    assert "org-deleted" not in mirror["records"]["organizations"]
    assert "source-new-id" in mirror["records"]["sources"]
    assert "source-old-id" not in mirror["records"]["sources"]
    assert "statement-draft" in mirror["records"]["statements"]
    assert created.public_id in mirror["records"]["protests"]
    assert mirror["records"]["arrests"]["arrest-one"]["detainee"] == "a detainee, name withheld"
    assert "Named Person" not in str(mirror)


def test_tombstones_say_why(client, editor):
    protest = factories.ProtestFactory(public_id="protest-gone")
    since = client.get("/api/v1/protests/").json()["results"][0]["updated"]
    workflow.record_withdraw(record=protest, user=editor, reason="Could not be verified")
    tombstones = client.get("/api/v1/protests/", {"updated_since": since}).json()["tombstones"]
    assert tombstones[0]["id"] == "protest-gone"
    assert (tombstones[0]["status"], tombstones[0]["reason"]) == ("withdrawn", "Could not be verified")


def test_every_type_syncs(client):
    for make in [factories.ProtestFactory, factories.PlaceFactory, factories.PersonFactory]:
        make()
    mirror = sync(lambda url: client.get(url).json(), BASE, {})
    assert set(mirror["records"]) == set(registry.KEYS)


def test_removing_a_part_reaches_a_mirror(client):
    """A removed alias, quote, slogan or statement text moves its record's `updated`: `updated_since` returns it."""
    get = lambda url: client.get(url).json()  # noqa: E731
    language = Language.objects.create(code="az-Latn", name="Azerbaijani")
    place = factories.PlaceFactory(public_id="place-one")
    alias = place.other_names.create(name="ALIAS-CANARY", language=language)
    protest = factories.ProtestFactory(public_id="protest-one")
    slogan = Slogan.objects.create(text="SLOGAN-CANARY", language=language)
    protest.slogans.add(slogan)
    citation = CitationFactory(record=protest, quote="QUOTE-CANARY")
    statement = factories.StatementFactory(public_id="statement-one")
    text = StatementText.objects.create(statement=statement, language=language, text="TEXT-CANARY")
    mirror = sync(get, BASE, {})
    assert all(canary in str(mirror) for canary in ("ALIAS", "SLOGAN", "QUOTE", "TEXT"))

    alias.delete()
    protest.slogans.remove(slogan)
    citation.quote = ""
    citation.save()
    text.delete()

    sync(get, BASE, mirror)
    assert "CANARY" not in str(mirror["records"])
    assert mirror["records"] == public_archive(client)

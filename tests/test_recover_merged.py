"""Recovering a merged-away record: it comes back as a draft, takes back the other name the merge made
of its name and the citations the merge moved, and its old link stops pointing to the kept record."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.merge import entity_merge
from archive.models import Citation, Person, PersonName, Status, Tombstone
from archive.recovery import RecoveryError, record_recover
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


@pytest.fixture
def az(db):
    return factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")


def cited(record) -> set[int]:
    return set(Citation.objects.filter(content_type__model="person", object_id=record.pk).values_list("pk", flat=True))


def deletion(pk):
    return Person.history.get(id=pk, history_type="-")


@pytest.fixture
def merged(editor, az):
    """A published person merged into another, each with a citation of its own."""
    keep = factories.PersonFactory(name="Ahmad Obali", public_id="ahmad-obali")
    dup = factories.PersonFactory(name="Əhməd Obalı", public_id="ehmed-obali", name_language=az)
    keep_citation = CitationFactory(record=keep).pk
    dup_citations = {CitationFactory(record=dup).pk, CitationFactory(record=dup, footnote=3).pk}
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert cited(keep) == {keep_citation, *dup_citations}
    assert "Əhməd Obalı" in keep.other_names.values_list("name", flat=True)
    return {"keep": keep, "dup_pk": dup_pk, "keep_citation": keep_citation, "dup_citations": dup_citations}


def test_a_merged_away_record_comes_back_as_a_draft_with_its_citations_and_without_the_alias(merged, editor):
    recovered = record_recover(model=Person, history_id=deletion(merged["dup_pk"]).history_id, user=editor)
    record = Person.objects.get(pk=merged["dup_pk"])
    assert recovered.record == record and recovered.merged
    assert record.status == Status.DRAFT
    assert cited(record) == merged["dup_citations"]
    assert cited(merged["keep"]) == {merged["keep_citation"]}
    assert "Əhməd Obalı" not in merged["keep"].other_names.values_list("name", flat=True)
    assert (recovered.names_taken_back, recovered.citations_moved_back) == (1, 2)
    # Recorded in history as the recovery, by whoever recovered it.
    moved_back = Citation.history.filter(id__in=merged["dup_citations"], object_id=record.pk).latest("history_date")
    assert moved_back.history_user == editor and moved_back.history_change_reason == "Recovered from history"


def test_the_recovered_draft_answers_404_and_its_tombstone_no_longer_names_the_kept_record(merged, editor):
    since = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    assert Client().get("/en/people/ehmed-obali/").status_code == 301
    record_recover(model=Person, history_id=deletion(merged["dup_pk"]).history_id, user=editor)
    assert Client().get("/en/people/ehmed-obali/").status_code == 404
    assert Client().get("/fa/people/ehmed-obali/").status_code == 404
    assert Client().get("/api/v1/people/ehmed-obali/").status_code == 404
    tomb = Tombstone.objects.get(record_type="people", public_id="ehmed-obali")
    assert (tomb.status, tomb.merged_into) == ("unpublished", "")
    # Mirrors syncing since before the recovery hear it is no longer a merge.
    tombstones = Client().get("/api/v1/people/", {"updated_since": since}).json()["tombstones"]
    assert [(t["id"], t["status"], t["merged_into"]) for t in tombstones] == [("ehmed-obali", "unpublished", None)]
    # Published again, it is public under its own id and the tombstone goes.
    record = Person.objects.get(pk=merged["dup_pk"])
    record.status = Status.PUBLISHED
    record.save()
    assert Client().get("/en/people/ehmed-obali/").status_code == 200
    assert not Tombstone.objects.filter(public_id="ehmed-obali").exists()


def test_an_alias_the_kept_record_had_before_the_merge_stays(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    own = PersonName.objects.create(owner=keep, name="Əhməd Obalı", language=az, note="On his own posters")
    dup = factories.PersonFactory(name="Əhməd Obalı", name_language=az)
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    recovered = record_recover(model=Person, history_id=deletion(dup_pk).history_id, user=editor)
    assert recovered.merged and recovered.names_taken_back == 0
    assert list(keep.other_names.all()) == [own]


def test_only_the_alias_the_merge_made_goes_when_the_name_was_there_in_another_language(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    own = PersonName.objects.create(owner=keep, name="Əhməd Obalı", language=factories.LanguageFactory(code="tr"))
    dup = factories.PersonFactory(name="Əhməd Obalı", name_language=az)
    dup_pk = dup.pk
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    assert keep.other_names.count() == 2
    record_recover(model=Person, history_id=deletion(dup_pk).history_id, user=editor)
    assert list(keep.other_names.all()) == [own]


def test_of_two_merged_with_one_reason_only_the_recovered_ones_parts_come_back(editor, az):
    keep = factories.PersonFactory(name="Ahmad Obali")
    first = factories.PersonFactory(name="Ahmed Obali")
    second = factories.PersonFactory(name="Əhməd Obalı", name_language=az)
    first_citation, second_citation = CitationFactory(record=first).pk, CitationFactory(record=second).pk
    first_pk, second_pk = first.pk, second.pk
    entity_merge(survivor=keep, duplicates=[first, second], user=editor, reason="Same man, see ticket 12")
    record_recover(model=Person, history_id=deletion(second_pk).history_id, user=editor)
    assert cited(Person.objects.get(pk=second_pk)) == {second_citation}
    assert cited(keep) == {first_citation}
    assert set(keep.other_names.values_list("name", flat=True)) == {"Ahmed Obali"}
    record_recover(model=Person, history_id=deletion(first_pk).history_id, user=editor)
    assert cited(Person.objects.get(pk=first_pk)) == {first_citation}
    assert not keep.other_names.exists()


def test_a_citation_a_curator_moved_on_after_the_merge_stays_where_it_is(merged, editor):
    elsewhere = factories.PersonFactory()
    moved_on = Citation.objects.get(pk=min(merged["dup_citations"]))
    moved_on.object_id = elsewhere.pk
    moved_on.save()
    recovered = record_recover(model=Person, history_id=deletion(merged["dup_pk"]).history_id, user=editor)
    assert recovered.citations_moved_back == 1
    assert cited(elsewhere) == {moved_on.pk}
    assert cited(recovered.record) == merged["dup_citations"] - {moved_on.pk}


def test_a_deleted_record_that_was_not_merged_comes_back_as_it_was(editor):
    keep = factories.PersonFactory(name="Ahmad Obali")
    gone = factories.PersonFactory(name="Ahmed Obali", public_id="gone")
    CitationFactory(record=gone)
    pk = gone.pk
    gone.delete()
    recovered = record_recover(model=Person, history_id=deletion(pk).history_id, user=editor)
    assert not recovered.merged and recovered.record.status == Status.PUBLISHED
    assert len(cited(recovered.record)) == 1 and not keep.other_names.exists()
    assert Client().get("/en/people/gone/").status_code == 200


def test_recovering_twice_is_refused_with_a_message(merged, editor):
    history_id = deletion(merged["dup_pk"]).history_id
    record_recover(model=Person, history_id=history_id, user=editor)
    with pytest.raises(RecoveryError, match="no deleted record"):
        record_recover(model=Person, history_id=history_id, user=editor)


def test_the_admin_says_it_came_back_as_a_draft(merged, editor):
    client = Client()
    client.force_login(editor)
    url = reverse("admin:archive_person_recover", args=[deletion(merged["dup_pk"]).history_id])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:archive_person_change", args=[merged["dup_pk"]])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "as a draft" in message and "other names 1, citations 2" in message
    again = client.post(url)
    assert again.status_code == 302
    assert "no deleted record" in [str(m) for m in get_messages(again.wsgi_request)][-1]

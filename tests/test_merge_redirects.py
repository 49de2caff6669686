"""A merged-away record's links keep answering: its page and API detail point to the kept record
(only while that one is public), and its sync tombstone names it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from archive import workflow
from archive.merge import entity_merge
from archive.models import Status, Tombstone
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return user_in_role("Editor", "edna")


@pytest.fixture
def merged(editor):
    """Two published people, the second merged into the first."""
    keep = factories.PersonFactory(name="Ahmad Obali", public_id="ahmad-obali")
    dup = factories.PersonFactory(name="Əhməd Obalı", public_id="ehmed-obali")
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    return {"keep": keep, "since": since}


def test_the_merged_away_page_moves_permanently_to_the_kept_record_in_the_same_language(merged):
    for prefix in ("en", "fa"):
        response = Client().get(f"/{prefix}/people/ehmed-obali/")
        assert response.status_code == 301
        assert response["Location"] == f"/{prefix}/people/ahmad-obali/"
    assert Client().get("/fa/people/ahmad-obali/").status_code == 200


def test_the_merged_away_api_detail_moves_permanently_to_the_kept_records(merged):
    response = Client().get("/api/v1/people/ehmed-obali/")
    assert response.status_code == 301
    assert response["Location"] == "http://testserver/api/v1/people/ahmad-obali/"
    assert Client().get("/api/v1/people/ehmed-obali/", follow=True).json()["id"] == "ahmad-obali"


def test_the_sync_tombstone_names_the_kept_record(merged):
    tomb = Tombstone.objects.get(record_type="people", public_id="ehmed-obali")
    assert (tomb.status, tomb.merged_into) == ("merged", "ahmad-obali")
    tombstones = Client().get("/api/v1/people/", {"updated_since": merged["since"]}).json()["tombstones"]
    assert [(t["id"], t["status"], t["merged_into"]) for t in tombstones] == [("ehmed-obali", "merged", "ahmad-obali")]


def test_a_kept_record_that_is_not_public_is_not_revealed(merged, editor):
    workflow.record_withdraw(record=merged["keep"], user=editor, reason="Under review")
    assert Client().get("/en/people/ehmed-obali/").status_code == 404
    assert Client().get("/api/v1/people/ehmed-obali/").status_code == 404
    tombstones = Client().get("/api/v1/people/", {"updated_since": merged["since"]}).json()["tombstones"]
    assert {t["id"]: t["merged_into"] for t in tombstones}["ehmed-obali"] is None


def test_merged_into_a_draft_nothing_public_names_it_until_it_is_published(editor):
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    keep = factories.PersonFactory(public_id="draft-keep", status=Status.DRAFT)
    dup = factories.PersonFactory(public_id="public-dup")
    entity_merge(survivor=keep, duplicates=[dup], user=editor)
    tombstones = Client().get("/api/v1/people/", {"updated_since": since}).json()["tombstones"]
    assert [(t["id"], t["status"], t["merged_into"]) for t in tombstones] == [("public-dup", "merged", None)]
    assert Client().get("/en/people/public-dup/").status_code == 404
    assert Client().get("/api/v1/people/public-dup/").status_code == 404
    keep.status = Status.PUBLISHED
    keep.save()
    assert Client().get("/en/people/public-dup/")["Location"] == "/en/people/draft-keep/"


def test_a_deleted_record_is_still_a_plain_404(editor):
    gone = factories.PersonFactory(public_id="gone")
    gone.delete()
    assert Tombstone.objects.get(public_id="gone").status == "deleted"
    assert Client().get("/en/people/gone/").status_code == 404
    assert Client().get("/api/v1/people/gone/").status_code == 404

"""The shared response cache: anonymous reads are cached, and any change invalidates them at once."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from archive import cache, workflow
from tests.factories import ProtestFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_replicas(settings):
    """With replicas, fresh writes are deliberately not cached; that rule has its own test below."""
    settings.DATABASE_REPLICAS = []


def test_an_anonymous_page_is_served_from_the_cache_with_one_query(client, django_assert_num_queries):
    protest = ProtestFactory(title="Tabriz rally")
    url = f"/en/protests/{protest.public_id}/"
    assert client.get(url).status_code == 200
    with django_assert_num_queries(1) as captured:  # the generation, which lives in the database
        response = client.get(url)
    assert "archive_archivestate" in captured.captured_queries[0]["sql"]
    assert b"Tabriz rally" in response.content


def test_an_edit_shows_on_the_next_request(client):
    protest = ProtestFactory(title="Tabriz rally")
    url = f"/en/protests/{protest.public_id}/"
    client.get(url)
    protest.title = "Tabriz march"
    protest.save()
    assert b"Tabriz march" in client.get(url).content


def test_withdrawing_removes_a_cached_record_everywhere_at_once(client):
    editor = user_in_role("Editor")
    protest = ProtestFactory(title="Urmia gathering")
    urls = [f"/en/protests/{protest.public_id}/", "/en/protests/", f"/api/v1/protests/{protest.public_id}/"]
    urls += ["/api/v1/protests/", "/en/", "/api/v1/search/?q=Urmia", "/en/search/?q=Urmia"]
    for url in urls:
        assert b"Urmia gathering" in client.get(url).content, url
    workflow.record_withdraw(record=protest, user=editor, reason="Duplicate of another record")
    for url in urls:
        assert b"Urmia gathering" not in client.get(url).content, url


def test_signed_in_users_are_neither_served_nor_stored(client, django_assert_max_num_queries):
    protest = ProtestFactory()
    url = f"/en/protests/{protest.public_id}/"
    client.force_login(User.objects.create_user("reader"))
    client.get(url)
    client.get(url)
    client.logout()
    client.cookies.clear()
    with django_assert_max_num_queries(50) as captured:
        client.get(url)
    assert len(captured) > 0, "an anonymous request after signed-in ones must not find their pages cached"


def test_a_cached_api_response_still_answers_304_to_its_etag(client):
    protest = ProtestFactory()
    url = f"/api/v1/protests/{protest.public_id}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_streamed_exports_and_errors_are_not_cached(client):
    ProtestFactory()
    assert client.get("/api/v1/protests/?format=csv").streaming
    assert client.get("/api/v1/protests/?format=csv").streaming
    assert client.get("/en/protests/?sort=nonsense").status_code == 400
    assert not [key for key in cache.cache._cache if "response" in str(key)]


@override_settings(ARCHIVE_CACHE_SECONDS=0)
def test_setting_zero_switches_the_cache_off(client, django_assert_max_num_queries):
    protest = ProtestFactory()
    url = f"/en/protests/{protest.public_id}/"
    client.get(url)
    with django_assert_max_num_queries(50) as captured:
        client.get(url)
    assert len(captured) > 0


@override_settings(DATABASE_REPLICAS=["replica1"])
def test_with_replicas_nothing_is_stored_just_after_a_write(rf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # replicas lag behind the commit: noted then
        cache.bump()
    request = rf.get("/en/")
    cache.cached_response(request, lambda: _ok())
    assert not [key for key in cache.cache._cache if "response" in str(key)]


def _ok(text="fresh"):
    from django.http import HttpResponse

    return HttpResponse(text)


def test_the_generation_is_in_the_database_not_the_cache():
    ProtestFactory()
    first = cache.generation()
    cache.cache.clear()
    assert cache.generation() == first
    cache.bump()
    assert cache.generation() > first


def test_the_generation_never_repeats_one_a_rolled_back_write_used():
    """A page made inside a write that is then rolled back must not be served after the next write."""
    from django.db import transaction

    ProtestFactory()
    with transaction.atomic():
        cache.bump()
        rolled_back = cache.generation()
        transaction.set_rollback(True)
    cache.bump()
    assert cache.generation() > rolled_back


def test_an_answer_made_while_a_withdrawal_commits_is_never_served(rf, client):
    """The reader read the generation, then the old record; the withdrawal commits before it stores
    its answer. One bump in the write's transaction retires the key it stores under."""
    protest = ProtestFactory(title="Zanjan sit-in")
    url = f"/en/protests/{protest.public_id}/"

    def read_then_lose_the_race():
        answer = _ok("Zanjan sit-in, as read before the withdrawal")
        workflow.record_withdraw(record=protest, user=user_in_role("Editor"), reason="Duplicate")
        return answer

    cache.cached_response(rf.get(url), read_then_lose_the_race)
    assert [key for key in cache.cache._cache if "response" in str(key)], "the answer was stored"
    response = client.get(url)
    assert response.status_code == 410 and b"Zanjan sit-in, as read" not in response.content


def test_an_api_answer_is_cached_per_language(client):
    protest = ProtestFactory()
    url = f"/api/v1/protests/{protest.public_id}/"
    persian = client.get(url, HTTP_ACCEPT_LANGUAGE="fa").json()["date"]["display"]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["date"]["display"]
    assert english == "29 September 2020"
    assert persian != english

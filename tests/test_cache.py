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


def test_an_anonymous_page_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    protest = ProtestFactory(title="Tabriz rally")
    url = f"/en/protests/{protest.public_id}/"
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        response = client.get(url)
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
def test_with_replicas_nothing_is_stored_just_after_a_write(rf):
    cache.bump()
    request = rf.get("/en/")
    cache.cached_response(request, lambda: _ok())
    assert not [key for key in cache.cache._cache if "response" in str(key)]


def _ok():
    from django.http import HttpResponse

    return HttpResponse("fresh")


def test_the_generation_survives_eviction_without_repeating_itself():
    first = cache.generation()
    cache.cache.delete(cache.GENERATION_KEY)
    assert cache.generation() > first


def test_an_api_answer_is_cached_per_language(client):
    protest = ProtestFactory()
    url = f"/api/v1/protests/{protest.public_id}/"
    persian = client.get(url, HTTP_ACCEPT_LANGUAGE="fa").json()["date"]["display"]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["date"]["display"]
    assert english == "29 September 2020"
    assert persian != english

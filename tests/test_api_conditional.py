"""Conditional GET: ETag and Last-Modified on every read, 304 when the client's copy is current, and a
new validator whenever what the record shows changes — removals of its parts included."""

import pytest

from archive import workflow
from archive.models import Slogan, StatementText, Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


def etag_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


@pytest.fixture
def english(db):
    return factories.LanguageFactory()


# --- If-None-Match, as Django compares it ------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["{tag}", "W/{tag}", '"other", {tag}', "*"],
    ids=["exact", "weak", "in-a-list", "star"],
)
def test_a_matching_if_none_match_answers_304_with_the_validators(client, header):
    factories.ProtestFactory(public_id="p1")
    first = client.get("/api/v1/protests/p1/")
    response = client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=header.format(tag=first["ETag"]))
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"] and response["Last-Modified"] == first["Last-Modified"]
    assert response["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("header", ['"other"', 'W/"other", "else"', "garbage"])
def test_a_non_matching_if_none_match_answers_200(client, header):
    factories.ProtestFactory(public_id="p1")
    assert client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=header).status_code == 200


@pytest.mark.parametrize("header", ["{tag}", "W/{tag}", 'W/"other", {tag}', "*"], ids=["exact", "weak", "list", "star"])
def test_a_list_answers_304_to_a_matching_if_none_match(client, header):
    factories.ProtestFactory()
    first = client.get("/api/v1/protests/?kind=rally")
    response = client.get("/api/v1/protests/?kind=rally", HTTP_IF_NONE_MATCH=header.format(tag=first["ETag"]))
    assert response.status_code == 304 and response["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", ["/api/v1/protests/", "/api/v1/protests/p1/", "/api/v1/protests/?format=csv"])
def test_the_weak_form_a_proxys_gzip_gives_still_answers_304(client, url):
    """nginx's gzip turns `"x"` into `W/"x"`; a client sends back what it saw."""
    factories.ProtestFactory(public_id="p1")
    tag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=f'W/"not-{tag[1:]}').status_code == 200


def test_lists_answer_304_too(client):
    factories.ProtestFactory()
    first = client.get("/api/v1/protests/?kind=rally")
    assert client.get("/api/v1/protests/?kind=rally", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get("/api/v1/protests/?kind=march", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_csv_list_has_its_own_validator(client):
    factories.ProtestFactory()
    json_tag = etag_of(client, "/api/v1/protests/")
    csv = client.get("/api/v1/protests/?format=csv")
    assert csv["ETag"] and csv["ETag"] != json_tag
    assert client.get("/api/v1/protests/?format=csv", HTTP_IF_NONE_MATCH=csv["ETag"]).status_code == 304


def test_json_and_the_browsable_api_never_share_an_etag(client):
    factories.ProtestFactory(public_id="p1")
    json_tag = etag_of(client, "/api/v1/protests/p1/")
    html = client.get("/api/v1/protests/p1/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and html["ETag"] != json_tag


def test_missing_and_withdrawn_records_carry_no_validators(client):
    factories.ProtestFactory(public_id="gone", status=Status.WITHDRAWN, withdrawn_reason="Duplicate")
    assert "ETag" not in client.get("/api/v1/protests/gone/")
    assert "ETag" not in client.get("/api/v1/protests/nothing/")


# --- the detail's validator follows the record's `updated` ----------------------------------------


def test_a_detail_validator_changes_when_the_record_changes(client):
    protest = factories.ProtestFactory(public_id="p1")
    before = etag_of(client, "/api/v1/protests/p1/")
    protest.title = "Renamed"
    protest.save()
    response = client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200 and response["ETag"] != before


def test_a_detail_validator_stays_when_another_record_changes(client):
    factories.ProtestFactory(public_id="p1")
    other = factories.ProtestFactory(public_id="p2")
    before = etag_of(client, "/api/v1/protests/p1/")
    other.title = "Renamed"
    other.save()
    assert client.get("/api/v1/protests/p1/", HTTP_IF_NONE_MATCH=before).status_code == 304


def _removed_alias(english):
    place = factories.PlaceFactory(public_id="the-record")
    name = place.other_names.create(name="Urmu", language=english)
    return "places", name.delete, "Urmu"


def _removed_quote(english):
    citation = CitationFactory(record=factories.ProtestFactory(public_id="the-record"), quote="A QUOTE TO REMOVE")

    def remove():
        citation.quote = ""
        citation.save()

    return "protests", remove, "A QUOTE"


def _removed_slogan(english):
    protest = factories.ProtestFactory(public_id="the-record")
    slogan = Slogan.objects.create(text="A SLOGAN TO REMOVE", language=english)
    protest.slogans.add(slogan)
    return "protests", lambda: protest.slogans.remove(slogan), "A SLOGAN"


def _removed_text(english):
    statement = factories.StatementFactory(public_id="the-record")
    text = StatementText.objects.create(statement=statement, language=english, text="WORDS TO REMOVE")
    return "statements", text.delete, "WORDS TO REMOVE"


def _removed_role(english):
    person = factories.PersonFactory(public_id="the-record")
    role = person.affiliations.create(role="A ROLE TO REMOVE", date_precision="undated")
    return "people", role.delete, "A ROLE"


@pytest.mark.parametrize(
    "removal", [_removed_alias, _removed_quote, _removed_slogan, _removed_text, _removed_role], ids=lambda f: f.__name__
)
def test_removing_a_part_changes_the_detail_validator(client, english, removal):
    endpoint, remove, words = removal(english)
    url = f"/api/v1/{endpoint}/the-record/"
    first = client.get(url)
    assert words in first.content.decode()
    remove()
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200, "a conditional GET must not answer 304 with the removed words"
    assert again["ETag"] != first["ETag"] and words not in again.content.decode()


# --- the list's type-wide version ---------------------------------------------------------------


def test_a_list_validator_changes_when_a_record_stops_being_public(client):
    editor = user_in_role("Editor", "edna")
    protest = factories.ProtestFactory()
    factories.ProtestFactory()
    before = etag_of(client, "/api/v1/protests/")
    workflow.record_withdraw(record=protest, user=editor, reason="Duplicate")
    assert client.get("/api/v1/protests/", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_a_list_validator_changes_when_a_public_record_loses_a_part(client, english):
    place = factories.PlaceFactory()
    name = place.other_names.create(name="Urmu", language=english)
    before = etag_of(client, "/api/v1/places/")
    name.delete()
    assert client.get("/api/v1/places/", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_a_hidden_records_edit_does_not_move_the_list_validator(client):
    factories.ProtestFactory()
    draft = factories.ProtestFactory(status=Status.DRAFT)
    before = client.get("/api/v1/protests/")
    draft.title = "Edited in secret"
    draft.save()
    after = client.get("/api/v1/protests/")
    assert (after["ETag"], after["Last-Modified"]) == (before["ETag"], before["Last-Modified"])


def test_a_lists_last_modified_is_its_newest_public_change(client):
    """The list's version is read by a raw cursor (compiled once): its time is the newest public record's `updated`,
    on SQLite (naive times in UTC) as on PostgreSQL, and a hidden record's newer edit does not count."""
    from django.utils.http import http_date

    from archive.models import Protest

    older, newer = factories.ProtestFactory(), factories.ProtestFactory()
    factories.ProtestFactory(status=Status.DRAFT)  # the newest `updated`, not public
    newest = max(Protest.objects.filter(pk__in=[older.pk, newer.pk]).values_list("updated", flat=True))
    response = client.get("/api/v1/protests/")
    assert response["Last-Modified"] == http_date(int(newest.timestamp()))

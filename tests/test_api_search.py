import pytest

from archive import models, search
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/search/"


@pytest.fixture
def places(db):
    az = factories.LanguageFactory(code="az-Latn", name="Azerbaijani (Latin)")
    ardabil = factories.PlaceFactory(name="Ardabil", public_id="ardabil")
    models.PlaceName.objects.create(owner=ardabil, name="Ərdəbil", language=az)
    factories.ProtestFactory(title="Rally in Ardabil", public_id="ardabil-rally")
    return ardabil


def test_search_returns_typed_results_with_snippets(client, places):
    response = client.get(URL, {"q": "Ərdəbil"})
    assert response.status_code == 200
    body = response.json()
    assert body["results"][0] == {
        "type": "places",
        "id": "ardabil",
        "url": "http://testserver/api/v1/places/ardabil/",
        "html_url": "http://testserver/en/places/ardabil/",
        "title": "Ardabil",
        "snippet": "",
        "matches": [],
        "snippet_html": "",
        "exact_name_match": True,
        "date": "",
    }
    assert {r["id"] for r in body["results"]} == {"ardabil", "ardabil-rally"}


def test_search_narrows_by_type(client, places):
    body = client.get(URL, {"q": "Ardabil", "type": "protests"}).json()
    assert [r["id"] for r in body["results"]] == ["ardabil-rally"]


def test_several_types(client, places):
    body = client.get(f"{URL}?q=Ardabil&type=protests&type=places").json()
    assert body["count"] == 2


def test_unknown_type_is_a_400_with_a_message(client, places):
    response = client.get(URL, {"q": "Ardabil", "type": "spaceship"})
    assert response.status_code == 400
    assert [error["parameter"] for error in response.json()["errors"]] == ["type"]


def test_missing_query_is_a_400(client, places):
    response = client.get(URL)
    assert response.status_code == 400
    assert "q" in response.json() and response.json()["errors"][0]["parameter"] == "q"


def test_empty_query_is_an_empty_result(client, places):
    response = client.get(URL, {"q": "   "})
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "query",
    ["a" * 10_000, " ".join(["w"] * 5000), "w " * (search.MAX_TERMS + 1)],
    ids=["10k-chars", "5000-terms", "too-many-terms"],
)
def test_oversized_queries_are_a_400_with_a_message(client, places, query):
    response = client.get(URL, {"q": query})
    assert response.status_code == 400
    assert response.json()["q"]


@pytest.mark.parametrize("query", ["%", "_", "\x00", "\u202e", ".*[", "'; drop table x; --", "-", '"unclosed', "!!!"])
def test_nasty_queries_never_500(client, places, query):
    response = client.get(URL, {"q": query})
    assert response.status_code in {200, 400}
    assert response.json()


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%00", "%C0%AF", "%E2%80%AE%D8%A7"])
def test_undecodable_bytes_never_500(client, places, raw):
    response = client.get(f"{URL}?q={raw}")
    assert response.status_code in {200, 400}
    assert response.json()


@pytest.mark.parametrize("limit", ["0", "-1", "101", "abc", "1e1000000", "99999999999999999999"])
def test_bad_limits_are_a_400(client, places, limit):
    assert client.get(URL, {"q": "Ardabil", "limit": limit}).status_code == 400


def test_limit_is_respected(client, places):
    assert client.get(URL, {"q": "Ardabil", "limit": "1"}).json()["count"] == 1


def test_draft_records_are_not_served(client, places):
    factories.PlaceFactory(name="Ardabil Draft", public_id="ardabil-draft", status=models.Status.DRAFT)
    ids = {r["id"] for r in client.get(URL, {"q": "Ardabil"}).json()["results"]}
    assert "ardabil-draft" not in ids


# --- plain snippets with match offsets -------------------------------------------------------------


def marked(result: dict) -> list[str]:
    return [result["snippet"][start:end] for start, end in result["matches"]]


@pytest.mark.parametrize(
    ("description", "query", "words"),
    [
        ("Tələbələr Ərdəbildə toplandılar; Ərdəbil polisi onları dağıtdı.", "Ardabil", ["Ərdəbildə", "Ərdəbil"]),
        ("دانشجویان در تبریز و اردبیل تجمع کردند. در تبریز بازداشت شدند.", "تبریز", ["تبریز", "تبریز"]),
        ("Zanjan <b>&amp; Tabriz</b>: students and Tabrizli musicians", "tabriz", ["Tabriz", "Tabrizli"]),
    ],
    ids=["azerbaijani", "persian", "html-in-text"],
)
def test_a_snippet_is_plain_text_with_the_offsets_of_its_matches(client, description, query, words):
    factories.ProtestFactory(title="Gathering", public_id="gathering", description=description)
    result = client.get(URL, {"q": query}).json()["results"][0]
    assert result["snippet"] == description
    assert marked(result) == words
    assert result["snippet_html"].count("<mark>") == len(words)


def test_the_html_snippet_escapes_the_text_and_the_plain_one_keeps_it(client):
    factories.ProtestFactory(title="Gathering", description="<b>Tabriz</b> & Urmia")
    result = client.get(URL, {"q": "tabriz"}).json()["results"][0]
    assert result["snippet"] == "<b>Tabriz</b> & Urmia" and marked(result) == ["Tabriz"]
    assert result["snippet_html"] == "&lt;b&gt;<mark>Tabriz</mark>&lt;/b&gt; &amp; Urmia"


@pytest.mark.parametrize(("query", "word"), [("اورمیه", "اورمیه"), ("urmu", "Urmu")])
def test_offsets_count_from_the_start_of_a_cut_snippet(client, query, word):
    """A long text is cut around the first match; the offsets are into the snippet, ellipsis included."""
    description = "سخنرانی " * 60 + "اعتراض در اورمیه و Urmu " + "بیانیه " * 60
    factories.ProtestFactory(title="Gathering", public_id="gathering", description=description)
    result = client.get(URL, {"q": query}).json()["results"][0]
    assert result["snippet"].startswith("… ") and result["snippet"].endswith(" …")
    assert len(result["snippet"]) < len(description)
    assert marked(result) == [word]
    start = result["matches"][0][0]
    assert result["snippet"][:start].endswith("اعتراض در " if word == "اورمیه" else "اورمیه و ")


def test_each_result_links_to_the_record_in_the_api_and_on_the_site(client, places):
    results = client.get(URL, {"q": "Ardabil"}, HTTP_ACCEPT_LANGUAGE="fa").json()["results"]
    rally = next(result for result in results if result["id"] == "ardabil-rally")
    assert rally["url"] == "http://testserver/api/v1/protests/ardabil-rally/"
    assert client.get(rally["url"]).json()["id"] == "ardabil-rally"
    assert rally["html_url"] == "http://testserver/fa/protests/ardabil-rally/"
    assert client.get(rally["html_url"]).status_code == 200

"""A list page keeps the visitor's choices: a bad value re-renders the form as chosen (menus stay menus, the
sort stays) with each error under the filter's label; yes/no filters read Any/Yes/No; sorts read in words;
cache-busters and tracking parameters are ignored; the download links keep the sort."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import registry
from archive.views import _sort_labels, sorts_for
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "az", "fa", "tr"]


@pytest.fixture
def tabriz(db):
    place = factories.PlaceFactory(public_id="place-tabriz", name="Tabriz")
    other = factories.PlaceFactory(public_id="place-urmia", name="Urmia", latitude="37.55", longitude="45.07")
    gamac = factories.OrganizationFactory(public_id="gamac", name="GAMAC")
    rally = factories.ProtestFactory(public_id="rally", title="Rally")
    rally.places.add(place)
    rally.organizers.add(gamac)
    march = factories.ProtestFactory(public_id="march", title="March", kind="march")
    march.places.add(other)
    factories.ArrestFactory(protest=march)
    return place


def selected_option(page: str, name: str) -> list[str]:
    """The values of the selected options of the <select name=...> (or None if there is no such select)."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"{name} is not a <select>"
    return re.findall(r'<option value="([^"]*)"[^>]*\sselected', match[1])


def checked_boxes(page: str, name: str) -> list[str]:
    """The values of the checked checkboxes named `name` (multi-value filters are checkboxes, not a select)."""
    boxes = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', page)
    assert boxes, f"{name} has no checkboxes"
    return [re.search(r'value="([^"]*)"', box)[1] for box in boxes if " checked" in box]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_filter_keeps_every_other_choice(client, tabriz, lang):
    query = {"date_from": "nonsense", "place": "place-tabriz", "organization": "gamac", "sort": "-date"}
    response = client.get(f"/{lang}/protests/", {**query, "kind": "rally"})
    assert response.status_code == 400
    page = response.content.decode()
    assert selected_option(page, "place") == ["place-tabriz"]
    assert selected_option(page, "organization") == ["gamac"]
    assert selected_option(page, "sort") == ["-date"]
    assert checked_boxes(page, "kind") == ["rally"]
    assert 'value="nonsense"' in page
    labels = [label for label, _messages in response.context["labelled_errors"]]
    assert labels == [str(response.context["filterset"].form.fields["date_from"].label)]
    if lang == "en":
        assert "<li>From: " in page and "date_from:" not in page


def test_an_unknown_sort_keeps_the_filters_and_names_the_sort_menu(client, tabriz):
    response = client.get("/en/protests/", {"place": "place-tabriz", "sort": "private_note", "date_from": "x"})
    assert response.status_code == 400
    assert [label for label, _m in response.context["labelled_errors"]] == ["From", "Sort by"]
    assert selected_option(response.content.decode(), "place") == ["place-tabriz"]


def test_a_chosen_place_with_nothing_in_the_list_stays_chosen(client, tabriz):
    factories.PlaceFactory(public_id="place-ardabil", name="Ardabil")
    response = client.get("/en/protests/", {"place": "place-ardabil"})
    assert response.status_code == 200 and not response.context["records"]
    assert selected_option(response.content.decode(), "place") == ["place-ardabil"]


@pytest.mark.parametrize(
    ("path", "name", "attribute"), [("protests", "has_arrests", None), ("places", "has_coordinates", "latitude")]
)
def test_yes_and_no_make_all_and_the_empty_choice_reads_any(client, tabriz, path, name, attribute):
    def site(value):
        response = client.get(f"/en/{path}/", {name: value})
        assert response.status_code == 200
        return {r.public_id for r in response.context["records"]}

    def api(value):
        return {row["id"] for row in client.get(f"/api/v1/{path}/", {name: value}).json()["results"]}

    for fetch in (site, api):
        yes, no, every = fetch("true"), fetch("false"), fetch("")
        assert yes and no and not yes & no and yes | no == every
    page = client.get(f"/en/{path}/").content.decode()
    menu = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)[1]
    assert re.findall(r">([^<]+)</option>", menu) == ["Any", "Yes", "No"]
    assert "unknown" not in menu.lower()


def test_sorts_read_in_words():
    protests, places = registry.get("protests"), registry.get("places")
    assert dict(_sort_labels(protests.model, sorts_for(protests))) == {
        "date": "Oldest first",
        "-date": "Newest first",
        "updated": "Recently changed",
        "title": "Title (A–Z)",
    }
    assert dict(_sort_labels(places.model, sorts_for(places))) == {
        "name": "Name (A–Z)",
        "-name": "Name (Z–A)",
        "updated": "Recently changed",
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_sort_menu_answers_in_every_language(client, tabriz, lang):
    response = client.get(f"/{lang}/protests/", {"sort": "-date"})
    assert response.status_code == 200
    assert selected_option(response.content.decode(), "sort") == ["-date"]


IGNORED = {"_": "1712345678901", "utm_source": "newsletter", "utm_campaign": "x", "fbclid": "abc", "gclid": "def"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cache_busters_and_tracking_parameters_are_ignored_on_the_site(client, tabriz, lang):
    response = client.get(f"/{lang}/protests/", {**IGNORED, "place": "place-tabriz"})
    assert response.status_code == 200
    assert [r.public_id for r in response.context["records"]] == ["rally"]
    assert "utm_" not in response.context["csv_url"] and "fbclid" not in response.context["json_url"]
    assert client.get(f"/{lang}/protests/", {**IGNORED, "colour": "red"}).status_code == 400


def test_cache_busters_and_tracking_parameters_are_ignored_on_the_api(client, tabriz):
    response = client.get("/api/v1/protests/", {**IGNORED, "place": "place-tabriz"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == ["rally"]
    for unknown in ({"colour": "red"}, {"utm": "x"}, {"__": "1"}):
        assert client.get("/api/v1/protests/", {**IGNORED, **unknown}).status_code == 400, unknown


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


@pytest.mark.parametrize(
    ("sort", "ordering"), [("-date", "-date_start,-pk"), ("date", "date_start,pk"), ("updated", "-updated,-pk")]
)
def test_download_links_keep_the_sort_ties_included(client, tabriz, sort, ordering):
    context = client.get("/en/protests/", {"sort": sort, "kind": ["rally", "march"]}).context
    for url in (context["csv_url"], context["json_url"]):
        assert query_of(url)["ordering"] == [ordering] and sorted(query_of(url)["kind"]) == ["march", "rally"]
    shown = [r.public_id for r in context["records"]]
    whole = json.loads(b"".join(client.get(context["json_url"]).streaming_content))  # the whole list, streamed
    assert [row["id"] for row in whole["results"]] == shown


def test_a_sort_the_api_lacks_leaves_the_downloads_in_their_own_order(client, tabriz):
    context = client.get("/en/protests/", {"sort": "title"}).context
    assert "ordering" not in query_of(context["csv_url"])
    assert client.get(context["csv_url"]).status_code == 200

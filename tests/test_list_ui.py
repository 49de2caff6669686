"""A list page a visitor can narrow without a script: facet options are links with counts, applied filters are
chips that remove themselves, the list says how many records it found, and each row says where, what kind,
how many and from how many sources — in a fixed number of queries, in all four languages."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import changes, views
from archive.models import ProtestSizeClaim, Status
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "az", "fa", "tr"]


@pytest.fixture
def protests(db):
    tabriz = factories.PlaceFactory(public_id="place-tabriz", name="Tabriz")
    urmia = factories.PlaceFactory(public_id="place-urmia", name="Urmia")
    rally = factories.ProtestFactory(public_id="rally", title="Rally", kind="rally")
    rally.places.add(tabriz)
    march = factories.ProtestFactory(public_id="march", title="March", kind="march")
    march.places.add(urmia)
    strike = factories.ProtestFactory(public_id="strike", title="Strike", kind="strike")
    strike.places.add(tabriz)
    return {"tabriz": tabriz, "urmia": urmia}


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def group(context, label: str):
    return next(g for g in context["facet_groups"] if g.label == label)


def link(context, label: str, text: str):
    return next(link for link in group(context, label).links + group(context, label).more if link.text == text)


def records_at(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(r.public_id for r in response.context["records"])


def test_a_choice_option_is_a_link_adding_its_value_and_keeping_every_other_parameter(client, protests):
    context = client.get("/en/protests/", {"sort": "-date", "page_size": "2", "place": "place-tabriz"}).context
    rally = link(context, "Kind", "rally or demonstration")
    assert rally.count == 1 and not rally.chosen
    assert query_of(rally.url) == {"sort": ["-date"], "page_size": ["2"], "place": ["place-tabriz"], "kind": ["rally"]}
    assert records_at(client, rally.url) == ["rally"]


def test_following_a_page_drops_the_cursor_from_facet_links(client, protests):
    first = client.get("/en/protests/", {"page_size": "1"}).context
    second = client.get(first["next_url"]).context
    assert "cursor" in query_of(first["next_url"])
    assert all("cursor" not in query_of(link.url) for g in second["facet_groups"] for link in g.links)


def test_links_add_to_a_multi_value_filter_and_a_chosen_option_removes_itself(client, protests):
    context = client.get("/en/protests/", {"kind": "rally"}).context
    march, rally = link(context, "Kind", "march"), link(context, "Kind", "rally or demonstration")
    assert rally.chosen and not march.chosen
    assert query_of(march.url)["kind"] == ["rally", "march"]
    assert records_at(client, march.url) == ["march", "rally"]
    assert "kind" not in query_of(rally.url)
    assert records_at(client, rally.url) == ["march", "rally", "strike"]


def test_a_relation_option_replaces_the_chosen_record_and_counts_what_it_finds(client, protests):
    context = client.get("/en/protests/", {"place": "place-urmia"}).context
    tabriz = link(context, "Place (with the places in it)", "Tabriz")
    assert tabriz.count == 2 and not tabriz.chosen
    assert query_of(tabriz.url)["place"] == ["place-tabriz"]
    assert records_at(client, tabriz.url) == ["rally", "strike"]
    urmia = link(context, "Place (with the places in it)", "Urmia")
    assert urmia.chosen and "place" not in query_of(urmia.url)


def test_a_long_relation_facet_folds_its_rest_under_more(client, protests, monkeypatch):
    monkeypatch.setattr(views, "SHOWN_OPTIONS", 1)
    places = group(client.get("/en/protests/").context, "Place (with the places in it)")
    assert [link.text for link in places.links] == ["Tabriz"] and [link.text for link in places.more] == ["Urmia"]
    assert "<details>" in client.get("/en/protests/").content.decode()


def test_chips_name_each_applied_value_in_words_and_remove_just_that_value(client, protests):
    params = {"kind": ["rally", "strike"], "place": "place-tabriz", "date_from": "2020-09", "sort": "-date"}
    response = client.get("/en/protests/", params)
    chips = {(chip.label, chip.value): chip.url for chip in response.context["chips"]}
    assert list(chips) == [
        ("From", "2020-09"),
        ("Place (with the places in it)", "Tabriz"),
        ("Kind", "rally or demonstration"),
        ("Kind", "strike or shop closure"),
    ]
    without_rally = query_of(chips[("Kind", "rally or demonstration")])
    assert without_rally["kind"] == ["strike"] and without_rally["place"] == ["place-tabriz"]
    assert "place" not in query_of(chips[("Place (with the places in it)", "Tabriz")])
    assert query_of(response.context["clear_url"]) == {"sort": ["-date"]}
    page = response.content.decode()
    assert "Place (with the places in it): <bdi>Tabriz</bdi>" in page and "Clear all filters" in page


def test_no_filters_no_chips_and_an_unknown_place_id_is_named_as_given(client, protests):
    assert client.get("/en/protests/").context["chips"] == []
    response = client.get("/en/protests/", {"place": "place-nowhere"})
    assert response.status_code == 200 and not response.context["records"]
    assert [(c.label, c.value) for c in response.context["chips"]] == [
        ("Place (with the places in it)", "place-nowhere")
    ]


def test_a_yes_no_filter_chip_reads_yes_or_no(client, protests):
    chips = client.get("/en/protests/", {"has_arrests": "false"}).context["chips"]
    assert [(c.label, c.value) for c in chips] == [("Has arrests", "No")]


def test_the_result_count_is_exact_and_plural_aware(client, protests):
    response = client.get("/en/protests/", {"page_size": "1"})
    assert (response.context["total"], response.context["total_exact"]) == (3, True)
    assert ">3 records</p>" in response.content.decode()
    assert ">1 record</p>" in client.get("/en/protests/", {"kind": "march"}).content.decode()
    assert ">0 records</p>" in client.get("/en/protests/", {"kind": "other"}).content.decode()


def test_a_count_out_of_time_says_more_than_what_is_known(client, protests, monkeypatch):
    monkeypatch.setattr(views, "within_time_budget", lambda work, milliseconds=None: None)
    response = client.get("/en/protests/", {"page_size": "2"})
    assert (response.context["total"], response.context["total_exact"]) == (2, False)
    assert "More than 2 records" in response.content.decode()
    whole = client.get("/en/protests/", {"kind": "march"})  # one page is the whole list: exact after all
    assert (whole.context["total"], whole.context["total_exact"]) == (1, True)


def test_a_row_names_its_public_places_kind_first_size_and_public_sources(client, protests):
    rally = factories.ProtestFactory(public_id="big", title="Big rally", kind="rally")
    hidden = factories.PlaceFactory(name="Secret site", status=Status.DRAFT)
    rally.places.add(protests["tabriz"], hidden)
    ProtestSizeClaim.objects.create(protest=rally, words="hundreds", low=200)
    ProtestSizeClaim.objects.create(protest=rally, words="about a thousand", low=900)
    factories.CitationFactory(record=rally)
    factories.CitationFactory(record=rally, source=factories.SourceFactory(status=Status.DRAFT))
    response = client.get("/en/protests/", {"search": "", "kind": "rally", "place": "place-tabriz"})
    row = next(row for row in response.context["rows"] if row.url == "/en/protests/big/")
    assert (row.places, row.kind, row.size, row.sources) == (["Tabriz"], "rally or demonstration", "hundreds", 1)
    page = response.content.decode()
    assert "Secret site" not in page and "<bdi>hundreds</bdi>" in page and "1 source<" in page


@pytest.mark.parametrize("key", ["arrests", "statements", "organizations", "media-outlets", "places", "sources"])
def test_every_list_shows_its_rows(client, key):
    place = factories.PlaceFactory(name="Zanjan", kind="city")
    factories.ArrestFactory(place=place)
    factories.StatementFactory(place=place)
    factories.OrganizationFactory(based_in=place)
    factories.MediaOutletFactory(country=factories.PlaceFactory(name="Iran", kind="country"))
    factories.SourceFactory()
    response = client.get(f"/en/{key}/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == len(response.context["records"]) > 0


def many_protests(n: int):
    with changes.recording():
        place = factories.PlaceFactory(name="Tabriz")
        organizer = factories.OrganizationFactory(name="GAMAC")
        for i in range(n):
            protest = factories.ProtestFactory(kind="rally" if i % 2 else "march")
            protest.places.add(place)
            protest.organizers.add(organizer)
            ProtestSizeClaim.objects.create(protest=protest, words="hundreds", low=200)
            factories.CitationFactory(record=protest)


def queries_for(client, url: str) -> int:
    """The queries one uncached rendering of `url` makes."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_fifty_rows_cost_no_more_queries_than_two(client, django_assert_max_num_queries):
    many_protests(50)
    # The list's pictures (charts.lists) add a fixed few: three aggregate queries inside their own time budget.
    with django_assert_max_num_queries(32):
        response = client.get("/en/protests/", {"page_size": "50"})
    assert len(response.context["rows"]) == 50
    assert queries_for(client, "/en/protests/?page_size=50") == queries_for(client, "/en/protests/?page_size=2")


def test_fifty_arrests_read_their_detainees_in_the_same_query(client):
    with changes.recording():
        for _ in range(50):
            factories.ArrestFactory(person=factories.PersonFactory())
    assert queries_for(client, "/en/arrests/?page_size=50") == queries_for(client, "/en/arrests/?page_size=2")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_renders_facets_chips_count_and_rows(client, protests, lang):
    response = client.get(f"/{lang}/protests/", {"kind": "rally", "place": "place-tabriz"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "fa" else "ltr"}">' in page
    assert page.count('<nav class="facets"') == 1 and page.count('class="chip"') == 2
    assert re.search(r'<p class="result-count" role="status">[^<]*[1۱][^<]*</p>', page)
    assert '<bdi>Tabriz</bdi> <span aria-hidden="true">×</span>' in page
    assert 'type="checkbox" name="kind" value="rally"' in page
    assert 'class="row-facts"' in page and 'class="clear-filters"' in page

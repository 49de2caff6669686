"""A list's own pictures: the timeline (and, for protests, the map) of exactly the records the filtered list finds.

A bar counts every record whose date may fall in its period, by the date filter's own rule, so following a bar
lists exactly as many records as the bar counts; a dot counts the records at its place or inside it, as the place
filter finds them. Both in a fixed number of queries, whatever the list's size.
"""

import datetime as dt
import itertools
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import changes, models
from archive.dates import DatePrecision
from tests import chart_helpers, factories

pytestmark = pytest.mark.django_db

FRESH = itertools.count()
MARCH = dt.date(2031, 3, 3)  # a Monday, in a year the article never reaches


@pytest.fixture
def world():
    """Protests dated every way a source dates them, in a city, a site inside it and a second city."""
    with changes.recording():
        city = factories.PlaceFactory(name="Testcity", public_id="place-testcity", latitude=38.0, longitude=46.3)
        site = factories.PlaceFactory(
            name="Testcity Bazaar", public_id="place-testcity-bazaar", kind=models.PlaceKind.SITE, parent=city
        )
        other = factories.PlaceFactory(name="Othertown", public_id="place-othertown", latitude=36.7, longitude=48.5)
        day = factories.ProtestFactory(date_start=MARCH + dt.timedelta(days=1))
        day.places.set([city])
        spanning = factories.ProtestFactory(
            date_start=MARCH + dt.timedelta(days=3), date_end=MARCH + dt.timedelta(days=9)
        )
        spanning.places.set([site])
        month = factories.ProtestFactory(date_start=MARCH.replace(day=1), date_precision=DatePrecision.MONTH)
        month.places.set([other])
        mid = factories.ProtestFactory(
            date_start=MARCH.replace(day=15), date_precision=DatePrecision.MID_MONTH, kind=models.ProtestKind.MARCH
        )
        mid.places.set([city, other])
        factories.ProtestFactory(date_start=MARCH.replace(day=20), date_precision=DatePrecision.APPROXIMATE)
        factories.ProtestFactory(date_start=None, date_precision=DatePrecision.UNDATED).places.set([city])
        factories.ProtestFactory(date_start=MARCH, status=models.Status.DRAFT).places.set([city])
    return {"city": city, "site": site, "other": other}


def charts_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.context["list_charts"]


def total_of(client, url) -> int:
    """How many records the list at `url` finds (asked afresh: `_` is a cache-buster the list ignores)."""
    response = client.get(url + ("&" if "?" in url else "?") + f"_={next(FRESH)}")
    assert response.status_code == 200, url
    assert response.context["total_exact"]
    return response.context["total"]


QUERIES = [
    "",
    "?kind=rally&sort=-date&page_size=10",
    "?date_from=2031-03-08&date_to=2031-03-25",
    "?date_from=2031-03-12",
    "?place=place-testcity",
    "?place=place-testcity-bazaar&kind=rally",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_timeline_counts_the_records_the_list_finds(client, world, query):
    response, charts = charts_of(client, f"/en/protests/{query}")
    timeline = charts.timeline

    assert timeline.listed == response.context["total"]
    assert timeline.dated + timeline.undated_total == response.context["total"]
    within = sum(s.count for b in timeline.buckets for s in b.segments if s.key == "within")
    assert within + timeline.loose_records == timeline.dated
    html = response.content.decode()
    assert f'<desc id="list-timeline-desc">{timeline.text}</desc>' in unescape(html)
    assert timeline.text in unescape(html.split("<figcaption>")[1])
    # The table behind the chart: a row per bar with records, its total linking where the bar does.
    table = unescape(html[html.index('<table class="chart-table">') : html.index("</table>")])
    row = r'<tr><th scope="row" class="chart-period">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>'
    row += r'<td><a href="([^"]+)">(\d+)</a>'
    rows = re.findall(row, table)
    bars = [b for b in timeline.buckets if b.total]
    assert [(label, int(total), url) for label, _w, _l, url, total in rows] == [(b.label, b.total, b.url) for b in bars]


@pytest.mark.parametrize("query", QUERIES)
def test_following_a_bar_lists_exactly_the_records_it_counts(client, world, query):
    _response, charts = charts_of(client, f"/en/protests/{query}")
    bars = [b for b in charts.timeline.buckets if b.total]
    assert bars

    for bar in bars:
        assert total_of(client, bar.url) == bar.total, bar.label
        kept = dict(parse_qsl(query.lstrip("?")))
        narrowed = dict(parse_qsl(urlsplit(bar.url).query))
        assert {k: v for k, v in narrowed.items() if k not in ("date_from", "date_to")} == {
            k: v for k, v in kept.items() if k not in ("date_from", "date_to")
        }


def test_a_month_precise_record_falls_in_every_week_of_its_month_and_only_there(client, world):
    _response, charts = charts_of(client, "/en/protests/?place=place-othertown")
    weeks = {b.start: b for b in charts.timeline.buckets}

    assert charts.timeline.unit == "week"
    # March 2031 runs from the week of 24 February to the week of 31 March, and both Othertown protests may fall
    # in each of its weeks; neither is dated within any one week.
    assert min(weeks) == dt.date(2031, 2, 24) and max(weeks) == dt.date(2031, 3, 31)
    assert {b.total for b in weeks.values()} == {2}
    assert all(b.segments[0].count == 0 for b in weeks.values())
    assert weeks[dt.date(2031, 3, 31)].url.endswith("date_from=2031-03-31&date_to=2031-04-06")


def test_a_bar_over_a_whole_month_or_year_is_written_as_a_reader_would(client, world):
    factories.ProtestFactory(date_start=dt.date(2029, 6, 1), date_precision=DatePrecision.YEAR)

    _response, charts = charts_of(client, "/en/protests/")

    assert charts.timeline.unit == "month"
    by_start = {b.start: b for b in charts.timeline.buckets}
    assert by_start[dt.date(2031, 3, 1)].url.endswith("date_from=2031-03&date_to=2031-03")
    for bar in charts.timeline.buckets:
        if bar.total:
            assert total_of(client, bar.url) == bar.total, bar.label


def test_following_a_dot_lists_exactly_the_records_it_counts(client, world):
    _response, charts = charts_of(client, "/en/protests/?kind=rally")
    dots = {p.name: p for p in charts.place_map.points}

    assert set(dots) == {"Testcity", "Othertown"}
    assert dots["Testcity"].protests == 3  # two in the city (one undated), one at its bazaar
    for dot in dots.values():
        assert total_of(client, dot.url) == dot.protests
        assert "kind=rally" in dot.url


def test_a_dot_outside_the_chosen_place_leads_to_its_page(client, world):
    _response, charts = charts_of(client, "/en/protests/?place=place-testcity")
    dots = {p.name: p for p in charts.place_map.points}

    assert dots["Othertown"].elsewhere and dots["Othertown"].url == "/en/places/place-othertown/"
    assert dots["Othertown"].protests == 1  # the mid-March protest, held in both towns
    assert not dots["Testcity"].elsewhere
    assert total_of(client, dots["Testcity"].url) == dots["Testcity"].protests == 4


def test_the_pictures_cost_the_same_queries_for_a_small_and_a_large_list(client, world):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    url = "/en/protests/?kind=rally&page_size=5"
    before = queries(url + "&_=1")
    with changes.recording():
        for i in range(30):
            place = factories.PlaceFactory(latitude=35 + i / 10, longitude=45 + i / 10)
            factories.ProtestFactory(date_start=MARCH - dt.timedelta(days=40 * i)).places.set([place, world["city"]])
    after = queries(url + "&_=2")

    assert after == before


def test_a_list_with_pictures_stays_within_its_query_budget(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = client.get("/en/protests/?kind=rally")
    assert response.context["list_charts"].place_map.points


def test_out_of_time_the_list_says_so_instead_of_drawing(client, world, monkeypatch):
    monkeypatch.setattr("archive.charts.lists.within_time_budget", lambda work, milliseconds=None: None)

    response = client.get("/en/protests/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "too many records here to draw in time" in html
    assert 'id="list-timeline-title"' not in html
    assert response.context["total"] == 6


def test_a_list_that_finds_nothing_draws_nothing(client, world):
    response = client.get("/en/protests/?date_from=1900&date_to=1901")
    assert response.status_code == 200 and response.context["total"] == 0
    assert "list_charts" not in response.context
    assert "list-charts" not in response.content.decode()


def test_lists_without_dates_or_places_draw_nothing(client, world):
    for kind in ["organizations", "people", "places", "media-outlets"]:
        response = client.get(f"/en/{kind}/")
        assert response.status_code == 200
        assert "list_charts" not in response.context
        assert "list-charts" not in response.content.decode()


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
@pytest.mark.parametrize(("kind", "pictures"), [("protests", 2), ("arrests", 1), ("statements", 1), ("sources", 1)])
def test_every_dated_list_draws_its_pictures_in_every_language(article, client, lang, kind, pictures):
    response = client.get(f"/{lang}/{kind}/")

    assert response.status_code == 200
    html = response.content.decode()
    svgs = [svg for svg in chart_helpers.pictures(html) if 'id="list-' in svg]
    assert len(svgs) == 2 * pictures  # each wide, and narrow for phones
    for svg in svgs:
        chart_helpers.assert_all_numbers(svg)
        assert re.search(r'aria-labelledby="(list-(timeline|map)(-narrow)?)-title" aria-describedby="\1-desc"', svg)
    assert not re.search(r"\sstyle\s*=", html) and "<script" not in html.lower()
    timeline = response.context["list_charts"].timeline
    assert timeline.listed == response.context["total"]


@pytest.mark.parametrize(
    "path",
    [
        "/en/protests/",
        "/en/protests/?place=place-iran&event_status=held",
        "/en/statements/",
        "/en/statements/?language=en",  # through the texts: rows joined, each statement counted once
        "/en/statements/?date_from=October+2020&date_to=mid-November+2020",
        "/en/arrests/",
        "/en/sources/",
    ],
)
def test_on_the_article_every_bar_leads_to_as_many_records_as_it_counts(article, client, path):
    _response, charts = charts_of(client, path)
    bars = [b for b in charts.timeline.buckets if b.total]
    assert bars
    for bar in bars:
        assert total_of(client, bar.url) == bar.total, (path, bar.label)


def test_on_the_article_every_dot_of_the_protests_leads_to_as_many_protests(article, client):
    _response, charts = charts_of(client, "/en/protests/")
    assert {"Tabriz", "Urmia", "Ardabil", "Tehran"} <= {p.name for p in charts.place_map.points}
    for dot in charts.place_map.points:
        assert total_of(client, dot.url) == dot.protests, dot.name


def test_a_map_of_no_records_is_empty_on_both_databases(world):
    from archive.charts import dotmap, places
    from archive.tally import Tally

    nothing = models.Protest.objects.published().filter(pk__in=[])  # the ORM knows it finds nothing

    assert dotmap.protests_within(places.public_places(), Tally(nothing).places()) == {}

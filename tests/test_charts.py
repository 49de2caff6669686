"""The home page's pictures (timeline, protests by city, dot map), recently added, and the sitemap.

Every number a chart shows must be one the public can open: drafts, records in review and
restricted records never count.
"""

import datetime as dt
import re

import pytest

from archive import charts, models
from archive.dates import DatePrecision
from tests import chart_helpers, factories

pytestmark = pytest.mark.django_db

# A period the article's records never reach, so factory records are counted alone.
FUTURE = dt.date(2031, 3, 3)  # a Monday


def hidden(factory, **kwargs):
    """The same record three ways the public must not see."""
    return [
        factory(status=models.Status.DRAFT, **kwargs),
        factory(status=models.Status.IN_REVIEW, **kwargs),
        factory(restricted=True, **kwargs),
    ]


def test_timeline_counts_only_published_records_by_week():
    factories.ProtestFactory(date_start=FUTURE + dt.timedelta(days=1))  # Tuesday, week of FUTURE
    factories.ProtestFactory(date_start=FUTURE + dt.timedelta(days=6))  # Sunday, same week
    factories.ProtestFactory(date_start=FUTURE + dt.timedelta(days=7))  # next Monday
    factories.ArrestFactory(date_start=FUTURE + dt.timedelta(days=2))
    factories.StatementFactory(date_start=FUTURE.replace(day=1), date_precision=DatePrecision.MONTH)  # March 2031
    factories.StatementFactory(date_start=None, date_precision=DatePrecision.UNDATED)
    hidden(factories.ProtestFactory, date_start=FUTURE)
    hidden(factories.ArrestFactory, date_start=FUTURE)
    hidden(factories.StatementFactory, date_start=FUTURE)

    chart = charts.timeline(dt.date(2031, 2, 24), dt.date(2031, 3, 16), charts.WEEK)

    weeks = {b.start: {s.key: s.count for s in b.segments} for b in chart.buckets}
    assert list(weeks) == [dt.date(2031, 2, 24), FUTURE, dt.date(2031, 3, 10)]
    # The month-precise statement counts by its start, 1 March 2031, in the week of 24 February.
    assert weeks[dt.date(2031, 2, 24)] == {"protest": 0, "arrest": 0, "statement": 1}
    assert weeks[FUTURE] == {"protest": 2, "arrest": 1, "statement": 0}
    assert weeks[dt.date(2031, 3, 10)] == {"protest": 1, "arrest": 0, "statement": 0}
    assert chart.totals == {"protest": 3, "arrest": 1, "statement": 1}
    assert chart.undated["statement"] == models.Statement.objects.published().filter(date_start=None).count()
    assert "undated" in chart.text


def test_timeline_numbers_equal_what_the_public_can_open():
    factories.ProtestFactory(date_start=FUTURE)
    factories.StatementFactory(date_start=FUTURE, date_precision=DatePrecision.YEAR)
    hidden(factories.ProtestFactory, date_start=FUTURE)

    chart = charts.timeline()

    for key, model in charts.EVENT_TYPES:
        public = model.objects.published()
        assert chart.totals[key] == public.exclude(date_start=None).count()
        assert chart.undated[key] == public.filter(date_start=None).count()
        assert sum(s.count for b in chart.buckets for s in b.segments if s.key == key) == chart.totals[key]
    assert chart.unit == charts.choose_unit(chart.buckets[0].start, chart.buckets[-1].start)


def test_timeline_picks_weeks_months_or_years_by_span():
    day = dt.date(2020, 10, 1)
    assert charts.choose_unit(day, day + dt.timedelta(days=60)) == charts.WEEK
    assert charts.choose_unit(day, day + dt.timedelta(days=400)) == charts.MONTH
    assert charts.choose_unit(day, day + dt.timedelta(days=4000)) == charts.YEAR
    assert charts.bucket_start(dt.date(2020, 10, 18), charts.WEEK) == dt.date(2020, 10, 12)
    assert charts.bucket_start(dt.date(2020, 10, 18), charts.MONTH) == dt.date(2020, 10, 1)


def test_protests_by_city_counts_a_site_under_its_city_once_and_hides_the_unpublished():
    city = factories.PlaceFactory(name="Testcity")
    bazaar = factories.PlaceFactory(name="Testcity Bazaar", kind=models.PlaceKind.SITE, parent=city)
    other = factories.PlaceFactory(name="Othertown")
    secret = factories.PlaceFactory(name="Secretville", restricted=True)
    in_bazaar = factories.ProtestFactory()
    in_bazaar.places.set([bazaar])
    in_both = factories.ProtestFactory()
    in_both.places.set([city, bazaar, other])  # once in Testcity, once in Othertown
    for protest in hidden(factories.ProtestFactory):
        protest.places.set([city, other])
    factories.ProtestFactory().places.set([secret])

    chart = charts.protests_by_city()

    by_name = {c.name: c for c in chart.cities}
    assert by_name["Testcity"].count == 2
    assert by_name["Othertown"].count == 1
    assert by_name["Testcity"].url == f"/en/places/{city.public_id}/"
    assert "Secretville" not in by_name and "Testcity Bazaar" not in by_name
    assert "Testcity 2" in chart.text


def test_the_article_tabriz_bazaar_closure_counts_under_tabriz(article):
    chart = charts.protests_by_city()
    tabriz = next(c for c in chart.cities if c.name == "Tabriz")
    in_tabriz = models.Protest.objects.published().filter(places__public_id__in=["place-tabriz", "place-tabriz-bazaar"])
    assert tabriz.count == in_tabriz.distinct().count()
    closure = models.Protest.objects.get(public_id="protest-2020-tabriz-bazaar-shop-closure")
    assert [p.public_id for p in closure.places.all()] == ["place-tabriz-bazaar"]
    assert closure.pk in set(in_tabriz.values_list("pk", flat=True))
    total = models.Protest.objects.published().count()
    assert chart.unattributed <= total


def test_map_keeps_every_point_inside_the_picture_and_links_public_places(article):
    factories.PlaceFactory(name="Draft dot", latitude=38.5, longitude=47.0, status=models.Status.DRAFT)

    place_map = charts.place_points()

    expected = models.Place.objects.published().exclude(latitude=None).count()
    assert len(place_map.points) == expected
    assert "Draft dot" not in {p.name for p in place_map.points}
    for point in place_map.points:
        assert point.r <= point.x <= place_map.width - point.r
        assert point.r <= point.y <= place_map.height - point.r
        assert point.url.startswith("/en/places/")
    by_name = {p.name: p for p in place_map.points}
    assert by_name["Tabriz"].x > by_name["Ankara"].x  # east is right
    assert by_name["Baku"].y < by_name["Tehran"].y  # north is up


def test_a_place_beyond_the_base_map_is_listed_not_drawn(article):
    factories.PlaceFactory(name="Far north", latitude=69.0, longitude=33.0)

    place_map = charts.place_points()

    assert "Far north" not in {p.name for p in place_map.points}
    assert [p.name for p in place_map.outside] == ["Far north"]
    assert "Far north" in {p.name for p in place_map.listed}
    assert "1 of them lies beyond the map" in place_map.text


def test_recently_added_lists_the_latest_published_events_only():
    factories.ProtestFactory(title="Fresh protest")
    factories.ProtestFactory(title="Draft protest", status=models.Status.DRAFT)
    recent = charts.recently_updated()
    titles = [r.title for r in recent]
    assert "Fresh protest" in titles and "Draft protest" not in titles
    assert len(recent) <= 10


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("fa", "rtl")])
def test_home_page_renders_charts_and_their_text_alternatives(
    article, client, django_assert_max_num_queries, lang, direction
):
    with django_assert_max_num_queries(40):
        response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'dir="{direction}"' in html
    # Each picture twice: wide, and narrow for phones (CSS shows one of them).
    assert html.count('role="group"') == 8  # not "img": an image may hold no links, and these hold some
    for chart_id in ["timeline-war", "timeline-all", "cities", "place-map"]:
        for picture_id in [chart_id, f"{chart_id}-narrow"]:
            assert f'aria-labelledby="{picture_id}-title" aria-describedby="{picture_id}-desc"' in html
            assert f'id="{picture_id}-title"' in html
    assert html.count("chart-svg-wide") == html.count("chart-svg-narrow") == 4
    assert html.count('<table class="chart-table">') == 3  # two timelines and the cities
    assert 'class="chart-places"' in html  # the map's list of places
    assert f'href="/{lang}/sources/source-article/"' in html
    assert f'href="/{lang}/places/place-tabriz/"' in html
    assert "/static/archive/charts.css" in html
    assert html.count("<li><a href=", html.index('class="recent"')) >= 10
    # Every city the table lists is a published place, with the count the chart draws.
    cities = response.context["cities"]
    assert sum(c.count for c in cities.cities) >= len(cities.cities)


def test_home_page_has_no_inline_styles_or_scripts(article, client):
    html = client.get("/en/").content.decode()
    assert "<svg" in html
    assert not re.search(r"\sstyle\s*=", html)
    assert "<script" not in html.lower()


def test_home_page_without_data_still_renders(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "<script" not in response.content.decode().lower()


def test_sitemap_lists_published_records_in_every_language_and_never_drafts(client):
    published = factories.ProtestFactory()
    draft = factories.ProtestFactory(status=models.Status.DRAFT)
    restricted = factories.PlaceFactory(restricted=True)
    at_risk = factories.PersonFactory(at_risk=True)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    for lang in ["en", "az", "fa", "tr"]:
        assert f"/{lang}/protests/{published.public_id}/</loc>" in xml
        assert f"/{lang}/</loc>" in xml
        assert f"/{lang}/sources/</loc>" in xml
    for hidden_record, kind in [(draft, "protests"), (restricted, "places"), (at_risk, "people")]:
        assert f"/{kind}/{hidden_record.public_id}/" not in xml
    assert f"<lastmod>{published.updated.date().isoformat()}" in xml
    assert 'hreflang="fa"' in xml


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_every_number_in_the_pictures_is_a_number_in_every_language(article, client, lang):
    # Turkish and Azerbaijani write decimals with a comma: "41,4" is no SVG coordinate (bars vanished).
    html = client.get(f"/{lang}/").content.decode()
    svgs = chart_helpers.pictures(html)
    assert len(svgs) == 8  # four pictures, each wide and narrow
    values = [value for svg in svgs for value in chart_helpers.numbers(svg)]
    assert len(values) > 500  # the base map's borders are numbers too
    for svg in svgs:
        chart_helpers.assert_all_numbers(svg)
    assert any("." in value for value in values)  # fractions are there to be written wrongly


def test_protests_by_city_count_what_the_list_filtered_by_the_city_finds(client):
    """A protest at a village, a monument or a site inside a city counts under the city, once — what the list
    filtered by the city finds, and what the map's dot for the city says (both read the read model's place keys)."""
    from archive.charts import dotmap, places

    before = charts.protests_by_city().unattributed  # (the module's other tests may have loaded the article)
    province = factories.PlaceFactory(name="Testprovince", kind=models.PlaceKind.PROVINCE)
    city = factories.PlaceFactory(name="Testcity", parent=province, latitude=38.0, longitude=46.3)
    inside = [
        factories.PlaceFactory(name=f"Inside {kind}", kind=kind, parent=city)
        for kind in (models.PlaceKind.VILLAGE, models.PlaceKind.MONUMENT, models.PlaceKind.SITE)
    ]
    for place in inside:
        factories.ProtestFactory().places.set([place])
    factories.ProtestFactory().places.set(inside[:2])  # in two places of the city: once under it
    factories.ProtestFactory().places.set([province])  # in the province, in no city
    factories.ProtestFactory()  # in no place at all

    chart = charts.protests_by_city()

    by_name = {c.name: c.count for c in chart.cities}
    listed = client.get("/en/protests/", {"place": city.public_id}).context["total"]
    public = places.public_places()
    assert by_name["Testcity"] == listed == dotmap.protests_within(public)[city.pk] == 4
    assert chart.unattributed == before + 2  # the province's and the placeless
    assert "Inside village" not in by_name  # a village is not a city

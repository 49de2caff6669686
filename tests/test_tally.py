"""A list's counts in one query (archive.tally): the same numbers as counting each way apart, on either database,
and the list page finds its records once for its total, its choice facets and its timeline."""

import datetime as dt

import pytest
from django.db.models import Count

from archive import dialect, models, readmodel
from archive.dates import DatePrecision
from archive.tally import Tally
from tests import factories

pytestmark = pytest.mark.django_db

GROUPINGS = [("kind",), ("event_status",), ("period_first", "period_last")]


@pytest.fixture
def protests():
    """Protests of three kinds, held and called, dated to a day, a month, loosely and not at all; one a draft;
    two at both of two places (a join through the places finds them twice)."""
    here = factories.PlaceFactory(name="Here", latitude=38.0, longitude=46.3)
    there = factories.PlaceFactory(name="There", latitude=36.7, longitude=48.5)
    dates = [
        {"date_start": dt.date(2020, 10, 1)},
        {"date_start": dt.date(2020, 10, 1), "kind": models.ProtestKind.MARCH},
        {"date_start": dt.date(2020, 10, 1), "date_precision": DatePrecision.MONTH},
        {"date_start": dt.date(2020, 11, 3), "date_end": dt.date(2020, 11, 9), "event_status": "called"},
        {"date_start": None, "date_precision": DatePrecision.UNDATED, "kind": models.ProtestKind.STRIKE},
        {"date_start": dt.date(2020, 10, 1), "status": models.Status.DRAFT},
    ]
    made = [factories.ProtestFactory(**fields) for fields in dates]
    for protest in made[:2]:
        protest.places.set([here, there])
    made[3].places.set([there])
    return {"here": here, "there": there}


def apart(records, columns) -> dict[tuple, int]:
    """Counted as each facet and the timeline counted before the tally: one GROUP BY query per grouping."""
    rows = records.order_by().values(*columns).annotate(n=Count("pk", distinct=True))
    return {tuple(row[c] for c in columns): row["n"] for row in rows}


@pytest.mark.parametrize("joined", [False, True])
def test_a_tally_counts_what_counting_each_way_apart_counts(protests, joined):
    records = models.Protest.objects.published()
    if joined:  # DISTINCT: each record counted once, however many of its rows the join finds
        records = records.filter(places__in=[protests["here"], protests["there"]]).distinct()
    tally = Tally(records, GROUPINGS)
    for columns in GROUPINGS:
        assert tally.groups(columns) == apart(records, columns), columns
    assert tally.total() == records.count() == (3 if joined else 5)
    assert tally.groups(("period_first", "period_last")).get((None, None), 0) == (0 if joined else 1)  # the undated


def test_a_tally_is_one_query_however_many_counts_are_asked(protests, django_assert_num_queries):
    tally = Tally(models.Protest.objects.published(), GROUPINGS)
    with django_assert_num_queries(1):
        tally.total()
        for columns in GROUPINGS:
            tally.groups(columns)
    assert tally.groups(("kind",)) == {("rally",): 3, ("march",): 1, ("strike",): 1}


def test_a_tally_without_groupings_counts_all_and_one_that_can_find_nothing_asks_nothing(
    protests, django_assert_num_queries
):
    assert Tally(models.Protest.objects.published()).total() == 5
    with django_assert_num_queries(0):  # `pk__in=[]`: Django knows no row can match
        nothing = Tally(models.Protest.objects.published().filter(pk__in=[]), GROUPINGS)
        assert nothing.total() == 0 and nothing.groups(("kind",)) == {}


def test_a_grouping_not_asked_for_up_front_is_counted_by_itself(protests, django_assert_num_queries):
    tally = Tally(models.Protest.objects.published(), [("kind",)])
    tally.total()
    with django_assert_num_queries(1):
        assert tally.groups(("event_status",)) == {("held",): 4, ("called",): 1}


def test_place_counts_are_asked_once_for_the_options_and_the_map(client, protests, django_assert_num_queries):
    tally = Tally(models.Protest.objects.published())
    with django_assert_num_queries(1):
        assert tally.places() == {protests["here"].pk: 2, protests["there"].pk: 3} == tally.places()


def _spy(monkeypatch) -> list:
    """The groupings of each tally query, and "places" for each place count, in the order asked."""
    calls = []
    grouping_sets, place_counts = dialect.grouping_sets, readmodel.places.counts

    def grouped(sql, params, selected, sets, using="default"):
        calls.append(sets)
        return grouping_sets(sql, params, selected, sets, using)

    def placed(records):
        calls.append("places")
        return place_counts(records)

    monkeypatch.setattr(dialect, "grouping_sets", grouped)
    monkeypatch.setattr(readmodel.places, "counts", placed)
    return calls


@pytest.mark.parametrize("language", ["en", "az", "fa", "tr"])
def test_the_list_page_finds_its_records_once_for_its_total_facets_timeline_and_places(
    client, protests, monkeypatch, language
):
    calls = _spy(monkeypatch)
    response = client.get(f"/{language}/protests/")
    assert response.status_code == 200
    # The place options and the map count the same records' places: once.
    assert calls == [[("kind",), ("event_status",), ("period_first", "period_last"), ()], "places"]
    facets = dict(response.context["facets"])
    kinds = {str(label): n for _value, label, n in next(iter(facets.values()))}
    assert sorted(kinds.values(), reverse=True) == [3, 1, 1]
    assert response.context["total"] == 5 and response.context["total_exact"]
    assert response.context["list_charts"].timeline.listed == 5
    dots = {point.name: point.protests for point in response.context["list_charts"].place_map.listed}
    assert dots == {"Here": 2, "There": 3}


def test_a_chosen_facet_is_counted_over_the_list_without_it(client, protests, monkeypatch):
    """Choosing a kind: the kinds are counted over the list without it (what choosing another would add), the
    rest over the list as it is; so two tallies, one by kind alone."""
    calls = _spy(monkeypatch)
    response = client.get("/en/protests/", {"kind": "march"})
    assert calls == [[("kind",), ()], [("event_status",), ("period_first", "period_last"), ()], "places"]
    kinds, statuses = ({value: n for value, _label, n in options} for _label, options in response.context["facets"])
    assert kinds == {"rally": 3, "march": 1, "strike": 1}
    assert statuses == {"held": 1}
    assert response.context["total"] == 1


def test_a_chosen_place_counts_the_options_without_it_and_the_map_with_it(client, protests, monkeypatch):
    calls = _spy(monkeypatch)
    response = client.get("/en/protests/", {"place": protests["here"].public_id})
    assert calls == [[("kind",), ("event_status",), ("period_first", "period_last"), ()], "places", "places"]
    options = {name: n for _id, name, n in response.context["relation_facets"]["place"]}
    assert options == {"Here": 2, "There": 3}  # as if no place were chosen
    dots = {point.name: point.protests for point in response.context["list_charts"].place_map.listed}
    assert dots == {"Here": 2, "There": 2}  # the list's two, both held at both places

"""Option counts on list pages: exact, bounded in size, and bounded in time."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_protest_in_two_cities_of_one_province_counts_once_for_the_province(client):
    province = factories.PlaceFactory(name="East Azerbaijan", kind="province")
    tabriz = factories.PlaceFactory(name="Tabriz", parent=province)
    marand = factories.PlaceFactory(name="Marand", parent=province)
    factories.ProtestFactory().places.set([tabriz, marand])
    factories.ProtestFactory().places.set([tabriz])
    options = client.get("/en/protests/").context["relation_facets"]["place"]
    counts = {name: count for _id, name, count in options}
    assert counts == {"East Azerbaijan": 2, "Tabriz": 2, "Marand": 1}
    assert len(client.get("/en/protests/", {"place": province.public_id}).context["records"]) == 2


@pytest.mark.postgres
def test_counts_within_their_time_budget_are_shown_and_the_limit_is_lifted_after(client, settings):
    from django.db import connection

    settings.ARCHIVE_FACET_TIME_LIMIT_MS = 60_000
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (before,) = cursor.fetchone()
    factories.ProtestFactory(title="Zanjan rally").places.set([factories.PlaceFactory(name="Zanjan")])
    response = client.get("/en/protests/")
    assert b"too many records here to count" not in response.content
    assert [o[1:] for o in response.context["relation_facets"]["place"]] == [("Zanjan", 1)]
    # The test's transaction is still open, as a request's may be: the budget's local limit must not outlive it.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (before,)


@pytest.mark.postgres
def test_counts_that_overrun_their_time_budget_are_left_out_not_a_failure(client, settings, monkeypatch):
    from django.db import connection

    from archive import views

    settings.ARCHIVE_FACET_TIME_LIMIT_MS = 20

    def slow_facets(tally, filterset):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")
        return []

    monkeypatch.setattr(views, "_facets", slow_facets)
    factories.ProtestFactory(title="Zanjan rally")
    response = client.get("/en/protests/")
    assert response.status_code == 200
    assert response.context["counts_unavailable"]
    assert b"Zanjan rally" in response.content and b"too many records here to count" in response.content


def test_a_long_option_list_is_cut_to_the_busiest_but_keeps_the_chosen_one(client, monkeypatch):
    from archive import views

    monkeypatch.setattr(views, "MAX_OPTIONS", 1)
    busy, quiet = factories.PlaceFactory(name="Busy"), factories.PlaceFactory(name="Quiet")
    factories.ProtestFactory().places.set([busy])
    factories.ProtestFactory().places.set([busy])
    factories.ProtestFactory().places.set([quiet])
    assert [o[1] for o in client.get("/en/protests/").context["relation_facets"]["place"]] == ["Busy"]
    chosen = client.get("/en/protests/", {"place": quiet.public_id}).context["relation_facets"]["place"]
    # Counted as if the place were not chosen yet (what choosing another would find): the busiest, then the chosen.
    assert [(o[1], o[2]) for o in chosen] == [("Busy", 2), ("Quiet", 1)]


def _listed(client, path: str, name: str, public_id: str) -> int:
    return len(client.get(path, {name: public_id, "page_size": 100}).context["records"])


@pytest.mark.parametrize("language", ["en", "az", "fa", "tr"])
@pytest.mark.parametrize(("kind", "name"), [("protests", "place"), ("arrests", "place")])
def test_every_place_option_counts_what_choosing_it_lists(client, language, kind, name):
    """The counts come from the read model's place keys, the list from the filter: they agree for every option,
    through sites, cities and provinces, and stop climbing at a place that is not public."""
    path = f"/{language}/{kind}/"
    province = factories.PlaceFactory(name="East Azerbaijan", kind="province")
    tabriz = factories.PlaceFactory(name="Tabriz", parent=province)
    bazaar = factories.PlaceFactory(name="Tabriz bazaar", kind="site", parent=tabriz)
    hidden = factories.PlaceFactory(name="Unconfirmed town", parent=province, status="draft")
    square = factories.PlaceFactory(name="Town square", kind="site", parent=hidden)
    if kind == "protests":
        factories.ProtestFactory().places.set([tabriz, bazaar])  # once for Tabriz and the province
        factories.ProtestFactory().places.set([bazaar])
        factories.ProtestFactory().places.set([square])  # under a hidden town: found at the square only
        factories.ProtestFactory().places.set([province])
    else:
        for place in (tabriz, bazaar, bazaar, square, province):
            factories.ArrestFactory(place=place)
    options = client.get(path).context["relation_facets"][name]
    counts = {label: count for _id, label, count in options}
    protests = kind == "protests"
    assert counts == {"East Azerbaijan": 3 if protests else 4, "Tabriz": 2 if protests else 3, "Tabriz bazaar": 2,
                      "Town square": 1}  # fmt: skip
    for public_id, label, count in options:
        assert _listed(client, path, name, public_id) == count, label


def test_a_places_within_option_counts_the_places_it_lists(client):
    province = factories.PlaceFactory(name="East Azerbaijan", kind="province")
    tabriz = factories.PlaceFactory(name="Tabriz", parent=province)
    factories.PlaceFactory(name="Tabriz bazaar", kind="site", parent=tabriz)
    factories.PlaceFactory(name="Marand", parent=province)
    options = client.get("/en/places/").context["relation_facets"]["within"]
    assert {label: count for _id, label, count in options} == {"East Azerbaijan": 3, "Tabriz": 1}
    for public_id, label, count in options:
        assert _listed(client, "/en/places/", "within", public_id) == count, label


def test_place_counts_leave_out_restricted_places_and_follow_a_place_that_moves(client):
    province = factories.PlaceFactory(name="East Azerbaijan", kind="province")
    other = factories.PlaceFactory(name="Ardabil province", kind="province")
    tabriz = factories.PlaceFactory(name="Tabriz", parent=province)
    secret = factories.PlaceFactory(name="Safe house", kind="site", parent=tabriz, restricted=True)
    factories.ProtestFactory().places.set([secret])  # found nowhere: its only place is not public
    factories.ProtestFactory().places.set([tabriz])

    def counts():
        return {label: n for _id, label, n in client.get("/en/protests/").context["relation_facets"]["place"]}

    assert counts() == {"East Azerbaijan": 1, "Tabriz": 1}
    tabriz.parent = other
    tabriz.save()  # through the write path: the keys of the records beneath follow
    assert counts() == {"Ardabil province": 1, "Tabriz": 1}


def test_an_organization_based_in_and_of_one_country_counts_once_for_it(client):
    azerbaijan = factories.PlaceFactory(name="Azerbaijan", kind="country")
    baku = factories.PlaceFactory(name="Baku", parent=azerbaijan)
    factories.OrganizationFactory(based_in=baku, country=azerbaijan)
    options = client.get("/en/organizations/").context["relation_facets"]["place"]
    assert {label: n for _id, label, n in options} == {"Azerbaijan": 1, "Baku": 1}
    for public_id, label, count in options:
        assert _listed(client, "/en/organizations/", "place", public_id) == count, label

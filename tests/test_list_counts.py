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
def test_counts_that_overrun_their_time_budget_are_left_out_not_a_failure(client, settings, monkeypatch):
    from django.db import connection

    from archive import views

    settings.ARCHIVE_FACET_TIME_LIMIT_MS = 20

    def slow_facets(queryset, filterset):
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

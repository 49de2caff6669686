"""List pages derived from the registry: sorts from the type's ordering fields, facets from its
FilterSet, paging through archive.paging (a bad cursor or page size is a 400 page saying so)."""

import django_filters as df
import pytest

from archive import registry
from archive.filters import PublicIdFilter, filterset_for
from archive.models import Status
from archive.views import sorts_for
from tests import factories

pytestmark = pytest.mark.django_db

KEYS = [record_type.key for record_type in registry.TYPES]


def test_sorts_come_from_the_types_ordering_fields_and_titles():
    assert list(sorts_for(registry.get("protests"))) == ["date", "-date", "updated", "title"]
    assert list(sorts_for(registry.get("places"))) == ["name", "-name", "updated"]
    assert sorts_for(registry.get("people"))["-name"] == ("-name", "-pk")


@pytest.mark.parametrize("key", KEYS)
def test_every_sort_of_every_list_answers(client, key):
    for sort in sorts_for(registry.get(key)):
        assert client.get(f"/en/{key}/", {"sort": sort}).status_code == 200, sort
    assert client.get(f"/en/{key}/", {"sort": "created"}).status_code == 400


def test_a_list_sorted_by_date_pages_in_date_order_with_undated_last(client):
    days = ["2020-10-03", "2020-10-01", "2020-10-02"]
    for day in days:
        factories.ProtestFactory(date_start=day)
    factories.ProtestFactory(date_start=None, date_precision="undated", title="Undated")
    seen, url = [], "/en/protests/?sort=-date&page_size=2"
    while url:
        response = client.get(url)
        seen += response.context["records"]
        url = response.context["next_url"]
    assert [str(p.date_start) for p in seen[:3]] == sorted(days, reverse=True)
    assert seen[-1].title == "Undated" and len(seen) == 4


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"cursor": "not-a-cursor"}, "cursor"), ({"page_size": "0"}, "page_size"), ({"page_size": "x"}, "page_size")],
)
def test_a_bad_cursor_or_page_size_is_a_400_page_saying_so(client, query, parameter):
    factories.ProtestFactory()
    response = client.get("/en/protests/", query)
    assert response.status_code == 400
    assert list(response.context["errors"]) == [parameter]
    assert "cannot be applied" in response.content.decode()


def test_a_cursor_made_for_another_sort_is_refused(client):
    for _ in range(3):
        factories.ProtestFactory()
    cursor = client.get("/en/protests/", {"page_size": 1, "sort": "date"}).context["next_url"].split("cursor=")[1]
    response = client.get("/en/protests/", {"page_size": 1, "sort": "updated", "cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.context["errors"]


@pytest.mark.parametrize("key", KEYS)
def test_facets_are_the_filtersets_choice_and_relation_filters(client, key):
    filters = filterset_for(key).base_filters
    context = client.get(f"/en/{key}/").context
    choices = [str(f.label) for f in filters.values() if isinstance(f, df.MultipleChoiceFilter)]
    assert [label for label, _options in context["facets"]] == choices
    assert sorted(context["relation_facets"]) == sorted(n for n, f in filters.items() if isinstance(f, PublicIdFilter))


def test_filterset_for_takes_a_key_a_model_or_a_record():
    protest = factories.ProtestFactory.build()
    assert filterset_for("protests") is filterset_for(type(protest)) is filterset_for(protest)
    assert filterset_for("protests").__name__ == "ProtestFilter"


def test_a_record_reached_through_two_paths_counts_once(client):
    iran = factories.PlaceFactory(name="Iran", kind="country")
    tabriz = factories.PlaceFactory(name="Tabriz", parent=iran)
    factories.OrganizationFactory(based_in=tabriz, country=iran)
    factories.OrganizationFactory(country=iran)
    options = client.get("/en/organizations/").context["relation_facets"]["place"]
    assert {name: count for _id, name, count in options} == {"Iran": 2, "Tabriz": 1}
    assert len(client.get("/en/organizations/", {"place": iran.public_id}).context["records"]) == 2


def test_relation_options_are_labelled_and_public_only(client):
    shown = factories.ProtestFactory(title="Rally in Urmia")
    hidden = factories.ProtestFactory(title="Secret rally", status=Status.DRAFT)
    factories.ArrestFactory(protest=shown)
    factories.ArrestFactory(protest=hidden)
    options = client.get("/en/arrests/").context["relation_facets"]["protest"]
    assert options == [(shown.public_id, "Rally in Urmia", 1)]

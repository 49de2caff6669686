"""A place's page lists every public record at it or inside it, in date order, as its filtered list does (#13)."""

import re

import pytest

from archive.models import Protest, Status

pytestmark = pytest.mark.django_db


def _section(page: str, heading: str) -> str:
    start = page.index(f"<h2>{heading}</h2>")
    end = page.find("<h2>", start + 1)
    return page[start : end if end != -1 else None]


def test_tabriz_page_lists_what_its_filtered_list_finds_in_date_order(client, article):
    listed = client.get("/en/protests/", {"place": "place-tabriz", "page_size": 100}).context["records"]
    page = client.get("/en/places/place-tabriz/").content.decode()
    section = _section(page, "Protests")
    ids = re.findall(r'href="/en/protests/([^/]+)/"', section)
    assert sorted(ids) == sorted(p.public_id for p in listed)
    # A protest at a site inside Tabriz (the bazaar) is Tabriz's too.
    inside = Protest.objects.published().filter(places__parent__public_id="place-tabriz")
    assert inside.exists() and all(p.public_id in ids for p in inside)
    starts = [Protest.objects.get(public_id=i).date_start for i in ids]
    dated = [day for day in starts if day is not None]
    assert dated == sorted(dated) and starts == dated + [None] * (len(starts) - len(dated)), "undated last"
    assert 'href="/en/protests/?place=place-tabriz"' in section
    assert f"({len(ids)} records)" in section or f"({len(ids)} record)" in section


def test_place_page_leaves_out_what_the_public_may_not_open(client, article):
    protest = Protest.objects.published().filter(places__public_id="place-tabriz").first()
    Protest.objects.filter(pk=protest.pk).update(status=Status.DRAFT)
    page = client.get("/en/places/place-tabriz/").content.decode()
    assert protest.public_id not in page


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_place_page_renders_in_every_language(client, article, lang):
    response = client.get(f"/{lang}/places/place-tabriz/")
    assert response.status_code == 200
    assert f'href="/{lang}/protests/?place=place-tabriz"' in response.content.decode()


def test_place_page_query_budget(client, article, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        client.get("/en/places/place-east-azerbaijan-province/")

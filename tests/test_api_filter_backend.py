"""The API lists' filter backend builds no FilterSet for a plain page, and refuses what it refused before."""

import pytest

from archive.filters import StrictFilterSet
from tests import factories

pytestmark = pytest.mark.django_db

LIST = "/api/v1/protests/"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 200),
        ("page_size=10&ordering=-date_start", 200),
        ("_=1&utm_source=x&fbclid=y", 200),  # cache-busters and tracking: ignored
        ("format=bogus", 400),
        ("ordering=bogus", 400),
        ("lang=zz", 400),
        ("page_size=abc", 400),
        ("cursor=zzz", 400),
        ("updated_since=x", 400),
        ("nonsense=1", 400),  # unknown: the FilterSet names it
        ("kind=not-a-kind", 400),
    ],
)
def test_a_list_answers_as_before_whatever_the_filter_backend_skips(client, query, status):
    factories.ProtestFactory()
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == status, response.content


def test_a_plain_page_builds_no_filterset(client, monkeypatch):
    factories.ProtestFactory()
    built = []
    original = StrictFilterSet.__init__

    def counting(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(StrictFilterSet, "__init__", counting)
    assert client.get(f"{LIST}?page_size=10&utm_source=x").status_code == 200
    assert built == []
    assert client.get(f"{LIST}?kind=rally").status_code == 200
    assert built == ["ProtestFilter"]

"""Atom feeds of recently published or changed records, per type and per list filter."""

import xml.etree.ElementTree as ET

import pytest

from archive import models
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def protests(db):
    rally = factories.ProtestFactory(public_id="rally", title="Rally in Tabriz & “Urmia” تبریز")
    strike = factories.ProtestFactory(public_id="strike", title="Strike", kind=models.ProtestKind.STRIKE)
    factories.ProtestFactory(public_id="draft", title="Draft protest", status=models.Status.DRAFT)
    factories.ProtestFactory(public_id="restricted", title="Restricted protest", restricted=True)
    return rally, strike


def entries(client, url: str) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response
    return feed, feed.findall(f"{ATOM}entry")


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_the_feed_parses_in_every_language(client, protests, lang):
    feed, found = entries(client, f"/{lang}/protests/feed.atom")
    assert feed.find(f"{ATOM}title").text
    assert {e.find(f"{ATOM}link").get("href") for e in found} == {
        f"http://testserver/{lang}/protests/rally/",
        f"http://testserver/{lang}/protests/strike/",
    }
    for entry in found:
        assert entry.find(f"{ATOM}updated").text and entry.find(f"{ATOM}summary").text


def test_hidden_records_are_absent(client, protests):
    body = client.get("/en/protests/feed.atom").content.decode()
    assert "Draft protest" not in body and "Restricted protest" not in body
    assert "Rally in Tabriz &amp; “Urmia” تبریز" in body


def test_the_most_recently_changed_come_first(client, protests):
    rally, _strike = protests
    rally.title = "Rally, corrected"
    rally.save()
    _feed, found = entries(client, "/en/protests/feed.atom")
    assert found[0].find(f"{ATOM}title").text == "Rally, corrected"


def test_the_list_filters_apply(client, protests):
    _feed, found = entries(client, "/en/protests/feed.atom?kind=strike&sort=-date")
    assert [e.find(f"{ATOM}title").text for e in found] == ["Strike"]


@pytest.mark.parametrize("query", ["kind=nonsense", "colour=red", "date_from=not-a-date"])
def test_a_bad_filter_is_a_400_naming_it(client, protests, query):
    response = client.get(f"/en/protests/feed.atom?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.content.decode()


def test_an_unknown_type_is_not_found(client, db):
    assert client.get("/en/nothing/feed.atom").status_code == 404


def test_list_pages_announce_their_feed_with_their_filters(client, protests):
    page = client.get("/en/protests/?kind=strike").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/en/protests/feed.atom?kind=strike"' in page
    assert "application/atom+xml" not in client.get("/en/protests/rally/").content.decode()

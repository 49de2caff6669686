import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rally(db):
    return factories.ProtestFactory(title="Rally in Ardabil", description="Activists gathered <b>here</b>")


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_search_page_groups_results_by_type(client, rally, lang):
    response = client.get(f"/{lang}/search/", {"q": "ardabil"})
    assert response.status_code == 200
    assert "Rally in Ardabil" in response.content.decode()


def test_search_page_escapes_record_text(client, rally):
    page = client.get("/en/search/", {"q": "activists"}).content.decode()
    assert "<b>here</b>" not in page
    assert "<mark>Activists</mark>" in page


def test_search_page_reports_a_too_long_query(client, rally):
    response = client.get("/en/search/", {"q": "x" * 500})
    assert response.status_code == 400
    assert "too long" in response.content.decode()


def test_search_page_says_when_nothing_matches(client, rally):
    assert "Nothing matches" in client.get("/en/search/", {"q": "zzzzzz"}).content.decode()


def test_search_page_without_query_shows_the_form(client, rally):
    response = client.get("/en/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_search_results_link_to_record_pages(client, rally):
    page = client.get("/en/search/", {"q": "ardabil"}).content.decode()
    assert f'href="/en/protests/{rally.public_id}/"' in page

import pytest

from archive import models
from tests import factories

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("az", "ltr"), ("fa", "rtl"), ("tr", "ltr")])
def test_home_page_renders_in_each_language(client, lang, direction):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'lang="{lang}" dir="{direction}"' in response.content.decode()


def test_home_counts_only_public_records(client, django_assert_max_num_queries):
    factories.ProtestFactory.create_batch(3)
    factories.ProtestFactory(status=models.Status.DRAFT)
    factories.ProtestFactory(restricted=True)
    with django_assert_max_num_queries(20):
        response = client.get("/en/")
    counts = dict(response.context["counts"])
    assert counts["protests"] == 3

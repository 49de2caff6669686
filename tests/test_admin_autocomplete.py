"""The admin's pickers put exact name and alias matches first (#14): "Təbriz" finds the city before the
province whose text mentions it."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


@pytest.mark.parametrize("term", ["Təbriz", "Tabriz", "تبریز"])
def test_place_picker_puts_the_exact_name_first(admin_client_logged, article, term):
    response = admin_client_logged.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "archive", "model_name": "protest", "field_name": "places"},
    )
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results, term
    assert results[0]["text"].startswith("Tabriz"), [r["text"] for r in results]

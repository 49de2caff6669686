"""The admin's live date preview (#14): what a typed date will be stored as, before saving."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


def preview(client, text: str):
    return client.get(reverse("admin-date-preview"), {"text": text})


def test_a_solar_hijri_day_previews_in_both_calendars(staff):
    answer = preview(staff, "14 Aban 1399").json()
    assert answer["ok"] is True
    assert "4 November 2020" in answer["text"] and "Aban 1399" in answer["text"] and "آبان" in answer["text"]


def test_a_partial_date_previews_as_written(staff):
    answer = preview(staff, "mid-October 2020").json()
    assert answer == {"ok": True, "text": answer["text"]} and answer["text"].startswith("mid-October 2020 · ")


def test_an_unreadable_date_says_why_quoting_it_as_typed(staff):
    answer = preview(staff, "Mid-Octobre 2020").json()
    assert answer["ok"] is False and "“Octobre 2020”" in answer["error"]


def test_the_form_quotes_a_bad_date_as_typed(staff):
    response = staff.post(reverse("admin:archive_protest_add"), {"title": "x", "date_text": "Octobre 2020"})
    assert response.status_code == 200
    assert "“Octobre 2020”" in response.content.decode()


def test_an_empty_box_previews_nothing_and_a_long_one_is_cut(staff):
    assert preview(staff, "  ").json() == {"ok": True, "text": ""}
    assert preview(staff, "2020" + " " * 5000 + "x").status_code == 200


def test_only_staff_may_ask_and_only_to_read(client, staff):
    response = preview(client, "2020")
    assert response.status_code == 302 and "login" in response["Location"]
    assert staff.post(reverse("admin-date-preview"), {"text": "2020"}).status_code == 405
    assert preview(staff, "2020")["Cache-Control"] == "private, no-store"


def test_the_date_box_carries_the_preview_and_its_script(staff):
    protest = factories.ProtestFactory()
    page = staff.get(reverse("admin:archive_protest_change", args=[protest.pk])).content.decode()
    assert f'data-date-preview="{reverse("admin-date-preview")}"' in page
    assert "archive/admin-date-preview.js" in page

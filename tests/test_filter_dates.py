"""Date filters read the admin's date language, in both calendars: `date_from` takes the start of the period
it names, `date_to` its end. Checked through the site's lists and the API alike (one shared FilterSet)."""

import datetime as dt

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "az", "fa", "tr"]


@pytest.fixture
def dated(db):
    for public_id, day, precision in [
        ("sep29", dt.date(2020, 9, 29), "day"),
        ("oct18", dt.date(2020, 10, 18), "day"),
        ("oct31", dt.date(2020, 10, 31), "day"),
        ("nov04", dt.date(2020, 11, 4), "day"),
        ("nineties", dt.date(1995, 1, 1), "year"),
    ]:
        factories.ProtestFactory(public_id=public_id, date_start=day, date_precision=precision)


def on_api(client, query: dict) -> list[str]:
    response = client.get("/api/v1/protests/", {**query, "page_size": 100})
    assert response.status_code == 200, response.json()
    return sorted(row["id"] for row in response.json()["results"])


def on_site(client, query: dict, lang: str = "en") -> list[str]:
    response = client.get(f"/{lang}/protests/", {**query, "page_size": 100})
    assert response.status_code == 200, response.context.get("errors")
    return sorted(record.public_id for record in response.context["records"])


CASES = [
    ({"date_from": "2020-10-18", "date_to": "2020-10-18"}, ["oct18"]),
    ({"date_from": "2020-10", "date_to": "2020-10"}, ["oct18", "oct31"]),
    ({"date_to": "2020-10"}, ["nineties", "oct18", "oct31", "sep29"]),
    ({"date_from": "2020-10"}, ["nov04", "oct18", "oct31"]),
    ({"date_from": "October 2020", "date_to": "October 2020"}, ["oct18", "oct31"]),
    ({"date_from": "mid-October 2020", "date_to": "oct 2020"}, ["oct18", "oct31"]),
    ({"date_from": "1990s", "date_to": "1990s"}, ["nineties"]),
    ({"date_to": "1990s"}, ["nineties"]),
    ({"date_from": "2020", "date_to": "2020"}, ["nov04", "oct18", "oct31", "sep29"]),
    # Mehr 1399 is 22 September – 21 October 2020.
    ({"date_from": "Mehr 1399", "date_to": "Mehr 1399"}, ["oct18", "sep29"]),
    ({"date_from": "14 Aban 1399", "date_to": "14 Aban 1399"}, ["nov04"]),
    ({"date_from": "۱۴ آبان ۱۳۹۹"}, ["nov04"]),
    ({"date_to": "1399-07-30 SH"}, ["nineties", "oct18", "sep29"]),  # 21 October 2020
    ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, ["nineties", "nov04", "oct18", "oct31", "sep29"]),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[str(q) for q, _e in CASES])
def test_a_date_filter_reads_the_admins_date_language_on_the_api(client, dated, query, expected):
    assert on_api(client, query) == expected


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[str(q) for q, _e in CASES])
def test_a_date_filter_reads_the_admins_date_language_on_the_site(client, dated, query, expected):
    assert on_site(client, query) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_month_filter_answers_in_every_language(client, dated, lang):
    assert on_site(client, {"date_from": "October 2020", "date_to": "2020-10"}, lang) == ["oct18", "oct31"]


@pytest.mark.parametrize("value", ["nonsense", "undated", "October", "2020-13-45", "1399"])
def test_an_unreadable_date_names_the_filter_and_shows_what_works(client, dated, value):
    body = client.get("/api/v1/protests/", {"date_from": value}).json()
    assert "“From”" in body["date_from"][0] and "October 2020" in body["date_from"][0]
    response = client.get("/en/protests/", {"date_from": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "From: " in page and "14 Aban 1399" in page and "date_from:" not in page


def test_a_bare_solar_hijri_year_is_told_to_add_sh(client, dated):
    message = client.get("/api/v1/protests/", {"date_to": "1399"}).json()["date_to"][0]
    assert "“To”" in message and "SH" in message
    assert on_api(client, {"date_from": "1399 SH", "date_to": "1399 SH"}) == ["nov04", "oct18", "oct31", "sep29"]


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "October 2020", "date_to": "September 2020"},
        {"date_from": "2020-10-02", "date_to": "2020-10-01"},
        {"date_from": "Aban 1399", "date_to": "Mehr 1399"},
    ],
)
def test_to_before_from_is_a_400_on_the_site_and_the_api(client, dated, query):
    response = client.get("/api/v1/protests/", query)
    assert response.status_code == 400 and response.json()["date_to"]
    response = client.get("/en/protests/", query)
    assert response.status_code == 400
    assert "is before" in response.content.decode()


def test_a_month_to_the_same_month_is_not_to_before_from(client, dated):
    """From October 2020 to October 2020 is the whole month, though its end is read as a later day."""
    assert on_api(client, {"date_from": "2020-10", "date_to": "October 2020"}) == ["oct18", "oct31"]

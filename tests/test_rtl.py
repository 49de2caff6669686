"""Right-to-left done properly (#13): one digit rule per page, bidi isolation around mixed-direction fragments,
Persian punctuation."""

import re

import pytest

pytestmark = pytest.mark.django_db

PROTEST = "/{lang}/protests/protest-2020-09-29-ardabil-rally/"


def _date_dd(page: str) -> str:
    """The record page's date value (the <dd> after the Date <dt>)."""
    match = re.search(r"<dt>[^<]*</dt>\s*<dd>((?:(?!</dd>).)*?\d(?:(?!</dd>).)*)</dd>", page, re.S)
    assert match, "the record page shows a date"
    return re.sub(r"<[^>]+>", "", match.group(1).split("<br>")[0])


def test_persian_record_page_writes_both_calendars_in_persian_digits(client, article):
    date = _date_dd(client.get(PROTEST.format(lang="fa")).content.decode())
    assert "·" in date, "Gregorian and Solar Hijri side by side"
    assert not re.search(r"[0-9]", date), date
    assert re.search(r"[۰-۹]{4}", date), date


@pytest.mark.parametrize("lang", ["en", "az", "tr"])
def test_other_languages_write_dates_in_latin_digits(client, article, lang):
    date = _date_dd(client.get(PROTEST.format(lang=lang)).content.decode())
    assert re.search(r"[0-9]{4}", date) and not re.search(r"[۰-۹]", date), date


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_cite_block_isolates_the_id_address_and_day(client, article, lang):
    page = client.get(PROTEST.format(lang=lang)).content.decode()
    cite = re.search(r'<p class="cite">(.*?)</p>', page, re.S).group(1)
    assert '<bdi dir="ltr"><code>protest-2020-09-29-ardabil-rally</code></bdi>' in cite
    assert re.search(r'<bdi dir="ltr"><time datetime="\d{4}-\d\d-\d\d">\d{4}-\d\d-\d\d</time></bdi>', cite)
    assert re.search(r'<a href="[^"]+" dir="ltr">', cite)


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_map_list_coordinates_are_one_isolated_left_to_right_run(client, article, lang):
    page = client.get(f"/{lang}/").content.decode()
    coordinates = re.findall(r'<bdi dir="ltr">(-?\d+\.\d\d)° N, (-?\d+\.\d\d)° E</bdi>', page)
    assert coordinates, "every place on the map lists its coordinates, decimal point and all"
    assert "° E °" not in page


def test_recently_added_titles_are_isolated(client, article):
    page = client.get("/fa/").content.decode()
    recent = page[page.index('id="recent"') :]
    titles = re.findall(r'<li><a href="[^"]+">(.*?)</a>', recent)
    assert titles and all(t.startswith("<bdi>") and t.endswith("</bdi>") for t in titles)


def test_persian_pages_use_the_persian_comma(client, article):
    page = client.get("/fa/").content.decode()
    recent = page[page.index('id="recent"') :]
    assert "، <time" in recent
    english = client.get("/en/").content.decode()
    assert ", <time" in english[english.index('id="recent"') :]


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_coordinates_on_a_place_page_read_as_data_in_every_language(client, article, lang):
    page = client.get(f"/{lang}/places/place-tabriz/").content.decode()
    assert '<bdi dir="ltr">38.08</bdi>' in page and '<bdi dir="ltr">46.29</bdi>' in page
    assert "38,08" not in page

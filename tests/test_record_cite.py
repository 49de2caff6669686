"""A public record's citation as BibTeX, RIS and CSL-JSON: escaped, UTF-8, a download named safely, only for
records the public may see."""

import datetime as dt
import json
import re

import pytest

from archive import citeformats, models
from archive.dates import DatePrecision
from tests import factories

pytestmark = pytest.mark.django_db

NASTY_TITLE = 'Rally {Tabriz} 100% & 50$ #1 _x_ ^~\\ "quoted" تظاهرات تبریز\nsecond line'


@pytest.fixture
def protest(db):
    return factories.ProtestFactory(
        public_id="p-cite",
        title=NASTY_TITLE,
        date_start=dt.date(2020, 10, 18),
        date_precision=DatePrecision.MONTH,
    )


def download(client, url: str, content_type: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == content_type
    suffix = url.rsplit(".", 1)[1]
    assert response["Content-Disposition"] == f'attachment; filename="protests-p-cite.{suffix}"'
    return response.content.decode("utf-8")


def test_bibtex_escapes_latex_specials_and_keeps_persian(client, protest):
    text = download(client, "/en/protests/p-cite/cite.bib", "application/x-bibtex; charset=utf-8")
    assert text.startswith("@online{archive-p-cite,\n")
    title = re.search(r"^  title = \{(.*)\},$", text, re.MULTILINE).group(1)
    assert title == (
        r"Rally \{Tabriz\} 100\% \& 50\$ \#1 \_x\_ \^{}\~{}\textbackslash{} "
        '"quoted" تظاهرات تبریز second line'
    )
    assert "  url = {http://testserver/en/protests/p-cite/}" in text
    assert f"  urldate = {{{protest.updated.date().isoformat()}}}" in text
    assert "  eventdate = {2020-10}" in text  # month-precise: no invented day
    assert "  author = {{Karabakh 2020 response archive}}" in text
    assert _braces_balance(text)


def _braces_balance(text: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", text):
        token = match.group()
        depth += {"{": 1, "}": -1}.get(token, 0)
        if depth < 0:
            return False
    return depth == 0


def test_ris_is_one_tag_per_crlf_line(client, protest):
    text = download(client, "/en/protests/p-cite/cite.ris", "application/x-research-info-systems; charset=utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "TY  - ELEC" and lines[-2:] == ["ER  - ", ""]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1]), lines
    assert "\n" not in text.replace("\r\n", "")
    assert "TI  - " + " ".join(NASTY_TITLE.split()) in lines
    assert "UR  - http://testserver/en/protests/p-cite/" in lines
    assert f"Y2  - {protest.updated:%Y/%m/%d}/" in lines
    assert "N1  - protest: 2020-10" in lines


def test_csl_json_is_one_item(client, protest):
    text = download(client, "/en/protests/p-cite/cite.json", "application/vnd.citationstyles.csl+json; charset=utf-8")
    [item] = json.loads(text)
    assert item["title"] == " ".join(NASTY_TITLE.split())
    assert item["URL"] == "http://testserver/en/protests/p-cite/"
    assert item["type"] == "webpage" and item["genre"] == "protest"
    assert item["container-title"] == item["publisher"] == "Karabakh 2020 response archive"
    day = protest.updated.date()
    assert item["accessed"] == item["issued"] == {"date-parts": [[day.year, day.month, day.day]]}
    assert item["event-date"] == {"date-parts": [[2020, 10]]}
    assert "تظاهرات تبریز" in text  # UTF-8, not \u escapes


@pytest.mark.parametrize("lang", ["en", "az", "fa", "tr"])
def test_every_language_cites_its_own_page(client, protest, lang):
    [item] = json.loads(client.get(f"/{lang}/protests/p-cite/cite.json").content)
    assert item["URL"] == f"http://testserver/{lang}/protests/p-cite/" and item["language"] == lang


def test_an_undated_record_has_no_event_date_and_a_range_has_both_ends():
    base = {"public_id": "x", "title": "t", "kind": "k", "url": "u", "archive": "a", "changed": dt.date(2024, 1, 2)}
    assert "event-date" not in citeformats.csl(citeformats.Cited(**base))
    ranged = citeformats.Cited(
        **base, start=dt.date(2020, 10, 1), end=dt.date(2020, 10, 5), precision=DatePrecision.APPROXIMATE
    )
    assert citeformats.csl(ranged)["event-date"] == {"date-parts": [[2020, 10, 1], [2020, 10, 5]], "circa": True}
    assert "eventdate = {2020-10-01/2020-10-05~}" in citeformats.bibtex(ranged)


def test_a_record_without_a_date_of_its_own_cites_fine(client, db):
    factories.PlaceFactory(public_id="tabriz", name="Təbriz & تبریز")
    text = client.get("/az/places/tabriz/cite.bib").content.decode()
    assert r"title = {Təbriz \& تبریز}" in text and "eventdate" not in text


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": models.Status.DRAFT},
        {"status": models.Status.IN_REVIEW},
        {"restricted": True},
    ],
)
@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_a_record_the_public_may_not_see_is_not_found(client, db, hidden, fmt):
    factories.ProtestFactory(public_id="secret", title="Secret", **hidden)
    response = client.get(f"/en/protests/secret/cite.{fmt}")
    assert response.status_code == 404 and b"Secret" not in response.content


def test_a_withdrawn_record_is_gone_like_its_page(client, db):
    factories.ProtestFactory(public_id="gone", status=models.Status.WITHDRAWN, withdrawn_reason="Duplicate entry.")
    response = client.get("/en/protests/gone/cite.ris")
    assert response.status_code == 410 and b"Duplicate entry." in response.content
    assert client.get("/en/protests/gone/").status_code == 410


@pytest.mark.parametrize(
    "url", ["/en/protests/p-cite/cite.txt", "/en/nothing/p-cite/cite.bib", "/en/protests/x/cite.bib"]
)
def test_an_unknown_format_type_or_record_is_not_found(client, protest, url):
    assert client.get(url).status_code == 404


def test_the_record_page_links_the_three(client, protest):
    page = client.get("/fa/protests/p-cite/").content.decode()
    for suffix in ("bib", "ris", "json"):
        assert f'href="/fa/protests/p-cite/cite.{suffix}"' in page

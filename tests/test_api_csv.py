"""The API's CSV of a whole filtered list: the data package's columns plus the record's relations,
exactly the JSON list's records, through the public gate, in a few queries per thousand rows."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive import changes, datapackage, readmodel, registry
from archive import models as m
from archive.api import csv_export
from archive.datapackage.writer import unescape_text, write_table
from archive.public import detainee_label
from archive.readmodel import LANGUAGES
from tests import factories as f
from tests.test_datapackage import CANARIES, data  # noqa: F401 - `data` is a fixture: a world with hidden links

pytestmark = pytest.mark.django_db

# API path → the relation columns after the record's own (its data package table's): many-to-many fields
# in the spec's order (an API group as one column), parts, records pointing to it, citations.
ENDPOINTS = {
    "protests": ["places", "organizers", "slogans", "size_claims", "arrests", "statements", "citations"],
    "arrests": ["count_claims", "statements", "citations"],
    "statements": ["speakers", "reported_in", "about", "texts", "signatory_claims", "citations"],
    "organizations": ["other_names", "citations"],
    "media-outlets": ["languages", "other_names", "citations"],
    "people": ["other_names", "roles", "citations"],
    "places": ["other_names", "citations"],
    "sources": ["author_people", "citations"],
}


def table(path: str) -> datapackage.Table:
    return datapackage.record_table(registry.get(path))


def body(response) -> str:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode()


def csv_rows(client, path: str, **params) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(client.get(f"/api/v1/{path}/", {"format": "csv", **params})))))


def json_ids(client, path: str, **params) -> list[str]:
    page = client.get(f"/api/v1/{path}/", {"page_size": 2, **params}).json()
    found = [r["id"] for r in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        found += [r["id"] for r in page["results"]]
    return found


@pytest.mark.parametrize("path", ENDPOINTS)
def test_columns_are_the_data_package_columns_then_the_relations(client, path):
    header = body(client.get(f"/api/v1/{path}/?format=csv")).splitlines()[0]
    assert header.split(",") == [column.name for column in table(path).columns] + ENDPOINTS[path]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_record_columns_read_exactly_as_in_the_data_package(client, data, tmp_path, path):  # noqa: F811
    write_table(table(path), tmp_path)  # the API's CSV is formula-escaped, as the package's Excel variant
    with (tmp_path / "excel" / f"{path}.csv").open(encoding="utf-8-sig", newline="") as handle:
        package = {row["id"]: row for row in csv.DictReader(handle)}
    exported = {row["id"]: row for row in csv_rows(client, path)}
    assert exported.keys() == package.keys() and package
    for record_id, row in package.items():
        assert {name: exported[record_id][name] for name in row} == row


@pytest.mark.parametrize("path", ENDPOINTS)
def test_nothing_hidden_reaches_any_export(client, data, path):  # noqa: F811
    text = body(client.get(f"/api/v1/{path}/?format=csv"))
    hidden = [r for r in data.values() if isinstance(r, m.Record) and not r.is_public]
    assert hidden
    for canary in CANARIES + [r.public_id for r in hidden]:
        assert canary not in text, (path, canary)


def test_relations_show_only_public_targets(client, data):  # noqa: F811
    (protest,) = csv_rows(client, "protests")
    assert protest["places"] == data["tabriz"].public_id
    assert protest["organizers"] == data["org"].public_id
    assert protest["slogans"] == "Qarabağ bizimdir"
    assert protest["size_claims"] == "hundreds (200–?, activists) | a thousand (1000–1000)"
    assert protest["arrests"] == data["named_arrest"].public_id
    assert protest["statements"] == data["statement"].public_id
    assert protest["citations"] == f"{data['source'].public_id} fn.16"
    statement = {r["id"]: r for r in csv_rows(client, "statements")}[data["statement"].public_id]
    # Hidden speakers (at risk, draft) leave no trace: no id, no "name withheld".
    assert statement["speakers"] == " | ".join([data["person"].public_id, data["org"].public_id])
    assert statement["about"] == " | ".join(
        [data["protest"].public_id, data["named_arrest"].public_id, data["earlier_statement"].public_id]
    )
    assert statement["reported_in"] == data["outlet"].public_id
    assert statement["texts"] == "Biz sizinləyik | \tWe are with you"  # only a cell's first character matters
    assert statement["signatory_claims"] == "60 (60–60)"


def test_withheld_detainee_reads_as_the_public_label(client, data):  # noqa: F811
    rows = {r["id"]: r for r in csv_rows(client, "arrests")}
    for arrest in m.Arrest.objects.published().select_related("person"):
        assert rows[arrest.public_id]["detainee"] == detainee_label(arrest)
    withheld = rows[data["withheld_arrest"].public_id]
    assert withheld["detainee"] == "a detainee, name withheld" and withheld["person_id"] == ""
    assert withheld["protest_id"] == "" and withheld["authority_id"] == ""


def test_people_list_roles_with_public_organizations_only(client, data):  # noqa: F811
    rows = {r["id"]: r for r in csv_rows(client, "people")}
    # A role at a hidden organization is left out whole; a role at no organization is the role alone.
    assert rows[data["person"].public_id]["roles"] == f"Poet | Spokesman ({data['org'].public_id})"
    assert data["at_risk"].public_id not in rows


def test_formula_cells_are_escaped(client):
    protest = f.ProtestFactory(title="=HYPERLINK(evil)", description="@SUM(1)")
    place = f.PlaceFactory(name="+Tabriz", public_id="place-x")
    m.PlaceName.objects.create(owner=place, name="=cmd", language=f.LanguageFactory())
    protest.places.add(place)
    slogan = m.Slogan.objects.create(text="-down with", language=f.LanguageFactory())
    protest.slogans.add(slogan)
    (row,) = csv_rows(client, "protests")
    assert row["title"] == "'=HYPERLINK(evil)" and row["description"] == "'@SUM(1)"
    assert row["slogans"] == "'-down with"
    (place_row,) = csv_rows(client, "places")
    assert place_row["name"] == "'+Tabriz" and place_row["other_names"] == "'=cmd"


TRICKY = ["'quoted", "''twice", "=1+1", "'=1+1", "plain", "it's", "-", "'"]


def test_dropping_one_leading_apostrophe_gives_every_text_back(client):
    """The documented reader rule has no exception: a text that starts with an apostrophe is escaped too."""
    for n, title in enumerate(TRICKY):
        f.ProtestFactory(public_id=f"protest-{n}", title=title)
    rows = {row["id"]: row["title"] for row in csv_rows(client, "protests")}
    assert rows["protest-0"] == "''quoted" and rows["protest-5"] == "it's"
    assert [unescape_text(rows[f"protest-{n}"]) for n in range(len(TRICKY))] == TRICKY


@pytest.fixture
def cities(db):
    iran = f.PlaceFactory(public_id="iran", kind=m.PlaceKind.COUNTRY)
    tabriz = f.PlaceFactory(public_id="tabriz", parent=iran)
    urmia = f.PlaceFactory(public_id="urmia", parent=iran)
    org = f.OrganizationFactory(public_id="gamac")
    for n, (day, places, kind) in enumerate(
        [(5, [tabriz], "rally"), (1, [tabriz, urmia], "march"), (9, [urmia], "rally"), (3, [], "rally")]
    ):
        protest = f.ProtestFactory(public_id=f"p{n}", date_start=dt.date(2020, 10, day), kind=kind)
        protest.places.set(places)
        if n % 2:
            protest.organizers.add(org)
    f.ProtestFactory(public_id="hidden", status=m.Status.DRAFT).places.set([tabriz])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"place": "iran"},  # matches p1 through two places: the list must not repeat it
        {"place": "tabriz", "ordering": "-date_start"},
        {"place": "iran", "ordering": "date_start"},
        {"kind": "rally", "ordering": "-pk"},
        {"organization": "gamac"},
        {"date_from": "2020-10-02", "date_to": "2020-10-06"},
        {"place": "nowhere"},
    ],
)
def test_a_filtered_export_holds_exactly_the_json_lists_records_in_its_order(client, cities, params):
    assert [r["id"] for r in csv_rows(client, "protests", **params)] == json_ids(client, "protests", **params)


def test_an_export_that_matches_nothing_is_the_header_alone(client, cities):
    assert body(client.get("/api/v1/protests/?format=csv&place=nowhere")).count("\n") == 1


def test_bad_filters_are_400_not_a_broken_file(client):
    assert client.get("/api/v1/protests/?format=csv&date_from=yesterday").status_code == 400
    assert client.get("/api/v1/protests/?format=csv&colour=red").status_code == 400


def test_a_record_hidden_while_the_export_runs_is_left_out(client, monkeypatch):
    monkeypatch.setattr(readmodel, "CHUNK", 1)  # the export reads stored lines two records at a time
    protests = [f.ProtestFactory(public_id=f"p{n}") for n in range(7)]
    chunks = iter(client.get("/api/v1/protests/?format=csv").streaming_content)
    first = next(chunks) + next(chunks)  # the header, then p0 and p1
    protests[4].status = m.Status.DRAFT
    protests[4].save()  # through the write path: its stored line goes
    text = (first + b"".join(chunks)).decode()
    assert [row["id"] for row in csv.DictReader(io.StringIO(text))] == ["p0", "p1", "p2", "p3", "p5", "p6"]


def bulk_protests(count: int) -> None:
    """`count` public protests, each in a place, organized, with a slogan, a size claim and a citation."""
    language, day = f.LanguageFactory(), dt.date(2020, 10, 18)
    place, org, source = f.PlaceFactory(), f.OrganizationFactory(), f.SourceFactory()
    slogan = m.Slogan.objects.create(text="Azadlıq", language=language)
    protests = m.Protest.objects.bulk_create(
        m.Protest(
            public_id=f"bulk-{n:05}", title=f"Protest {n}", kind="rally", date_start=day, status=m.Status.PUBLISHED
        )
        for n in range(count)
    )
    m.Protest.places.through.objects.bulk_create(m.Protest.places.through(protest=p, place=place) for p in protests)
    m.Protest.organizers.through.objects.bulk_create(
        m.Protest.organizers.through(protest=p, organization=org) for p in protests
    )
    m.Protest.slogans.through.objects.bulk_create(m.Protest.slogans.through(protest=p, slogan=slogan) for p in protests)
    m.ProtestSizeClaim.objects.bulk_create(m.ProtestSizeClaim(protest=p, words="hundreds", low=200) for p in protests)
    m.Citation.objects.bulk_create(m.Citation(record=p, source=source, footnote=1) for p in protests)
    changes.records_changed(m.Protest, [p.pk for p in protests], created=True, saved=True)  # as a bulk writer must


def test_queries_grow_with_chunks_not_rows(client, django_assert_max_num_queries):
    bulk_protests(2500)
    chunks = 3  # stored lines, 1,000 at a time
    # The pk list, then one query per chunk of stored lines; a few more for the view.
    with django_assert_max_num_queries(1 + chunks + 4):
        rows = csv_rows(client, "protests")
    assert len(rows) == 2500 and rows[0]["id"] == "bulk-00000" and rows[-1]["id"] == "bulk-02499"
    assert {(r["places"] != "", r["organizers"] != "", r["slogans"], r["citations"][-5:]) for r in rows} == {
        (True, True, "Azadlıq", " fn.1")
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_streams_with_a_held_cursor(client, monkeypatch):
    """Serving runs in autocommit: the pk query then reads through a WITH HOLD server-side cursor."""
    monkeypatch.setattr(csv_export, "PK_BATCH", 100)
    bulk_protests(1200)
    assert not connection.in_atomic_block
    rows = csv_rows(client, "protests", ordering="-pk")
    assert [r["id"] for r in rows] == [f"bulk-{n:05}" for n in reversed(range(1200))]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_hidden_linked_records_leave_no_placeholder(client, data, path):  # noqa: F811
    """Only an at-risk detainee of a public arrest reads "name withheld"; nothing else says a hidden record exists."""
    rows = csv_rows(client, path)
    for row in rows:
        for name, value in row.items():
            if "name withheld" in value:
                assert (path, name, value) == ("arrests", "detainee", "a detainee, name withheld")
    if path == "arrests":
        assert any(row["detainee"] == "a detainee, name withheld" for row in rows)


def test_bom_asks_for_a_byte_order_mark_for_excel(client, article):
    plain = b"".join(client.get("/api/v1/protests/", {"format": "csv"}).streaming_content)
    marked = b"".join(client.get("/api/v1/protests/", {"format": "csv", "bom": "1"}).streaming_content)
    assert not plain.startswith(b"\xef\xbb\xbf")
    assert marked == b"\xef\xbb\xbf" + plain


def test_the_read_model_reads_a_chunk_once_and_words_it_in_every_language(article, django_assert_num_queries):
    """The lines the read model stores (`lines_in`) are what the export writes in each language, though the
    database is read once for all four: dates and the withheld detainee's label worded in each."""
    for model in (m.Protest, m.Arrest):
        pks = list(model.objects.published().order_by("pk").values_list("pk", flat=True))
        run = csv_export.Run(csv_export.export_of(model), "default")
        with CaptureQueriesContext(connection) as one_language:
            csv_export.lines_for(run, pks)
        with django_assert_num_queries(len(one_language)):
            together = csv_export.lines_in(model, pks, LANGUAGES)
        for language in LANGUAGES:
            with translation.override(language):
                assert together[language] == csv_export.lines_for(csv_export.Run(run.export, "default"), pks)
        assert together["az"] != together["en"] and together["fa"] != together["en"]  # dates in their words

"""The bulk download: a valid Frictionless Data Package of the published archive, swapped in atomically."""

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from archive import changes, datapackage, registry, views_data
from archive import models as m
from archive.datapackage import writer
from archive.dates import DatePrecision
from tests import factories as f

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = m.Status.DRAFT, m.Status.PUBLISHED
# Text that belongs to records or fields the public may not see: none of it may reach the package.
CANARIES = [
    "CANARY-DRAFT-PROTEST",
    "CANARY-RESTRICTED-PROTEST",
    "CANARY-WITHDRAWN-PROTEST",
    "CANARY-DRAFT-PLACE",
    "CANARY-RESTRICTED-ORG",
    "CANARY-RESTRICTED-ALIAS",
    "CANARY-DRAFT-OUTLET",
    "CANARY-AT-RISK-NAME",
    "CANARY-AT-RISK-ALIAS",
    "CANARY-AT-RISK-ROLE",
    "CANARY-AT-RISK-QUOTE",
    "CANARY-DRAFT-PERSON",
    "CANARY-DRAFT-SOURCE",
    "CANARY-DRAFT-QUOTE",
    "CANARY-DRAFT-ARREST",
    "CANARY-DRAFT-STATEMENT",
    "CANARY-DRAFT-TEXT",
    "CANARY-PRIVATE-NOTE",
    "CANARY-HIDDEN-ORG-ROLE",
]
NEVER_COLUMNS = {"status", "restricted", "private_note", "at_risk", "withdrawn_reason"}


@pytest.fixture
def data() -> dict:
    """Published records with links to drafts, restricted records and an at-risk person, by name."""
    d = {}
    with changes.recording():
        for make in (
            make_entities,
            make_people_and_sources,
            make_protests,
            make_arrests,
            make_statements,
            make_citations,
        ):
            make(d)
    return d


def make_entities(d):
    d["en"], d["az"] = f.LanguageFactory(code="en"), f.LanguageFactory(code="az-Latn", name="Azerbaijani")
    fa = f.LanguageFactory(code="fa", name="Persian", direction="rtl")
    d["iran"] = f.PlaceFactory(name="Iran", kind=m.PlaceKind.COUNTRY, private_note="CANARY-PRIVATE-NOTE")
    d["draft_place"] = f.PlaceFactory(name="CANARY-DRAFT-PLACE", status=DRAFT)
    d["tabriz"] = f.PlaceFactory(name="Təbriz", parent=d["iran"], latitude=Decimal("38.08"), longitude=Decimal("46.29"))
    d["south"] = f.PlaceFactory(
        name="Southern", parent=d["draft_place"], latitude=Decimal("-12.5"), longitude=Decimal("-73.9")
    )
    d["org"] = f.OrganizationFactory(
        name="@GAMAC", country=d["iran"], description='=HYPERLINK("http://x")', private_note="CANARY-PRIVATE-NOTE"
    )
    d["hidden_org"] = f.OrganizationFactory(name="CANARY-RESTRICTED-ORG", restricted=True)
    m.OrganizationName.objects.create(owner=d["hidden_org"], name="CANARY-RESTRICTED-ALIAS", language=d["en"])
    m.OrganizationName.objects.create(owner=d["org"], name="Güney Azərbaycan Milli Azadlıq Cəbhəsi", language=d["az"])
    d["child_org"] = f.OrganizationFactory(name="Branch", parent=d["hidden_org"])
    d["outlet"] = f.MediaOutletFactory(name="Erk", owner=d["org"])
    d["outlet"].languages.set([d["az"], fa])
    d["draft_outlet"] = f.MediaOutletFactory(name="CANARY-DRAFT-OUTLET", status=DRAFT)


def make_people_and_sources(d):
    d["person"] = f.PersonFactory(name="Public Speaker", private_note="CANARY-PRIVATE-NOTE")
    d["at_risk"] = f.PersonFactory(name="CANARY-AT-RISK-NAME", at_risk=True)
    m.PersonName.objects.create(owner=d["at_risk"], name="CANARY-AT-RISK-ALIAS", language=d["en"])
    d["draft_person"] = f.PersonFactory(name="CANARY-DRAFT-PERSON", status=DRAFT)
    m.Affiliation.objects.create(person=d["at_risk"], role="CANARY-AT-RISK-ROLE", date_precision="undated")
    m.Affiliation.objects.create(
        person=d["person"],
        organization=d["hidden_org"],
        role="CANARY-HIDDEN-ORG-ROLE",
        date_start=dt.date(2020, 9, 1),
        date_precision="month",
    )
    m.Affiliation.objects.create(person=d["person"], role="Poet", date_start=dt.date(2019, 1, 1), date_precision="year")
    m.Affiliation.objects.create(
        person=d["person"],
        organization=d["org"],
        role="Spokesman",
        date_start=dt.date(2020, 10, 1),
        date_precision="month",
    )
    d["source"] = f.SourceFactory(title="Erk report", outlet=d["outlet"], private_note="CANARY-PRIVATE-NOTE")
    d["source"].author_people.set([d["person"], d["at_risk"], d["draft_person"]])
    d["draft_source"] = f.SourceFactory(title="CANARY-DRAFT-SOURCE", status=DRAFT)


def make_protests(d):
    protest = d["protest"] = f.ProtestFactory(
        title="+Rally in Tabriz",
        description="-says\nmore",
        date_start=dt.date(2020, 10, 1),
        date_precision=DatePrecision.MONTH,
        private_note="CANARY-PRIVATE-NOTE",
    )
    protest.places.set([d["tabriz"], d["draft_place"]])
    protest.organizers.set([d["org"], d["hidden_org"]])
    slogan = m.Slogan.objects.create(text="Qarabağ bizimdir", language=d["az"], translation="Karabakh is ours")
    protest.slogans.add(slogan)
    m.ProtestSizeClaim.objects.create(
        protest=protest, words="hundreds", low=200, claimant="activists", source=d["source"]
    )
    m.ProtestSizeClaim.objects.create(
        protest=protest, words="a thousand", low=1000, high=1000, source=d["draft_source"]
    )
    d["draft_protest"] = f.ProtestFactory(title="CANARY-DRAFT-PROTEST", status=DRAFT)
    f.ProtestFactory(title="CANARY-RESTRICTED-PROTEST", restricted=True)
    f.ProtestFactory(title="CANARY-WITHDRAWN-PROTEST", status=m.Status.WITHDRAWN, withdrawn_reason="Duplicate")


def make_arrests(d):
    d["named_arrest"] = f.ArrestFactory(person=d["person"], place=d["tabriz"], protest=d["protest"], authority=d["org"])
    d["withheld_arrest"] = f.ArrestFactory(
        person=d["at_risk"], group_description="", protest=d["draft_protest"], authority=d["hidden_org"]
    )
    group = d["group_arrest"] = f.ArrestFactory(
        group_description="national activists", date_start=None, date_precision="undated"
    )
    m.ArrestCountClaim.objects.create(arrest=group, words="twenty", low=20, high=20, claimant="Erk")
    d["draft_arrest"] = f.ArrestFactory(group_description="CANARY-DRAFT-ARREST", status=DRAFT)


def make_statements(d):
    draft = d["draft_statement"] = f.StatementFactory(title="CANARY-DRAFT-STATEMENT", status=DRAFT)
    m.StatementText.objects.create(statement=draft, language_id="en", text="CANARY-DRAFT-TEXT", is_original=True)
    d["earlier_statement"] = f.StatementFactory(title="An earlier call")
    statement = d["statement"] = f.StatementFactory(title="Statement of support")
    statement.speaker_people.set([d["person"], d["at_risk"], d["draft_person"]])
    statement.speaker_organizations.set([d["org"], d["hidden_org"]])
    statement.reported_in.set([d["outlet"], d["draft_outlet"]])
    statement.about_protests.set([d["protest"], d["draft_protest"]])
    statement.about_arrests.set([d["named_arrest"], d["draft_arrest"]])
    statement.about_statements.set([d["earlier_statement"], draft])
    m.StatementText.objects.create(statement=statement, language_id="az-Latn", text="Biz sizinləyik", is_original=True)
    m.StatementText.objects.create(statement=statement, language_id="en", text="\tWe are with you")
    m.SignatoryClaim.objects.create(statement=statement, group="musicians", words="60", low=60, high=60)


def make_citations(d):
    f.CitationFactory(record=d["protest"], source=d["source"], footnote=16)
    f.CitationFactory(record=d["protest"], source=d["draft_source"], quote="CANARY-DRAFT-QUOTE")
    f.CitationFactory(record=d["draft_protest"], source=d["source"], quote="CANARY-DRAFT-QUOTE")
    f.CitationFactory(record=d["withheld_arrest"], source=d["source"], cited_in=d["draft_source"], footnote=3)
    f.CitationFactory(record=d["at_risk"], source=d["source"], quote="CANARY-AT-RISK-QUOTE")


def build(output: Path) -> str:
    out = io.StringIO()
    call_command("build_datapackage", output=output, stdout=out)
    return out.getvalue()


@pytest.fixture
def package(data, tmp_path) -> Path:
    """The served package directory after one build."""
    build(tmp_path / "out")
    return tmp_path / "out" / "current"


def read(package: Path, table: str) -> list[dict]:
    with (package / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def column(package: Path, table: str, name: str) -> list[str]:
    return [row[name] for row in read(package, table)]


def assert_valid(descriptor: Path):
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])


# --- The package is valid and complete ------------------------------------------------------------


def test_package_and_zip_validate_with_frictionless(package):
    assert_valid(package / "datapackage.json")
    assert_valid(package / "datapackage.zip")


def test_descriptor_names_the_archive_the_article_and_every_table(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "karabakh-2020-response-archive"
    assert dt.datetime.fromisoformat(descriptor["created"]).tzinfo is not None
    assert "Hacıyeva" in descriptor["sources"][0]["title"] and "677–696" in descriptor["sources"][0]["title"]
    names = {resource["name"] for resource in descriptor["resources"]}
    expected = {"protests", "arrests", "statements", "organizations", "media-outlets", "people", "places", "sources"}
    assert expected | {"protest_places", "protest_organizers", "statement_speaker_people", "citations"} <= names
    assert {"other_names", "count_claims", "statement_texts", "languages"} <= names
    for resource in descriptor["resources"]:
        if resource["name"] in expected:
            assert "exactly as recorded" in resource["schema"]["description"]
            assert resource["schema"]["primaryKey"] == ["id"]
    with zipfile.ZipFile(package / "datapackage.zip") as archive:
        assert set(archive.namelist()) == {"datapackage.json"} | {f"{name}.csv" for name in names}
    assert "changes" in names  # what changed since the previous release: a table of its own
    tables = names - {"changes"}
    excel = descriptor["excel"]
    assert excel["path"] == "datapackage-excel.zip" and "apostrophe" in excel["description"]
    assert {entry["path"] for entry in excel["files"]} == {f"excel/{name}.csv" for name in tables}
    with zipfile.ZipFile(package / "datapackage-excel.zip") as archive:
        assert set(archive.namelist()) == {f"excel/{name}.csv" for name in tables}
    for entry in excel["files"]:
        body = (package / entry["path"]).read_bytes()
        assert entry["bytes"] == len(body) and entry["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()


def test_descriptor_carries_the_licence_and_a_version(package, settings):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"] == [{"name": settings.ARCHIVE_LICENCE_NAME, "path": settings.ARCHIVE_LICENCE_URL}]
    created = dt.datetime.fromisoformat(descriptor["created"]).astimezone(dt.UTC)
    assert descriptor["version"] == created.strftime("%Y.%m.%d-%H%M%S")


def test_record_tables_hold_exactly_the_published_records(package):
    for record_type in registry.TYPES:
        published = set(record_type.model.objects.published().values_list("public_id", flat=True))
        assert set(column(package, record_type.key, "id")) == published, record_type.key


def test_foreign_keys_resolve(package):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"] or resource["name"]
            known = set(column(package, target, key["reference"]["fields"][0]))
            values = {v for v in column(package, resource["name"], key["fields"][0]) if v}
            assert values <= known, (resource["name"], key["fields"], values - known)


def test_validation_catches_a_dangling_foreign_key(package, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    descriptor = json.loads((broken / "datapackage.json").read_text(encoding="utf-8"))
    (broken / "protest_places.csv").write_text("protest_id,place_id\nno-such-protest,no-such-place\n")
    for resource in descriptor["resources"]:
        if resource["name"] == "protest_places":
            del resource["bytes"], resource["hash"]
    (broken / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = frictionless.validate(str(broken / "datapackage.json"))
    assert not report.valid
    assert {error[0] for error in report.flatten(["type"])} == {"foreign-key"}


# --- Nothing the public may not see --------------------------------------------------------------


def test_hidden_records_names_and_notes_are_absent(package):
    with zipfile.ZipFile(package / "datapackage.zip") as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    texts.update({path.name: path.read_text(encoding="utf-8") for path in package.glob("*.csv")})
    texts.update({f"excel/{path.name}": path.read_text(encoding="utf-8-sig") for path in package.glob("excel/*.csv")})
    assert len(texts) > 40
    for name, text in texts.items():
        for canary in CANARIES:
            assert canary not in text, f"{canary} in {name}"
    for path in package.glob("*.csv"):
        assert not NEVER_COLUMNS & set(read_header(path)), path.name


def read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_at_risk_detainee_is_withheld(package, data):
    arrests = {row["id"]: row for row in read(package, "arrests")}
    withheld = arrests[data["withheld_arrest"].public_id]
    assert withheld["person_id"] == ""
    assert withheld["detainee"] == "a detainee, name withheld"
    assert withheld["protest_id"] == withheld["authority_id"] == ""  # a draft protest, a restricted authority
    named = arrests[data["named_arrest"].public_id]
    assert named["person_id"] == data["person"].public_id and named["detainee"] == "Public Speaker"
    assert arrests[data["group_arrest"].public_id]["detainee"] == "national activists"


def test_links_to_hidden_records_are_left_out(package, data):
    protest, statement = data["protest"].public_id, data["statement"].public_id
    tabriz, org = data["tabriz"].public_id, data["org"].public_id
    assert [(r["protest_id"], r["place_id"]) for r in read(package, "protest_places")] == [(protest, tabriz)]
    assert [(r["protest_id"], r["organization_id"]) for r in read(package, "protest_organizers")] == [(protest, org)]
    assert {row["id"]: row["parent_id"] for row in read(package, "organizations")}[data["child_org"].public_id] == ""
    assert {row["id"]: row["parent_id"] for row in read(package, "places")}[data["south"].public_id] == ""
    # A role at a hidden organization is left out whole; a role held at no organization stays.
    assert [(r["role"], r["organization_id"]) for r in read(package, "roles")] == [("Poet", ""), ("Spokesman", org)]
    assert column(package, "statement_reported_in", "media_outlet_id") == [data["outlet"].public_id]
    about = {
        (r["statement_id"], r.get("protest_id") or r.get("arrest_id") or r["about_statement_id"])
        for table in ("statement_about_protests", "statement_about_arrests", "statement_about_statements")
        for r in read(package, table)
    }
    assert about == {
        (statement, protest),
        (statement, data["named_arrest"].public_id),
        (statement, data["earlier_statement"].public_id),
    }
    assert column(package, "source_authors", "person_id") == [data["person"].public_id]
    # Hidden speakers (at risk, draft) leave no row, not even a "name withheld" one.
    people = [(r["statement_id"], r["person_id"]) for r in read(package, "statement_speaker_people")]
    assert people == [(statement, data["person"].public_id)]
    organizations = [
        (r["statement_id"], r["organization_id"]) for r in read(package, "statement_speaker_organizations")
    ]
    assert organizations == [(statement, org)]


def test_citations_only_tie_public_records_to_public_sources(package, data):
    rows = read(package, "citations")
    source = data["source"].public_id
    assert {(r["record_type"], r["protest_id"] or r["arrest_id"], r["source_id"], r["cited_in_id"]) for r in rows} == {
        ("protests", data["protest"].public_id, source, ""),
        ("arrests", data["withheld_arrest"].public_id, source, ""),
    }


# --- Cells ----------------------------------------------------------------------------------------


def excel(package: Path, table: str) -> list[dict]:
    with (package / "excel" / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_package_cells_hold_the_text_exactly_and_the_excel_variant_escapes_formulas(package, data):
    protest, excel_protest = read(package, "protests")[0], excel(package, "protests")[0]
    assert (protest["title"], excel_protest["title"]) == ("+Rally in Tabriz", "'+Rally in Tabriz")
    assert (protest["description"], excel_protest["description"]) == ("-says\nmore", "'-says\nmore")
    org = {row["id"]: row for row in read(package, "organizations")}[data["org"].public_id]
    assert (org["name"], org["description"]) == ("@GAMAC", '=HYPERLINK("http://x")')
    excel_org = {row["id"]: row for row in excel(package, "organizations")}[data["org"].public_id]
    assert (excel_org["name"], excel_org["description"]) == ("'@GAMAC", '\'=HYPERLINK("http://x")')
    assert "\tWe are with you" in column(package, "statement_texts", "text")
    assert "'\tWe are with you" in [row["text"] for row in excel(package, "statement_texts")]
    for variant in (read, excel):  # numbers are never escaped
        south = {row["id"]: row for row in variant(package, "places")}[data["south"].public_id]
        assert (south["latitude"], south["longitude"]) == ("-12.500000", "-73.900000")


def test_only_the_excel_variant_starts_with_a_byte_order_mark(package):
    for table in ("protests", "citations", "languages"):
        exact, marked = (package / f"{table}.csv").read_bytes(), (package / "excel" / f"{table}.csv").read_bytes()
        assert not exact.startswith(codecs.BOM_UTF8) and marked.startswith(codecs.BOM_UTF8)
        assert exact.splitlines()[0] == marked.removeprefix(codecs.BOM_UTF8).splitlines()[0]  # the same columns
        assert len(exact.splitlines()) == len(marked.splitlines())


def test_dropping_one_leading_apostrophe_gives_every_text_back(tmp_path):
    tricky = ["'quoted", "''twice", "=1+1", "'=1+1", "plain", "it's", "-", "'"]
    for n, name in enumerate(tricky):
        f.PlaceFactory(public_id=f"place-{n}", name=name)
    build(tmp_path / "out")
    package = tmp_path / "out" / "current"
    exact = {row["id"]: row["name"] for row in read(package, "places")}
    assert [exact[f"place-{n}"] for n in range(len(tricky))] == tricky  # nine cells began with ' : kept whole
    names = {row["id"]: row["name"] for row in excel(package, "places")}
    assert names["place-0"] == "''quoted" and names["place-5"] == "it's"
    assert [writer.unescape_text(names[f"place-{n}"]) for n in range(len(tricky))] == tricky
    descriptor = json.loads((package / "datapackage.json").read_text())
    assert "exactly as recorded" in descriptor["description"]
    assert "or an apostrophe" in descriptor["excel"]["description"]
    assert "drop one leading apostrophe" in descriptor["excel"]["description"]


def test_partial_dates_and_counts_have_their_columns(package, data):
    protest = read(package, "protests")[0]
    assert (protest["date_start"], protest["date_end"], protest["date_precision"]) == ("2020-10-01", "", "month")
    assert protest["date_display"] == "October 2020"
    undated = {row["id"]: row for row in read(package, "arrests")}[data["group_arrest"].public_id]
    assert (undated["date_start"], undated["date_precision"], undated["date_display"]) == ("", "undated", "undated")
    claims = {
        (r["claim_type"], r["words"], r["low"], r["high"], r["claimant"], r["source_id"])
        for r in read(package, "count_claims")
    }
    assert claims == {
        ("protest_size", "hundreds", "200", "", "activists", data["source"].public_id),
        ("protest_size", "a thousand", "1000", "1000", "", ""),
        ("detained", "twenty", "20", "20", "Erk", ""),
        ("signatories", "60", "60", "60", "", ""),
    }
    assert column(package, "roles", "date_display") == ["2019", "October 2020"]


def test_names_in_every_script_survive(package):
    assert "Təbriz" in column(package, "places", "name")
    assert "Güney Azərbaycan Milli Azadlıq Cəbhəsi" in column(package, "other_names", "name")
    assert column(package, "protest_slogans", "text") == ["Qarabağ bizimdir"]
    assert column(package, "media_outlet_languages", "language") == ["az-Latn", "fa"]


# --- Building and swapping ------------------------------------------------------------------------


def test_a_second_build_replaces_the_first_atomically(data, tmp_path):
    out = tmp_path / "out"
    build(out)
    first = (out / "current").resolve()
    f.ProtestFactory(title="Added later")
    message = build(out)
    second = (out / "current").resolve()
    assert (out / "current").is_symlink() and second != first and not first.exists()
    assert [path.name for path in (out / "builds").iterdir()] == [second.name]
    assert not list(out.glob(".current-*"))
    assert "Added later" in column(out / "current", "protests", "title")
    with zipfile.ZipFile(out / "current" / "datapackage.zip") as archive:
        assert b"Added later" in archive.read("protests.csv")
    assert "tables" in message and "rows" in message


def test_a_failed_build_leaves_the_served_package_alone(data, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(out)
    served = (out / "current").resolve()
    before = {path.name: path.read_bytes() for path in served.rglob("*") if path.is_file()}
    real = writer.write_table

    def fail_on_people(table, directory, digests=None):
        if table.name == "people":
            raise RuntimeError("disk full")
        return real(table, directory, digests)

    monkeypatch.setattr(writer, "write_table", fail_on_people)
    with pytest.raises(RuntimeError, match="disk full"):
        build(out)
    assert (out / "current").resolve() == served
    assert {path.name: path.read_bytes() for path in served.rglob("*") if path.is_file()} == before
    assert [path.name for path in (out / "builds").iterdir()] == [served.name]


def test_only_one_build_at_a_time(data, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with writer.build_lock(out), pytest.raises(CommandError, match="another build"):
        build(out)


def test_default_output_is_the_setting_or_var(settings, tmp_path):
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    assert datapackage.output_dir() == tmp_path / "data"
    del settings.ARCHIVE_DATA_DIR
    assert datapackage.output_dir() == settings.BASE_DIR / "var" / "datapackage"


# --- Serving --------------------------------------------------------------------------------------


@pytest.fixture
def served(settings, tmp_path):
    settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    return settings.ARCHIVE_DATA_DIR


def get(view, **headers):
    return view(RequestFactory().get("/data/", headers=headers))


def test_views_say_not_found_before_any_build(served):
    for view in (views_data.datapackage_download, views_data.datapackage_json):
        response = get(view)
        assert response.status_code == 404
        assert b"No data package has been built yet" in response.content


def test_download_serves_the_zip_as_an_attachment(data, served):
    build(served)
    response = get(views_data.datapackage_download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "karabakh-2020-response-archive.zip" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == (served / "current" / "datapackage.zip").read_bytes()
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    assert get(views_data.datapackage_download, if_none_match=response["ETag"]).status_code == 304
    not_modified = get(views_data.datapackage_download, if_modified_since=response["Last-Modified"])
    assert not_modified.status_code == 304 and not_modified["ETag"] == response["ETag"]


def test_descriptor_and_tables_are_served(data, served):
    build(served)
    response = get(views_data.datapackage_json)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(b"".join(response.streaming_content))["name"] == "karabakh-2020-response-archive"
    request = RequestFactory().get("/data/protests.csv")
    table = views_data.datapackage_file(request, "protests.csv")
    assert table.status_code == 200 and b"Rally in Tabriz" in b"".join(table.streaming_content)
    with pytest.raises(views_data.Http404):
        views_data.datapackage_file(request, "../settings.py")


def test_tables_are_served_in_both_variants_and_bom_1_is_sent_to_the_excel_one(data, served):
    build(served)
    request = RequestFactory().get("/data/protests.csv")
    exact = views_data.datapackage_file(request, "protests.csv")
    marked = views_data.excel_file(RequestFactory().get("/data/excel/protests.csv"), "protests.csv")
    exact_body, marked_body = b"".join(exact.streaming_content), b"".join(marked.streaming_content)
    assert exact_body == (served / "current" / "protests.csv").read_bytes() and b",+Rally" in exact_body
    assert marked_body.startswith(codecs.BOM_UTF8) and b",'+Rally" in marked_body
    assert marked["Content-Type"] == exact["Content-Type"] == "text/csv; charset=utf-8"
    assert marked["ETag"] != exact["ETag"]
    # ?bom=1 is how a spreadsheet user asked for a table before: it now leads to the escaped variant.
    redirect = views_data.datapackage_file(RequestFactory().get("/data/protests.csv", {"bom": "1"}), "protests.csv")
    assert redirect.status_code == 301 and redirect["Location"] == "/data/excel/protests.csv"
    with pytest.raises(views_data.Http404):
        views_data.excel_file(request, "../datapackage.json")
    zipped = views_data.excel_download(RequestFactory().get("/data/datapackage-excel.zip"))
    assert zipped.status_code == 200 and "excel.zip" in zipped["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content))) as archive:
        assert archive.read("excel/protests.csv") == marked_body


# --- The article's own records -------------------------------------------------------------------


@pytest.fixture
def article_package(article, tmp_path) -> Path:
    build(tmp_path / "out")
    return tmp_path / "out" / "current"


def test_article_package_validates(article_package):
    assert_valid(article_package / "datapackage.json")
    for record_type in registry.TYPES:
        assert len(read(article_package, record_type.key)) == record_type.model.objects.published().count()


def test_article_package_has_every_record_type(article_package):
    missing = [rt.key for rt in registry.TYPES if not read(article_package, rt.key)]
    assert not missing
    assert read(article_package, "citations")


# --- Nothing private, whatever else the database holds (appended with the backup work) ---------------


def package_texts(package: Path) -> dict[str, str]:
    """Every file the package serves, and every file inside its zip."""
    with zipfile.ZipFile(package / "datapackage.zip") as archive:
        texts = {f"zip:{name}": archive.read(name).decode("utf-8") for name in archive.namelist()}
    texts.update(
        {
            str(path): path.read_text(encoding="utf-8")
            for path in package.rglob("*")
            if path.is_file() and path.suffix != ".zip"
        }
    )
    with zipfile.ZipFile(package / "datapackage-excel.zip") as archive:
        texts.update({f"excel-zip:{name}": archive.read(name).decode("utf-8") for name in archive.namelist()})
    return texts


def test_records_in_review_restricted_people_old_names_and_staff_stay_out(data, tmp_path):
    from rest_framework.authtoken.models import Token

    from archive import roles

    editor = f.user_in_role(roles.EDITOR, "CANARY-EDITOR-NAME")
    editor.email = "canary-editor@example.org"
    editor.save()
    token = Token.objects.create(user=editor)
    f.ProtestFactory(title="CANARY-IN-REVIEW-PROTEST", status=m.Status.IN_REVIEW)
    hidden = f.PersonFactory(name="CANARY-RESTRICTED-PERSON", restricted=True, description="CANARY-RESTRICTED-BIO")
    data["statement"].speaker_people.add(hidden)
    renamed = f.PersonFactory(name="CANARY-OLD-NAME")  # the old name now lives only in history
    renamed.name = "Current Public Name"
    renamed.save()
    build(tmp_path / "out")
    texts = package_texts(tmp_path / "out" / "current")
    assert "Current Public Name" in texts[str(tmp_path / "out" / "current" / "people.csv")]
    assert "Public Speaker" in texts["zip:people.csv"] and "Public Speaker" in texts["excel-zip:excel/people.csv"]
    canaries = [*CANARIES, "CANARY-IN-REVIEW-PROTEST", "CANARY-RESTRICTED-PERSON", "CANARY-RESTRICTED-BIO"]
    canaries += ["CANARY-OLD-NAME", "CANARY-EDITOR-NAME", "canary-editor@example.org", editor.password, token.key]
    for name, text in texts.items():
        for canary in canaries:
            assert canary not in text, f"{canary} in {name}"

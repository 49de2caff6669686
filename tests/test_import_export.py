"""Bulk import and export: CSV, XLSX and JSON, all or nothing, errors by row and column."""

import csv
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse

from archive import models
from archive.dates import DatePrecision
from archive.imports import ImportFileError, export_records, import_records
from archive.resources import resource_for
from tests import factories

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]


def make_file(rows: list[dict], fmt: str = "csv") -> bytes:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False).encode()
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(headers)
        for row in rows:
            book.active.append([row.get(h) for h in headers])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return out.getvalue().encode()


def run(model, rows, fmt="csv", **kwargs):
    kwargs.setdefault("file_name", f"batch.{fmt}")
    return import_records(model, make_file(rows, fmt), fmt=fmt, **kwargs)


def row_counts() -> dict[str, int]:
    """Rows in every archive table: records, parts, historical rows and the search index."""
    return {model.__name__: model.objects.count() for model in apps.get_app_config("archive").get_models()}


@pytest.fixture
def world(db):
    """Languages and the records imported rows refer to."""
    for code, name in [("en", "English"), ("az-Latn", "Azerbaijani"), ("fa", "Persian")]:
        factories.LanguageFactory(code=code, name=name)
    iran = factories.PlaceFactory(public_id="place-iran", name="Iran", kind=models.PlaceKind.COUNTRY)
    tabriz = factories.PlaceFactory(public_id="place-tabriz", name="Tabriz", parent=iran)
    urmia = factories.PlaceFactory(public_id="place-urmia", name="Urmia", parent=iran)
    models.PlaceName.objects.create(owner=urmia, name="Urmu", language_id="az-Latn")
    gamac = factories.OrganizationFactory(public_id="org-gamac", name="GAMAC")
    models.OrganizationName.objects.create(
        owner=gamac, name="Güney Azərbaycan Milli Azadlıq Cəbhəsi", language_id="az-Latn"
    )
    person = factories.PersonFactory(public_id="person-aliyev", name="Ali Aliyev")
    models.PersonName.objects.create(owner=person, name="Əli Əliyev", language_id="az-Latn")
    outlet = factories.MediaOutletFactory(public_id="outlet-erk", name="Erk")
    protest = factories.ProtestFactory(public_id="protest-tabriz", title="Rally in Tabriz")
    return {
        "iran": iran,
        "tabriz": tabriz,
        "urmia": urmia,
        "gamac": gamac,
        "person": person,
        "outlet": outlet,
        "protest": protest,
    }


@pytest.fixture
def archivist(db):
    return factories.user_in_role("Archivist", "archie")


# --- each record type, each format -----------------------------------------------------------------


def check_protest(p):
    assert (p.title, p.kind, p.date_precision) == ("Rally in Urmia", "rally", DatePrecision.MID_MONTH)
    assert {x.public_id for x in p.places.all()} == {"place-urmia", "place-tabriz"}
    assert [o.name for o in p.organizers.all()] == ["GAMAC"]
    assert [(s.text, s.language_id) for s in p.slogans.all()] == [("Yaşasın Azərbaycan", "az-Latn")]
    claim = p.size_claims.get()
    assert (claim.words, claim.low, claim.high, claim.claimant) == ("hundreds", 200, None, "activists")


def check_arrest(a):
    assert (a.person.public_id, a.place.name, a.protest.public_id, a.authority.name) == (
        "person-aliyev",
        "Urmia",
        "protest-tabriz",
        "GAMAC",
    )
    assert (a.outcome, a.outcome_date) == ("released", dt.date(2020, 11, 4))
    assert (a.count_claims.get().words, a.count_claims.get().low) == ("twenty", 20)


def check_statement(s):
    assert [p.name for p in s.speaker_people.all()] == ["Ali Aliyev"]
    assert [o.name for o in s.speaker_organizations.all()] == ["GAMAC"]
    original, english = s.texts.get(is_original=True), s.texts.get(is_original=False)
    assert (original.text, original.language_id, english.text, english.language_id) == (
        "Salam",
        "az-Latn",
        "Hello",
        "en",
    )
    claim = s.signatory_claims.get()
    assert (claim.group, claim.words, claim.low, claim.high) == ("musicians", "60", 60, 60)
    assert [r.name for r in s.reported_in.all()] == ["Erk"]


def check_organization(o):
    assert (o.kind, o.country.name, o.founded_year) == ("student", "Iran", 1990)
    assert {(n.name, n.language_id) for n in o.other_names.all()} == {("ASM", "az-Latn"), ("اس", "fa")}


def check_outlet(o):
    assert (o.kind, o.base, o.affiliation) == ("telegram", "abroad", "diaspora")
    assert sorted(lang.code for lang in o.languages.all()) == ["az-Latn", "fa"]


def check_person(p):
    assert (p.name, p.name_language_id, p.at_risk) == ("Vali Valiyev", "az-Latn", True)
    assert [(n.name, n.language_id) for n in p.other_names.all()] == [("ولی ولی‌یف", "fa")]


def check_place(p):
    assert (p.kind, p.parent.public_id, str(p.latitude)) == ("village", "place-urmia", "37.552700")
    assert {(n.name, n.language_id) for n in p.other_names.all()} == {("Nurdüz", "az-Latn"), ("نوردوز", "fa")}


def check_source(s):
    assert (s.date_start, s.date_precision, s.outlet.name, s.language_id) == (dt.date(2020, 11, 4), "day", "Erk", "fa")
    assert [p.name for p in s.author_people.all()] == ["Ali Aliyev"]
    assert s.accessed == dt.date(2024, 5, 1)


TYPE_CASES = {
    "protest": (
        {
            "title": "Rally in Urmia",
            "kind": "rally",
            "date": "mid-October 2020",
            "places": "Urmu | place-tabriz",
            "organizers": "GAMAC",
            "slogans": "Yaşasın Azərbaycan [az-Latn]",
            "size_as_written": "hundreds",
            "size_low": "200",
            "size_claimed_by": "activists",
        },
        check_protest,
    ),
    "arrest": (
        {
            "person": "Əli Əliyev",
            "date": "2020-10-18",
            "place": "Urmia",
            "protest": "Rally in Tabriz",
            "authority": "org-gamac",
            "outcome": "released",
            "outcome_date": "14 Aban 1399",
            "number_as_written": "twenty",
            "number_low": "20",
        },
        check_arrest,
    ),
    "statement": (
        {
            "title": "Support letter",
            "form": "letter",
            "date": "2020-10",
            "speaker_people": "Ali Aliyev",
            "speaker_organizations": "Güney Azərbaycan Milli Azadlıq Cəbhəsi",
            "reported_in": "Erk",
            "text": "Salam",
            "text_language": "az-latn",
            "text_en": "Hello",
            "signatories": "musicians",
            "signatories_as_written": "60",
            "signatories_low": "60",
            "signatories_high": "60",
        },
        check_statement,
    ),
    "organization": (
        {
            "name": "Student Movement",
            "kind": "student",
            "country": "Iran",
            "founded_year": "1990",
            "other_names": "ASM [az-Latn] | اس [fa]",
        },
        check_organization,
    ),
    "media-outlet": (
        {
            "name": "Channel",
            "kind": "Telegram channel",
            "languages": "fa | az-Latn",
            "base": "abroad",
            "affiliation": "diaspora",
        },
        check_outlet,
    ),
    "person": (
        {"name": "Vali Valiyev", "name_language": "az-Latn", "other_names": "ولی ولی‌یف [fa]", "at_risk": "yes"},
        check_person,
    ),
    "place": (
        {
            "name": "Nurduz",
            "kind": "village",
            "parent": "Urmu",
            "latitude": "37.5527",
            "longitude": "45.0",
            "other_names": "Nurdüz [az-Latn] | نوردوز [fa]",
        },
        check_place,
    ),
    "source": (
        {
            "kind": "article",
            "title": "Report",
            "outlet": "outlet-erk",
            "language": "fa",
            "date": "14 Aban 1399",
            "accessed": "2024-05-01",
            "author_people": "person-aliyev",
        },
        check_source,
    ),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("record_type", list(TYPE_CASES))
def test_each_record_type_imports_from_each_format(world, archivist, record_type, fmt):
    row, check = TYPE_CASES[record_type]
    report = run(record_type, [row], fmt, user=archivist)
    assert report.ok, report.messages
    record = report.model.objects.order_by("-pk").first()
    check(record)
    assert (record.status, record.restricted) == (models.Status.DRAFT, False)
    assert models.SearchEntry.objects.filter(object_id=record.pk, record_type=record_type).exists()
    assert len(record.public_id) == 10  # generated


@pytest.mark.parametrize(
    "reference", ["place-urmia", "Urmia", "urmia", "Urmu"], ids=["public-id", "name", "name-case", "alias"]
)
def test_references_by_public_id_name_or_alias(world, reference):
    report = run(models.Protest, [{"title": "T", "kind": "rally", "date": "2020", "places": reference}])
    assert report.ok, report.messages
    assert [p.public_id for p in models.Protest.objects.get(title="T").places.all()] == ["place-urmia"]


def test_multi_valued_cells_are_split_on_bars_and_trimmed(world):
    report = run(
        models.Protest, [{"title": "T", "kind": "rally", "date": "2020", "places": " Tabriz |Urmu| | Tabriz "}]
    )
    assert report.ok, report.messages
    assert sorted(p.name for p in models.Protest.objects.get(title="T").places.all()) == ["Tabriz", "Urmia"]


@pytest.mark.parametrize(
    ("written", "start", "end", "precision"),
    [
        ("2020", dt.date(2020, 1, 1), None, DatePrecision.YEAR),
        ("2020-10", dt.date(2020, 10, 1), None, DatePrecision.MONTH),
        ("2020-10-18", dt.date(2020, 10, 18), None, DatePrecision.DAY),
        ("mid-October 2020", dt.date(2020, 10, 1), None, DatePrecision.MID_MONTH),
        ("2020-09-27..2020-11-10", dt.date(2020, 9, 27), dt.date(2020, 11, 10), DatePrecision.DAY),
        ("14 Aban 1399", dt.date(2020, 11, 4), None, DatePrecision.DAY),
        ("undated", None, None, DatePrecision.UNDATED),
    ],
)
def test_partial_and_solar_hijri_dates(world, written, start, end, precision):
    report = run(models.Statement, [{"title": "S", "form": "letter", "date": written}])
    assert report.ok, report.messages
    statement = models.Statement.objects.get(title="S")
    assert (statement.date_start, statement.date_end, statement.date_precision) == (start, end, precision)


def test_a_count_claim_is_updated_by_the_same_claimant_not_duplicated(world):
    factories.ProtestFactory(public_id="draft-rally", status=models.Status.DRAFT)
    row = {"public_id": "draft-rally", "size_as_written": "hundreds", "size_low": "200", "size_claimed_by": "Erk"}
    assert run(models.Protest, [row]).ok
    assert run(models.Protest, [{**row, "size_high": "900"}]).ok
    claim = models.ProtestSizeClaim.objects.get(protest__public_id="draft-rally")
    assert (claim.words, claim.low, claim.high) == ("hundreds", 200, 900)


# --- all or nothing ---------------------------------------------------------------------------------


def test_one_bad_cell_in_row_999_of_1000_writes_nothing(world, archivist):
    rows = [
        {
            "title": f"Protest {n}",
            "kind": "rally",
            "date": "2020-10-18",
            "places": "Tabriz",
            "size_as_written": "dozens",
            "size_low": "24",
        }
        for n in range(1, 1001)
    ]
    rows[998]["date"] = "32 Octobre 2020"
    before = row_counts()
    report = run(models.Protest, rows, user=archivist)
    assert row_counts() == before
    assert not report.ok
    assert len(report.issues) == 1
    issue = report.issues[0]
    assert (issue.row, issue.column) == (999, "date")
    assert str(issue).startswith("Row 999 (sheet row 1000, counting the header as row 1), column “date”:")


@pytest.mark.parametrize(
    ("model", "row", "column", "words"),
    [
        (
            models.Protest,
            {"title": "T", "kind": "rally", "date": "2020", "places": "Atlantis"},
            "places",
            "No place has",
        ),
        (
            models.Protest,
            {"title": "T", "kind": "rally", "date": "2020", "places": "Twin"},
            "places",
            "matches more than one place",
        ),
        (models.Protest, {"title": "T", "kind": "rally", "date": "30 February 2020"}, "date", "has no day 30"),
        (models.Protest, {"title": "T", "kind": "parade", "date": "2020"}, "kind", "is not one of"),
        (models.Protest, {"title": "T", "kind": "rally", "date": "2020-10-18..2020-10-01"}, "date", "before its start"),
        (
            models.Protest,
            {"title": "T", "kind": "rally", "date": "2020", "size_low": "500", "size_high": "100"},
            "size_high",
            "higher than",
        ),
        (
            models.Organization,
            {"name": "O", "kind": "other", "founded_year": "2000", "dissolved_year": "1990"},
            "dissolved_year",
            "before the year founded",
        ),
        (models.Arrest, {"date": "2020-10-18"}, "person", "Name the detainee"),
        (
            models.Arrest,
            {"group_description": "activists", "date": "2020-10-18", "outcome_date": "2020-10-01"},
            "outcome_date",
            "before the arrest",
        ),
        (models.Person, {"name": "P", "other_names": "Urmu"}, "other_names", "e.g. “Urmu [az-Latn]”"),
        (models.Person, {"name": "P", "name_language": "xx-Yyyy"}, "name_language", "no language “xx-Yyyy”"),
        (models.Protest, {"title": "T" * 301, "kind": "rally", "date": "2020"}, "title", "at most 300 characters"),
    ],
    ids=[
        "unknown-ref",
        "ambiguous-alias",
        "bad-date",
        "bad-choice",
        "date-range-backwards",
        "low-above-high",
        "constraint-years",
        "constraint-person-or-group",
        "constraint-outcome-date",
        "name-without-language",
        "unknown-language",
        "too-long",
    ],
)
def test_each_bad_cell_is_an_error_naming_row_and_column(world, model, row, column, words):
    first = factories.PlaceFactory(name="Twin")
    models.PlaceName.objects.create(owner=factories.PlaceFactory(name="Other"), name="Twin", language_id="en")
    assert first.pk
    before = row_counts()
    report = run(model, [row])
    assert row_counts() == before
    assert [(issue.row, issue.column) for issue in report.issues] == [(1, column)], report.messages
    assert words in report.issues[0].message


def test_unknown_columns_and_database_ids_are_refused(world):
    with pytest.raises(ImportFileError, match="Unknown columns for protests: colour"):
        run(models.Protest, [{"title": "T", "kind": "rally", "date": "2020", "colour": "red"}])
    with pytest.raises(ImportFileError, match="never by database id"):
        run(models.Protest, [{"id": "3", "title": "T"}])


def test_json_lists_are_multi_valued_cells(world):
    report = run(
        models.Protest, [{"title": "T", "kind": "rally", "date": "2020", "places": ["Tabriz", "Urmu"]}], "json"
    )
    assert report.ok, report.messages
    assert sorted(p.name for p in models.Protest.objects.get(title="T").places.all()) == ["Tabriz", "Urmia"]


@pytest.mark.parametrize(
    ("number_format", "start", "precision"),
    [("yyyy-mm-dd", dt.date(2020, 10, 18), DatePrecision.DAY), ("mmm-yy", dt.date(2020, 10, 1), DatePrecision.MONTH)],
)
def test_xlsx_date_cells_keep_the_precision_they_show(world, number_format, start, precision):
    book = openpyxl.Workbook()
    book.active.append(["title", "kind", "date"])
    book.active.append(["T", "rally", dt.datetime(2020, 10, 18)])
    book.active["C2"].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    report = import_records(models.Protest, out.getvalue(), file_name="p.xlsx")
    assert report.ok, report.messages
    protest = models.Protest.objects.get(title="T")
    assert (protest.date_start, protest.date_precision) == (start, precision)


CONSTRAINT_SAMPLES = [
    models.Protest(title="T", kind="rally", date_start=dt.date(2020, 10, 18), date_end=dt.date(2020, 10, 1)),
    models.Protest(title="T", kind="rally", date_start=None, date_precision=DatePrecision.MONTH),
    models.Protest(title="T", kind="nope", date_start=dt.date(2020, 1, 1), date_precision=DatePrecision.UNDATED),
    models.Protest(title="T", kind="rally", date_start=dt.date(2020, 1, 1), wikidata_qid="X1", status="withdrawn"),
    models.Organization(name="O", kind="other", founded_year=2000, dissolved_year=1990, parent_id=None),
    models.Organization(pk=5, name="O", kind="other", parent_id=5),
    models.MediaOutlet(name="M", kind="tv", active_from=2000, active_until=None),
    models.Arrest(date_start=dt.date(2020, 1, 2), outcome_date=dt.date(2020, 1, 1)),
    models.Place(name="P", kind="city", latitude=91, longitude=None),
    models.Place(name="P", kind="city", latitude=10, longitude=20),
    models.ProtestSizeClaim(words="", low=None, high=5),
    models.ProtestSizeClaim(words="x", low=9, high=5),
]


@pytest.mark.parametrize("obj", CONSTRAINT_SAMPLES, ids=lambda o: type(o).__name__)
def test_constraints_checked_in_python_agree_with_the_database(obj):
    from archive.resources.validation import _validate

    for constraint in obj._meta.constraints:
        if not hasattr(constraint, "condition") or constraint.condition is None:
            continue
        verdicts = []
        for check in (
            lambda c=constraint: _validate(c, obj, set(), "default"),
            lambda c=constraint: c.validate(type(obj), obj),
        ):
            try:
                check()
                verdicts.append(True)
            except ValidationError:
                verdicts.append(False)
        assert verdicts[0] == verdicts[1], constraint.name


# --- drafts only -------------------------------------------------------------------------------------


def test_status_and_restricted_columns_are_ignored(world):
    factories.ProtestFactory(public_id="secret", status=models.Status.DRAFT, restricted=True, title="Old")
    report = run(
        models.Protest,
        [
            {
                "public_id": "",
                "title": "New",
                "kind": "rally",
                "date": "2020",
                "status": "published",
                "restricted": "1",
            },
            {
                "public_id": "secret",
                "title": "Changed",
                "kind": "rally",
                "date": "2020",
                "status": "published",
                "restricted": "0",
            },
        ],
    )
    assert report.ok, report.messages
    assert report.ignored_columns == ["status", "restricted"]
    new, secret = models.Protest.objects.get(title="New"), models.Protest.objects.get(public_id="secret")
    assert (new.status, new.restricted) == (models.Status.DRAFT, False)
    assert (secret.title, secret.status, secret.restricted) == ("Changed", models.Status.DRAFT, True)


def test_a_row_changing_a_published_record_is_an_error(world):
    report = run(models.Protest, [{"public_id": "protest-tabriz", "title": "Renamed"}])
    assert [(i.row, i.column) for i in report.issues] == [(1, "public_id")]
    assert "published records are edited in the admin" in report.issues[0].message
    assert models.Protest.objects.get(public_id="protest-tabriz").title == "Rally in Tabriz"


def test_a_row_leaving_a_published_record_unchanged_is_skipped(world):
    report = run(models.Protest, [{"public_id": "protest-tabriz", "title": "Rally in Tabriz"}])
    assert report.ok and report.unchanged == 1


def test_an_import_cannot_lift_at_risk(world):
    factories.PersonFactory(public_id="hidden", status=models.Status.DRAFT, at_risk=True)
    report = run(models.Person, [{"public_id": "hidden", "at_risk": "0"}])
    assert [(i.row, i.column) for i in report.issues] == [(1, "at_risk")]


# --- history -----------------------------------------------------------------------------------------


def test_history_records_the_importing_user_and_file(world, archivist):
    row, _check = TYPE_CASES["protest"]
    assert run(models.Protest, [row], user=archivist, file_name="october.csv").ok
    protest = models.Protest.objects.get(title="Rally in Urmia")
    for history in [*protest.history.all(), *models.ProtestSizeClaim.history.filter(protest_id=protest.pk)]:
        assert history.history_user == archivist
        assert history.history_change_reason == "Imported from october.csv"
    assert models.Slogan.history.get(text="Yaşasın Azərbaycan").history_user == archivist


def test_imported_names_are_searchable_once_the_import_is_written(world):
    from archive import search

    row = TYPE_CASES["place"][0]
    assert run(models.Place, [row], dry_run=True).ok
    assert not search.matching_ids(models.Place, "Nurdüz")
    assert run(models.Place, [row]).ok
    assert search.matching_ids(models.Place, "Nurdüz") == [models.Place.objects.get(name="Nurduz").pk]


# --- export ------------------------------------------------------------------------------------------


def snapshot(queryset) -> list[dict]:
    """Every field, relation and part of the records, as comparable values."""
    rows = []
    for record in queryset.order_by("public_id"):
        values = {
            f.name: f.value_from_object(record)
            for f in record._meta.concrete_fields
            if f.name not in {"id", "created", "updated"}
        }
        for f in record._meta.many_to_many:
            values[f.name] = sorted(obj.pk for obj in getattr(record, f.name).all())
        for relation in ("size_claims", "other_names", "texts", "signatory_claims", "count_claims"):
            if hasattr(record, relation):
                values[relation] = sorted(
                    tuple(
                        sorted(
                            (k, str(v))
                            for k, v in vars(part).items()
                            if not k.startswith("_")
                            and k not in {"id", "protest_id", "owner_id", "statement_id", "arrest_id"}
                        )
                    )
                    for part in getattr(record, relation).all()
                )
        rows.append(values)
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_leaves_the_data_identical(world, archivist, fmt):
    rows = [
        {
            **TYPE_CASES["protest"][0],
            "description": '=HYPERLINK("http://evil")',
            "public_note": "-1 dead, +2 hurt @ noon",
        },
        {
            "title": "@mention",
            "kind": "march",
            "date": "about 18 October 2020",
            "places": "Tabriz",
            "date_note": "\tindented",
        },
    ]
    assert run(models.Protest, rows, "csv", user=archivist).ok
    drafts = models.Protest.objects.filter(status=models.Status.DRAFT)
    before = snapshot(drafts)
    exported = export_records(drafts, fmt)
    models.ProtestSizeClaim.objects.all().delete()
    drafts.delete()
    report = import_records(models.Protest, exported, file_name=f"export.{fmt}", user=archivist)
    assert report.ok, report.messages
    assert report.new == 2
    assert snapshot(models.Protest.objects.filter(status=models.Status.DRAFT)) == before


def test_reimporting_an_export_writes_nothing(world, archivist):
    assert run(models.Protest, [TYPE_CASES["protest"][0]]).ok
    exported = export_records(models.Protest.objects.all(), "csv")
    before = row_counts()
    report = import_records(models.Protest, exported, file_name="export.csv", user=archivist)
    assert report.ok and report.unchanged == 2 and report.new == report.updated == 0
    assert row_counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_articles_records_reimport_unchanged(db, fmt):
    """Every type, every format, real data (aliases, partial dates, claims, texts): nothing changes."""
    from archive.imports import RECORD_TYPES
    from tests.conftest import article_fixture_files

    call_command("loaddata", *article_fixture_files(), verbosity=0)  # in this test's transaction only
    before = row_counts()
    for model in RECORD_TYPES.values():
        report = import_records(model, export_records(model.objects.all(), fmt), file_name=f"article.{fmt}")
        assert report.ok, report.messages
        assert report.unchanged == model.objects.count() > 0
    assert row_counts() == before


def test_formula_cells_are_escaped_on_export(world):
    factories.ProtestFactory(title="=1+2", description="+cmd", public_note="-x", date_note="@sum", status="draft")
    text = export_records(models.Protest.objects.filter(title="=1+2"), "csv").decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["title"], row["description"], row["public_note"], row["date_note"]) == (
        "'=1+2",
        "'+cmd",
        "'-x",
        "'@sum",
    )
    sheet = openpyxl.load_workbook(
        io.BytesIO(export_records(models.Protest.objects.filter(title="=1+2"), "xlsx"))
    ).active
    titles = [cell for cell in sheet[2] if cell.value == "'=1+2"]
    assert titles and titles[0].data_type == "s"
    assert json.loads(export_records(models.Protest.objects.filter(title="=1+2"), "json"))[0]["title"] == "=1+2"


def test_private_note_is_never_exported(world):
    factories.PersonFactory(name="Noted", private_note="informant lives at …")
    for fmt in FORMATS:
        data = export_records(models.Person.objects.all(), fmt)
        assert b"informant" not in data
    text = export_records(models.Person.objects.all(), "csv").decode("utf-8-sig")
    assert "private_note" not in text.splitlines()[0]


# --- files -------------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "file_name", "words"),
    [
        (b"title,kind\nT,rally\n", "protests.xlsx", "not an XLSX workbook"),
        (zip_bytes({"a.txt": b"x"}), "protests.csv", "ZIP archive"),
        (b"\x00\x01\x02binary", "protests.csv", "binary file"),
        (b"title\n\xff\xfe bad", "protests.csv", "not UTF-8"),
        (zip_bytes({"[Content_Types].xml": b"x", "xl/vbaProject.bin": b"x"}), "protests.xlsx", "macros"),
        (b"anything", "protests.xlsm", "macro-enabled"),
        (b'{"title": 1}', "protests.json", "list of objects"),
        (b"", "protests.csv", "empty"),
    ],
    ids=[
        "csv-named-xlsx",
        "zip-named-csv",
        "binary-csv",
        "not-utf8",
        "xlsx-with-macros",
        "xlsm",
        "json-object",
        "empty",
    ],
)
def test_mislabelled_or_unsafe_files_are_refused_with_a_message(world, data, file_name, words):
    with pytest.raises(ImportFileError, match=words):
        import_records(models.Protest, data, file_name=file_name)


def test_xlsx_formulas_are_refused_and_xml_is_parsed_through_defusedxml(world):
    assert openpyxl.DEFUSEDXML is True
    book = openpyxl.Workbook()
    book.active.append(["title", "kind", "date"])
    book.active.append(["=A1", "rally", "2020"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFileError, match="A2 hold formulas"):
        import_records(models.Protest, out.getvalue(), file_name="p.xlsx")


def test_files_over_the_upload_limit_are_refused(world):
    with pytest.raises(ImportFileError, match=r"manage\.py import_records"):
        import_records(models.Protest, b"title\n" + b"x\n" * 100, file_name="p.csv", max_bytes=50)


# --- admin -------------------------------------------------------------------------------------------


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_admin_import_previews_then_confirms(world, archivist, client):
    client.force_login(archivist)
    url = reverse("admin:archive_protest_import")
    assert client.get(url).status_code == 200
    data = make_file([{"title": "Admin rally", "kind": "rally", "date": "October 2020", "places": "Urmu"}])
    preview = client.post(url, {"format": "0", "import_file": upload("rallies.csv", data)})
    assert preview.status_code == 200
    assert "Confirm import" in preview.content.decode()
    assert not models.Protest.objects.filter(title="Admin rally").exists()  # a dry run
    confirm = preview.context["confirm_form"]
    done = client.post(reverse("admin:archive_protest_process_import"), confirm.initial)
    assert done.status_code == 302
    protest = models.Protest.objects.get(title="Admin rally")
    assert protest.history.first().history_user == archivist


def test_admin_confirm_cannot_be_pointed_at_another_file(world, archivist, client):
    client.force_login(archivist)
    data = {"import_file_name": "passwd", "original_file_name": "x.csv", "format": "0", "resource": ""}
    response = client.post(reverse("admin:archive_protest_process_import"), data)
    assert response.status_code == 302
    assert response.url == reverse("admin:archive_protest_import")
    assert models.Protest.objects.count() == 1


def test_admin_import_shows_row_errors_and_refused_files(world, archivist, client):
    client.force_login(archivist)
    url = reverse("admin:archive_protest_import")
    bad = make_file([{"title": "T", "kind": "rally", "date": "2020"}, {"title": "U", "kind": "rally", "date": "soon"}])
    response = client.post(url, {"format": "0", "import_file": upload("bad.csv", bad)})
    assert response.status_code == 200
    assert "Row 2 (sheet row 3, counting the header as row 1), column “date”" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    zipped = client.post(url, {"format": "0", "import_file": upload("bad.csv", zip_bytes({"a": b"b"}))})
    assert zipped.status_code == 200
    assert "ZIP archive" in zipped.content.decode()
    assert models.Protest.objects.count() == 1


def test_admin_refuses_uploads_over_the_size_limit_with_a_message(world, archivist, client, settings):
    settings.ARCHIVE_IMPORT_MAX_BYTES = 100
    client.force_login(archivist)
    data = make_file([{"title": f"Rally {n}", "kind": "rally", "date": "2020"} for n in range(20)])
    response = client.post(
        reverse("admin:archive_protest_import"), {"format": "0", "import_file": upload("big.csv", data)}
    )
    assert response.status_code == 200
    assert "manage.py import_records" in response.context["form"].errors["import_file"][0]
    assert models.Protest.objects.count() == 1


def test_view_only_staff_gets_403_on_import_and_export(world, client):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(viewer)
    assert client.get(reverse("admin:archive_protest_changelist")).status_code == 200
    assert client.get("/admin/archive/protest/import/").status_code == 403
    assert client.get("/admin/archive/protest/export/").status_code == 403
    assert client.post("/admin/archive/protest/process_import/", {}).status_code == 403


def test_archivist_exports_the_filtered_changelist(world, archivist, client):
    client.force_login(archivist)
    factories.ProtestFactory(title="Draft one", status=models.Status.DRAFT)
    columns = {f"protestresource_{name}": "on" for name in resource_for(models.Protest)().get_export_order()}
    response = client.post(
        "/admin/archive/protest/export/?status__exact=draft", {"format": "0", "resource": "0", **columns}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Draft one" in text and "Rally in Tabriz" not in text


# --- command -----------------------------------------------------------------------------------------


def test_command_dry_run_writes_nothing(world, tmp_path):
    path = tmp_path / "protests.csv"
    path.write_bytes(make_file([{"title": "T", "kind": "rally", "date": "2020"}]))
    before = row_counts()
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", "protest", str(path), "--dry-run", stdout=out, stderr=err)
    assert row_counts() == before
    assert "Dry run: would add 1" in out.getvalue()
    assert "1/1 rows" in err.getvalue()


def test_command_imports_with_the_named_user(world, archivist, tmp_path):
    path = tmp_path / "people.json"
    path.write_bytes(make_file([{"name": "Imported Person"}], "json"))
    call_command("import_records", "person", str(path), "--user", "archie", stdout=io.StringIO(), stderr=io.StringIO())
    assert models.Person.objects.get(name="Imported Person").history.get().history_user == archivist


def test_command_bad_file_exits_non_zero_with_row_and_column_on_stderr(world, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)  # run_from_argv closes them; the test needs its own
    path = tmp_path / "protests.csv"
    path.write_bytes(
        make_file([{"title": "T", "kind": "rally", "date": "2020"}, {"title": "U", "kind": "riot", "date": "2020"}])
    )
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "import_records", "protest", str(path)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Row 2 (sheet row 3, counting the header as row 1), column “kind”" in err
    assert not models.Protest.objects.filter(title="T").exists()
    with pytest.raises(CommandError, match=r"ends in \.csv but the format chosen is XLSX"):
        call_command("import_records", "protest", str(path), "--format", "xlsx", stderr=io.StringIO())

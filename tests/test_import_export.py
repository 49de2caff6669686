"""Bulk import: every record type from CSV, XLSX and JSON, all or nothing, errors by row and column."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from archive import models, registry
from archive.dates import DatePrecision
from archive.imports import ImportFileError, import_records
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import FORMATS, TYPE_CASES, row_counts, run  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


# --- each record type, each format -----------------------------------------------------------------


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
    assert record.public_id.startswith(f"{registry.get(record_type).id_prefix}-")  # readable, made on import


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


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("public_id", ["draft-rally", "new-rally"], ids=["in-the-archive", "new-to-it"])
def test_two_rows_with_one_public_id_are_an_error_naming_both_rows(world, archivist, fmt, public_id):
    """The later row used to overwrite the earlier one without a word (“added 3, updated 1”)."""
    factories.ProtestFactory(public_id="draft-rally", title="Old title", status=models.Status.DRAFT)
    rows = [{"public_id": "", "title": f"Rally {n}", "kind": "rally", "date": "2020"} for n in range(1, 6)]
    rows[1]["public_id"] = rows[3]["public_id"] = public_id
    before = row_counts()
    report = run(models.Protest, rows, fmt, user=archivist)
    assert row_counts() == before
    assert [(issue.row, issue.column) for issue in report.issues] == [(4, "public_id")], report.messages
    earlier = "object 2 of the JSON list" if fmt == "json" else "sheet row 3"
    assert f"{public_id} is also in row 2 ({earlier})" in str(report.issues[0])
    assert report.summary() == "Nothing was imported: 1 error."


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
    row, _check = TYPE_CASES["protests"]
    assert run(models.Protest, [row], user=archivist, file_name="october.csv").ok
    protest = models.Protest.objects.get(title="Rally in Urmia")
    for history in [*protest.history.all(), *models.ProtestSizeClaim.history.filter(protest_id=protest.pk)]:
        assert history.history_user == archivist
        assert history.history_change_reason == "Imported from october.csv"
    assert models.Slogan.history.get(text="Yaşasın Azərbaycan").history_user == archivist


def test_imported_names_are_searchable_once_the_import_is_written(world):
    from archive import search

    row = TYPE_CASES["places"][0]
    assert run(models.Place, [row], dry_run=True).ok
    assert not search.matching_ids(models.Place, "Nurdüz")
    assert run(models.Place, [row]).ok
    assert search.matching_ids(models.Place, "Nurdüz") == [models.Place.objects.get(name="Nurduz").pk]

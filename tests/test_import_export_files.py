"""Export (re-importable, formula cells escaped, private notes never) and the files an import refuses."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from archive import models
from archive.imports import ImportFileError, export_records, import_records
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")  # its checks assert; it is imported before collection
from tests.import_export_helpers import FORMATS, TYPE_CASES, row_counts, run, zip_bytes  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures


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
            **TYPE_CASES["protests"][0],
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
    assert run(models.Protest, [TYPE_CASES["protests"][0]]).ok
    exported = export_records(models.Protest.objects.all(), "csv")
    before = row_counts()
    report = import_records(models.Protest, exported, file_name="export.csv", user=archivist)
    assert report.ok and report.unchanged == 2 and report.new == report.updated == 0
    assert row_counts() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_articles_records_reimport_unchanged(db, fmt):
    """Every type, every format, real data (aliases, partial dates, claims, texts): nothing changes."""
    from archive import registry
    from tests.conftest import article_fixture_files

    call_command("loaddata", *article_fixture_files(), verbosity=0)  # in this test's transaction only
    before = row_counts()
    for model in registry.MODELS.values():
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

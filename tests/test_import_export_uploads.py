"""What the admin's import refuses, with a message on the form and nothing written: files too large,
zip bombs (refused before openpyxl reads them), macro-enabled workbooks, files whose name lies about
their content, and more rows or columns than an upload may have."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from archive import models
from archive.resources import files

pytest.register_assert_rewrite("tests.import_export_helpers")
from tests.import_export_helpers import make_file, row_counts, upload  # noqa: E402

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.import_export_helpers"]  # the world and archivist fixtures

CSV, XLSX, JSON = "0", "1", "2"  # the admin form's format choices
ROWS = [{"title": f"Rally {n}", "kind": "rally", "date": "2020"} for n in range(3)]


def xlsx(rows=ROWS, **replace: bytes) -> bytes:
    """A real workbook of `rows`, with any of its parts (by name in the ZIP) replaced."""
    data = make_file(rows, "xlsx")
    if not replace:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.pop(item.filename, source.read(item.filename)))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def sheet_of(size: int) -> bytes:
    """A worksheet part that unpacks to `size` bytes and packs to almost nothing."""
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    tail = b"<sheetData/></worksheet>"
    return head + b" " * (size - len(head) - len(tail)) + tail


def macro_enabled_types() -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx())) as book:
        types = book.read("[Content_Types].xml")
    return types.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")


@pytest.fixture
def post(client, archivist):
    client.force_login(archivist)

    def post(name: str, data: bytes, fmt: str):
        return client.post(reverse("admin:archive_protest_import"), {"format": fmt, "import_file": upload(name, data)})

    return post


def refused(response) -> str:
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    return " ".join(response.context["form"].errors["import_file"])


@pytest.fixture
def openpyxl_must_not_read(monkeypatch):
    def load_workbook(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a file that should have been refused first")

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)


BOMBS = {
    "unpacks-past-the-upload-limit": (65 * 1024 * 1024, "unpacks to 65 MB, more than the 64 MB"),
    "packed-a-thousandfold": (4 * 1024 * 1024, "times its packed size"),
}


@pytest.mark.parametrize("size, words", BOMBS.values(), ids=BOMBS.keys())
def test_a_zip_bomb_is_refused_before_openpyxl_reads_it(world, post, openpyxl_must_not_read, size, words):
    bomb = xlsx(**{"xl/worksheets/sheet1.xml": sheet_of(size)})
    assert len(bomb) < 200 * 1024  # tiny on the wire
    before = row_counts()
    assert words in refused(post("bomb.xlsx", bomb, XLSX))
    assert row_counts() == before


MISLEADING = {
    "xlsm-by-name": ("report.xlsm", xlsx(), XLSX, "macro-enabled"),
    "xlsm-renamed-xlsx": ("report.xlsx", xlsx(**{"[Content_Types].xml": macro_enabled_types()}), XLSX, "macro-enabled"),
    "vba-project-inside": ("report.xlsx", xlsx(**{"xl/vbaProject.bin": b"\x00" * 64}), XLSX, "contains macros"),
    "csv-named-xlsx": ("report.xlsx", make_file(ROWS), XLSX, "text (perhaps a CSV), not an XLSX"),
    "xlsx-named-csv": ("report.csv", xlsx(), CSV, "ZIP archive"),
    "xlsx-named-json": ("report.json", xlsx(), JSON, "ZIP archive"),
    "pdf-named-csv": ("report.csv", b"%PDF-1.7\n...", CSV, "a PDF"),
    "csv-sent-as-xlsx": ("report.csv", make_file(ROWS), XLSX, "ends in .csv but the format chosen is XLSX"),
}


@pytest.mark.parametrize("name, data, fmt, words", MISLEADING.values(), ids=MISLEADING.keys())
def test_a_file_whose_name_or_content_misleads_is_refused(world, post, openpyxl_must_not_read, name, data, fmt, words):
    before = row_counts()
    assert words in refused(post(name, data, fmt))
    assert row_counts() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_more_rows_than_an_upload_may_have_are_refused(world, post, settings, fmt):
    settings.ARCHIVE_IMPORT_MAX_ROWS = 3
    key = {"csv": CSV, "xlsx": XLSX, "json": JSON}[fmt]
    assert "Confirm import" in post(f"ok.{fmt}", make_file(ROWS, fmt), key).content.decode()
    four = [*ROWS, {"title": "Rally 4", "kind": "rally", "date": "2020"}]
    message = refused(post(f"big.{fmt}", make_file(four, fmt), key))
    assert "more than 3 rows" in message and "manage.py import_records" in message


def test_blank_lines_do_not_count_as_rows(world, post, settings):
    settings.ARCHIVE_IMPORT_MAX_ROWS = 3
    data = make_file(ROWS) + b",,\n\n,,\n"
    assert "Confirm import" in post("blank-lines.csv", data, CSV).content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_more_columns_than_an_upload_may_have_are_refused(world, post, settings, fmt):
    settings.ARCHIVE_IMPORT_MAX_COLUMNS = 4
    key = {"csv": CSV, "xlsx": XLSX, "json": JSON}[fmt]
    wide = [{**row, "description": "d", "date_note": "n"} for row in ROWS]
    assert "at most 4 columns" in refused(post(f"wide.{fmt}", make_file(wide, fmt), key))


def test_the_command_takes_more_rows_than_an_upload(world, settings, tmp_path):
    from django.core.management import call_command

    settings.ARCHIVE_IMPORT_MAX_ROWS = 2
    path = tmp_path / "rallies.csv"
    path.write_bytes(make_file(ROWS))
    call_command("import_records", "protests", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert models.Protest.objects.filter(title__in=[row["title"] for row in ROWS]).count() == 3


def test_the_upload_limits_come_from_the_settings(settings):
    settings.ARCHIVE_IMPORT_MAX_ROWS, settings.ARCHIVE_IMPORT_MAX_COLUMNS = 7, 9
    assert files.Limits.for_upload() == files.Limits(7, 9, files.UPLOAD_MAX_UNPACKED)
    assert files.Limits.for_command().rows is None

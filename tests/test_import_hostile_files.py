"""Files built to mislead the reader: an XLSX whose <dimension> lies, CSVs in UTF-16, binary refused."""

import io
import re
import zipfile

import openpyxl
import pytest

from archive import models
from archive.imports import ImportFileError, import_records
from archive.resources import files

ROWS = [[f"Protest {n}", "rally", f"2020-10-{n:02d}"] for n in range(1, 8)]


def workbook(rows, headers=("title", "kind", "date")) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(info.filename, content)
    return out.getvalue()


def declare(ref: str):
    def change(xml: str) -> str:
        assert "<dimension " in xml
        return re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)

    return change


@pytest.fixture
def counted(monkeypatch):
    """How many cells the XLSX reader looked at."""
    seen = []
    original = files._xlsx_value

    def counting(cell, formulas):
        seen.append(cell)
        return original(cell, formulas)

    monkeypatch.setattr(files, "_xlsx_value", counting)
    return seen


def test_an_understated_dimension_loses_no_row(db):
    data = rewrite_sheet(workbook(ROWS), declare("A1:E2"))
    report = import_records(models.Protest, data, file_name="protests.xlsx")
    assert report.ok, report.messages
    assert report.new == 7
    assert sorted(models.Protest.objects.values_list("title", flat=True)) == [f"Protest {n}" for n in range(1, 8)]


def test_a_sheet_declared_as_large_as_excel_allows_is_read_by_its_cells(db, counted):
    def huge(xml: str) -> str:
        xml = declare("A1:XFD1048576")(xml)
        return xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"/></row></sheetData>')

    data = rewrite_sheet(workbook(ROWS), huge)
    assert len(data) < 10_000
    report = import_records(models.Protest, data, file_name="protests.xlsx")
    assert report.ok, report.messages
    assert report.new == 7
    assert len(counted) == 8 * 3 + 1  # the cells the XML holds, the far blank one included, and no more


def test_a_value_beyond_the_column_cap_is_refused_naming_the_cell_and_the_cap(db, counted):
    def far_value(xml: str) -> str:
        return xml.replace(
            "</sheetData>", '<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )

    data = rewrite_sheet(workbook(ROWS), far_value)
    with pytest.raises(ImportFileError, match=r"Cell XFD9 has a value; a file may have at most 100 columns"):
        import_records(models.Protest, data, file_name="protests.xlsx")
    assert len(counted) == 8 * 3 + 1


def test_a_value_far_below_the_data_is_refused_not_read_as_a_million_blank_rows(db, counted):
    def far_value(xml: str) -> str:
        return xml.replace(
            "</sheetData>", '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        )

    data = rewrite_sheet(workbook(ROWS), far_value)
    with pytest.raises(ImportFileError, match=r"rows 9 to 1048575 are blank.*at most 10000 blank rows"):
        import_records(models.Protest, data, file_name="protests.xlsx")
    assert models.Protest.objects.count() == 0


def test_blank_rows_between_records_keep_the_row_numbers(db):
    def gap(xml: str) -> str:
        return xml.replace(
            "</sheetData>", '<row r="12"><c r="A12" t="inlineStr"><is><t>Late</t></is></c></row></sheetData>'
        )

    report = import_records(models.Protest, rewrite_sheet(workbook(ROWS), gap), file_name="protests.xlsx")
    assert not report.ok
    assert report.issues[0].row == 11  # sheet row 12, counting the header as row 1


# --- CSV encodings -----------------------------------------------------------------------------------

CSV_TEXT = "title,kind,date\nMitinq Təbrizdə — تبریز,rally,2020-11-04\n"


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"),
        b"\xff\xfe" + CSV_TEXT.encode("utf-16-le"),
        b"\xfe\xff" + CSV_TEXT.encode("utf-16-be"),
        b"\xff\xfe" + CSV_TEXT.replace(",", "\t").encode("utf-16-le"),  # Excel's “Unicode Text”
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be", "utf-16-tabs"],
)
def test_a_csv_with_a_byte_order_mark_imports(db, data):
    report = import_records(models.Protest, data, file_name="protests.csv")
    assert report.ok, report.messages
    assert list(models.Protest.objects.values_list("title", flat=True)) == ["Mitinq Təbrizdə — تبریز"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x00\x01\x02\x03binary", "a binary file"),
        (b"\xff\xfe" + CSV_TEXT.encode("utf-16-le")[:-1], "not UTF-16 text"),  # cut in the middle of a letter
        (CSV_TEXT.encode("utf-16-le"), "a binary file"),  # UTF-16 without a mark cannot be told from binary
    ],
    ids=["binary", "truncated-utf-16", "utf-16-without-bom"],
)
def test_binary_or_broken_text_is_still_refused(db, data, words):
    with pytest.raises(ImportFileError, match=words):
        import_records(models.Protest, data, file_name="protests.csv")
    assert models.Protest.objects.count() == 0

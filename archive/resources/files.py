"""Reading import files safely, and the file formats offered in the admin.

CSV and JSON must be UTF-8 text (or UTF-16/32 with a byte-order mark); XLSX must be a real Office Open XML
workbook without macros, read by openpyxl through defusedxml, formulas
refused. A ZIP or binary named .csv, a CSV named .xlsx, an .xlsm, or a file
too large is an `ImportFileError` with a message, never a 500.

Formula escaping on export: django-import-export 4.4.3's
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT drops a leading “=” (losing data) and
turns every cell into text, including None into "None". The formats here
replace that with a reversible escape — an apostrophe before a cell starting
with = + - @ tab or CR — which the readers undo, so an export re-imports
unchanged. JSON is not opened by spreadsheets and is never escaped.
"""

import codecs
import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from archive.resources.cells import as_written, cell_text, escape_formula, unescape_formula

FORMATS = ("csv", "xlsx", "json")
EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
REFUSED_EXTENSIONS = {".xlsm", ".xltm", ".xlam", ".xlsb", ".xls", ".xla", ".xlt", ".ods", ".numbers", ".docm"}
# An XLSX is XML in a ZIP. Zip bombs (a small file that unpacks to gigabytes) are refused before
# openpyxl reads a byte: by the total the parts unpack to, and by how much one part was compressed.
XLSX_MAX_UNPACKED = 256 * 1024 * 1024  # manage.py import_records
UPLOAD_MAX_UNPACKED = 64 * 1024 * 1024  # an upload in the admin (at most ARCHIVE_IMPORT_MAX_ROWS rows)
XLSX_MAX_RATIO = 100  # real sheets shrink 5–20 times; a bomb, thousands of times
XLSX_RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpack to little, however well they shrank
# Blank sheet rows before a row with values, kept so that rows keep their numbers: a run longer than
# this is refused (a value at row 1,048,576 would make a million rows to import).
XLSX_MAX_BLANK_ROWS = 10_000
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


def normalised_header(written: str) -> str:
    """A column name as the archive spells it: lower case, spaces as _, a language tag in brackets in
    its BCP 47 case (TITLE[AZ-LATN] → title[az-Latn])."""
    name = re.sub(r"\s+", "_", written.lower())
    tagged = re.fullmatch(r"([^\[\]]+)\[([a-z0-9-]+)\]", name)
    return f"{tagged[1]}[{canonical_tag(tagged[2])}]" if tagged else name


def canonical_tag(tag: str) -> str:
    """A BCP 47 tag in its conventional case: language lower, script title, region upper (az-latn → az-Latn)."""
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part.lower())
    return "-".join(out)


class ImportFileError(ValueError):
    """The file cannot be imported at all; str() says why, for the archivist."""


@dataclass(frozen=True)
class Limits:
    """How much a file may hold: data rows (None: any number), columns, and what an XLSX unpacks to."""

    rows: int | None = None
    columns: int = 100
    unpacked: int = XLSX_MAX_UNPACKED

    @classmethod
    def for_upload(cls) -> "Limits":
        """An upload in the admin: the settings' caps (a web request has to finish)."""
        return cls(settings.ARCHIVE_IMPORT_MAX_ROWS, settings.ARCHIVE_IMPORT_MAX_COLUMNS, UPLOAD_MAX_UNPACKED)

    @classmethod
    def for_command(cls) -> "Limits":
        """manage.py import_records: any number of rows."""
        return cls(None, settings.ARCHIVE_IMPORT_MAX_COLUMNS, XLSX_MAX_UNPACKED)


def escaping_enabled() -> bool:
    return getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False) is True


def choose_format(file_name: str, fmt: str | None = None) -> str:
    """csv, xlsx or json, from the format asked for and the file name, which must agree."""
    extension = Path(file_name or "").suffix.lower()
    if extension in REFUSED_EXTENSIONS:
        raise ImportFileError(
            _("“%(name)s” is a macro-enabled or other unsupported workbook: save it as .xlsx (Excel Workbook) or .csv.")
            % {"name": Path(file_name).name}
        )
    by_name = EXTENSIONS.get(extension)
    if fmt is not None:
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise ImportFileError(_("Unknown format “%(fmt)s”: use csv, xlsx or json.") % {"fmt": fmt})
        if by_name and by_name != fmt:
            raise ImportFileError(
                _("The file name ends in %(ext)s but the format chosen is %(fmt)s.")
                % {"ext": extension, "fmt": fmt.upper()}
            )
        return fmt
    if by_name is None:
        raise ImportFileError(_("The file name must end in .csv, .xlsx or .json (or give the format)."))
    return by_name


def _binary_kind(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _("a ZIP archive (perhaps an XLSX workbook)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _("an old-style Office file (.xls or .doc, or a password-protected workbook)")
    if data.startswith(b"%PDF"):
        return _("a PDF")
    if b"\x00" in data[:65536]:
        return _("a binary file")
    return None


# A byte-order mark says how the text is encoded (Excel's “Unicode Text” and many Windows tools write
# UTF-16 with one); UTF-32's marks begin with UTF-16's, so they are tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(data: bytes, label: str) -> str:
    encoding = next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        kind = _binary_kind(data)
        if kind:
            raise ImportFileError(_("This file is %(kind)s, not %(label)s text.") % {"kind": kind, "label": label})
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("This file is not %(encoding)s text (unreadable byte at position %(pos)s); in Excel choose “CSV UTF-8”.")
            % {"encoding": encoding.removesuffix("-sig").upper(), "pos": error.start}
        ) from None


def _blank(value) -> bool:
    return value is None or value == "" or cell_text(value) == ""


def _capped(rows, limits: Limits):
    """The rows as lists, refusing the file as soon as it shows more rows or columns than `limits` allows."""
    filled = 0
    for row in rows:
        row = list(row)
        width = len(row)
        while width and _blank(row[width - 1]):
            width -= 1
        if width > limits.columns:
            raise ImportFileError(
                _("The file has values in column %(n)s; a file may have at most %(max)s columns.")
                % {"n": width, "max": limits.columns}
            )
        if width:
            filled += 1
            if limits.rows is not None and filled > limits.rows + 1:  # the header is a row too
                raise ImportFileError(
                    _(
                        "The file has more than %(max)s rows; an upload takes at most %(max)s. "
                        "Import larger files with: manage.py import_records TYPE FILE"
                    )
                    % {"max": limits.rows}
                )
        yield row[: limits.columns]  # only blank cells lie beyond


def _read_csv(data: bytes, limits: Limits) -> list[list]:
    text = _decode(data, "CSV")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(_capped(reader, limits))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV cannot be read near line %(line)s: %(error)s")
            % {
                "line": reader.line_num,
                "error": error,
            }
        ) from None


def _read_json(data: bytes, limits: Limits) -> list[list]:
    text = _decode(data, "JSON")
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("This is not valid JSON (line %(line)s: %(msg)s).")
            % {
                "line": error.lineno,
                "msg": error.msg,
            }
        ) from None
    if not isinstance(items, list):
        raise ImportFileError(_("The JSON must be a list of objects, one per record."))
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ImportFileError(_("Row %(row)s of the JSON list is not an object.") % {"row": number})
    headers = list(dict.fromkeys(key for item in items for key in item))
    if len(headers) > limits.columns:
        raise ImportFileError(
            _("The objects have %(n)s different keys; a file may have at most %(max)s columns.")
            % {"n": len(headers), "max": limits.columns}
        )
    rows = [headers]
    for number, item in enumerate(items, 1):
        row = []
        for key in headers:
            value = item.get(key)
            if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
                value = " | ".join(cell_text(v) for v in value)
            elif isinstance(value, dict | list):
                raise ImportFileError(
                    _("Row %(row)s, column “%(col)s”: nested objects cannot be imported.") % {"row": number, "col": key}
                )
            row.append(value)
        rows.append(row)
    return list(_capped(rows, limits))


def _check_workbook(data: bytes, limits: Limits) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        looks_like_text = _binary_kind(data) is None
        raise ImportFileError(
            _("This file is text (perhaps a CSV), not an XLSX workbook.")
            if looks_like_text
            else _("This file is not an XLSX workbook.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                raise ImportFileError(_("This ZIP file is not an XLSX workbook."))
            _check_unpacked_size(archive.infolist(), limits)  # before unpacking anything
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ImportFileError(_("This workbook contains macros: save it as a plain .xlsx workbook."))
            content_types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in content_types:
                raise ImportFileError(_("This is a macro-enabled workbook: save it as a plain .xlsx workbook."))
            if b"spreadsheetml.sheet.main+xml" not in content_types:
                raise ImportFileError(_("This Office file is not an Excel workbook."))
    except zipfile.BadZipFile:
        raise ImportFileError(_("This workbook is damaged and cannot be read.")) from None


def _check_unpacked_size(infos, limits: Limits) -> None:
    """Refuse a zip bomb by the sizes the archive declares (zipfile never unpacks a part beyond its own)."""
    total = sum(info.file_size for info in infos)
    if total > limits.unpacked:
        raise ImportFileError(
            _("This workbook unpacks to %(size)s MB, more than the %(max)s MB an import reads; split it.")
            % {"size": total // 1048576, "max": limits.unpacked // 1048576}
        )
    for info in infos:
        if info.file_size > XLSX_RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
            raise ImportFileError(
                _("This workbook's part “%(part)s” unpacks to %(ratio)s times its packed size, as no real sheet does.")
                % {"part": info.filename, "ratio": info.file_size // max(info.compress_size, 1)}
            )


_DAY_CODE = re.compile(r"d", re.IGNORECASE)


def _xlsx_value(cell, formulas: list):
    value = cell.value
    if getattr(cell, "data_type", None) == "f":
        formulas.append(cell)
        return None
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        time = getattr(value, "time", None)
        if time is not None and time().hour + time().minute + time().second:
            return value.isoformat(sep=" ")
        fmt = re.sub(r'"[^"]*"|\[[^\]]*\]', "", str(getattr(cell, "number_format", "") or ""))
        if _DAY_CODE.search(fmt) or "y" not in fmt.lower():
            return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        if "m" in fmt.lower():
            return f"{value.year:04d}-{value.month:02d}"
        return f"{value.year:04d}"
    return value


def _sheet_rows(sheet, limits: Limits, formulas: list):
    """The sheet's rows as its XML holds them, whatever its <dimension> declares.

    openpyxl's read-only sheet trusts <dimension>: it stops at the row declared last (an understated
    A1:E2 lost every row below 2) and pads each row to the column declared last (A1:XFD1048576 made
    16,384 cells of every row, and a million rows). Here each cell the XML holds is read once, blank
    cells are dropped, and the caps are measured on the cells that hold a value.
    """
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    expected = 1  # the sheet row the next yielded row stands for
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = {}
            for cell in cells:
                value = _xlsx_value(ReadOnlyCell(sheet, **cell), formulas)
                if not _blank(value):
                    values[cell["column"]] = value
            if not values:  # blank cells, or formulas (refused once the whole sheet is read)
                continue
            width = max(values)
            if width > limits.columns:
                raise ImportFileError(
                    _("Cell %(cell)s has a value; a file may have at most %(max)s columns.")
                    % {"cell": f"{get_column_letter(width)}{number}", "max": limits.columns}
                )
            if number - expected > XLSX_MAX_BLANK_ROWS:
                raise ImportFileError(
                    _(
                        "Sheet rows %(first)s to %(last)s are blank and row %(row)s has values; an import reads "
                        "at most %(max)s blank rows in a row: delete the blank rows."
                    )
                    % {"first": expected, "last": number - 1, "row": number, "max": XLSX_MAX_BLANK_ROWS}
                )
            for _blank_row in range(expected, number):
                yield []
            yield [values.get(column) for column in range(1, width + 1)]
            expected = number + 1


def _read_xlsx(data: bytes, limits: Limits) -> list[list]:
    import openpyxl

    _check_workbook(data, limits)
    if openpyxl.DEFUSEDXML is not True:
        raise ImportFileError(_("XLSX import needs defusedxml, which is not active on this server."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds; the message is what matters here
        raise ImportFileError(_("This workbook cannot be read: %(error)s") % {"error": error}) from None
    formulas: list = []
    try:
        rows = list(_capped(_sheet_rows(book.active, limits, formulas), limits))
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet part
        raise ImportFileError(_("This workbook cannot be read: %(error)s") % {"error": error}) from None
    finally:
        book.close()
    if formulas:
        where = ", ".join(f"{c.column_letter}{c.row}" for c in formulas[:5])
        raise ImportFileError(
            _("Cells %(where)s hold formulas: an import takes values only (copy, then paste as values).")
            % {"where": where}
        )
    return rows


READERS = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json}


def read_dataset(data: bytes, fmt: str, limits: Limits | None = None) -> tablib.Dataset:
    """The file's rows as a Dataset with normalised headers; row n of the Dataset is data row n of the file."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    rows = READERS[fmt](data, limits or Limits.for_command())
    if fmt != "json" and escaping_enabled():
        rows = [[unescape_formula(value) for value in row] for row in rows]
    while rows and all(cell_text(v) == "" for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(_("The file is empty."))
    written = [cell_text(h) for h in rows[0]]
    headers = [normalised_header(h) for h in written]
    while (
        headers and not headers[-1] and not any(len(r) >= len(headers) and cell_text(r[len(headers) - 1]) for r in rows)
    ):
        headers.pop()
    if "" in headers:
        raise ImportFileError(_("Column %(n)s has values but no header.") % {"n": headers.index("") + 1})
    repeated = [w for h, w in zip(headers, written, strict=False) if headers.count(h) > 1]
    if repeated:
        raise ImportFileError(_("Columns appear twice: %(cols)s.") % {"cols": ", ".join(map(as_written, repeated))})
    if len(rows) < 2:
        raise ImportFileError(_("The file has a header but no rows below it."))
    dataset = tablib.Dataset(headers=headers)
    width = len(headers)
    for number, row in enumerate(rows[1:], 1):
        row = list(row)
        if len(row) > width and any(cell_text(v) for v in row[width:]):
            raise ImportFileError(_("Row %(row)s has more cells than the header has columns.") % {"row": number})
        dataset.append((row + [None] * width)[:width])
    dataset.written_headers = dict(zip(headers, written, strict=False))  # for messages: as the file has them
    return dataset


class CSVFormat(base_formats.CSV):
    def _escape_formulae(self, dataset):
        for _n in range(len(dataset)):
            dataset.append([escape_formula(value) for value in dataset.lpop()])

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(dataset, **kwargs)  # a BOM, so Excel reads UTF-8

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        return read_dataset(data, "csv")


class XLSXFormat(base_formats.XLSX):
    def _escape_formulae(self, dataset):
        for _n in range(len(dataset)):
            dataset.append([escape_formula(value) for value in dataset.lpop()])

    def create_dataset(self, in_stream):
        return read_dataset(in_stream, "xlsx")


class JSONFormat(base_formats.JSON):
    def _escape_formulae(self, dataset):
        """JSON is read by programs, not spreadsheets: values are exported as they are."""

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        return read_dataset(data, "json")


FORMAT_CLASSES = {"csv": CSVFormat, "xlsx": XLSXFormat, "json": JSONFormat}

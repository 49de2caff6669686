"""Write the published archive as a Frictionless Data Package and swap it into place.

The package is written into a fresh directory under ``<output>/builds/``, zipped there, flushed to
disk, and only then does ``<output>/current`` (a symlink) move to it in one rename, so a reader sees
the old package or the new one, never half of either. Older builds are deleted afterwards; anyone
still downloading one keeps the file they opened. One build at a time holds ``<output>/.lock``.

A build killed halfway (SIGKILL, a power cut) leaves only its unfinished directory under
``builds/`` (and perhaps a staged link ``.current-<pid>``), which nothing serves; the next build
deletes them before it starts. A full disk abandons the build the same way and says so (`NoSpace`).

The whole package reads one snapshot of the database, and its descriptor's ``created`` is the time
of that snapshot: archive.views_data compares it with the last change to a public record.

Every table is written twice in one pass: ``<name>.csv``, the package's resource, with text exactly as
recorded (for data tools), and ``excel/<name>.csv``, formula-escaped and with a byte-order mark (for
spreadsheets; zipped as ``datapackage-excel.zip`` and described under the descriptor's ``excel``). The
build is then kept as its day's release (archive.datapackage.releases), with ``changes.csv``: what
changed since the previous release (archive.datapackage.changes).
"""

import csv
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from archive import datapackage as dp
from archive import dialect
from archive.datapackage import changes, releases
from archive.datapackage.changes import Digests

TITLE = "Karabakh 2020 response archive"
ARTICLE = (
    "Hacıyeva, Y., “Iran's Influence on Regional Processes During the Second Karabakh War (2020) and "
    "Southern Azerbaijanis”, Vakanüvis – Uluslararası Tarih Araştırmaları Dergisi 10 (Özel Sayı: "
    "Vakanüvis 10. Yıl Özel Sayısı), 2025, pp. 677–696"
)
# A spreadsheet runs a cell starting with one of these as a formula. A cell starting with an apostrophe is
# escaped too, so that the reader's rule has no exception: a cell starting with ' lost exactly one.
ESCAPED_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
ESCAPE_NOTE = (
    "Text cells that begin with =, +, -, @, a tab, a carriage return or an apostrophe are prefixed with an "
    "apostrophe (') so that spreadsheets do not run them as formulas; to get the text as recorded, drop one "
    "leading apostrophe from every text cell that begins with one."
)
EXACT_NOTE = (
    "Cells hold the text exactly as recorded: a spreadsheet may run a cell that begins with =, +, - or @ as a "
    "formula, so open these files with a data tool, or use the Excel variant (see `excel`)."
)
EXCEL = "excel"  # the folder of the Excel variant beside the package's CSVs
EXCEL_ZIP = "datapackage-excel.zip"
EXCEL_NOTE = (
    "The same tables for spreadsheets (Excel, LibreOffice, Numbers): UTF-8 with a byte-order mark, and " + ESCAPE_NOTE
)
DESCRIPTION = (
    "Every published record of the archive of Southern Azerbaijanis' response to Iran's stance in the 2020 "
    "Karabakh war: protests, arrests, statements, organizations, media outlets, people, places and sources, with "
    "the tables that link them. Records the public may not see are left out, and so is every row that would "
    "name one; an at-risk detainee of a public arrest reads “a detainee, name withheld”. " + EXACT_NOTE
)
BOM = "\ufeff"


class BuildInProgress(RuntimeError):
    """Another build holds the lock on the output directory."""


class NoSpace(RuntimeError):
    """The disk (or the quota) filled up; the build was abandoned and the served package left alone."""


FULL = {errno.ENOSPC, errno.EDQUOT}


def escape_text(value: str) -> str:
    """A text cell a spreadsheet will not run: an apostrophe before one that starts with a formula
    character or an apostrophe. Reversed by dropping one leading apostrophe (`unescape_text`)."""
    return "'" + value if value.startswith(ESCAPED_STARTS) else value


def unescape_text(value: str) -> str:
    """The text as recorded, from a cell `escape_text` wrote."""
    return value[1:] if value.startswith("'") else value


def _typed(value) -> str | None:
    """A value that is not text as Table Schema reads it; None for text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | Decimal | int):
        return str(value)
    return None


def exact_cell(value, type_: str) -> str:
    """A value as Table Schema reads it, text exactly as recorded."""
    typed = _typed(value)
    return str(value) if typed is None else typed


def cell(value, type_: str) -> str:
    """A value as Table Schema reads it; text that a spreadsheet would run as a formula is escaped."""
    typed = _typed(value)
    if typed is not None:
        return typed
    return escape_text(str(value)) if type_ == "string" else str(value)


def schema(table: dp.Table) -> dict:
    fields = []
    for column in table.columns:
        constraints = {"required": True} if column.required else {}
        if column.enum:
            constraints["enum"] = list(column.enum)
        if table.primary_key == (column.name,):
            constraints["unique"] = True
        field = {"name": column.name, "type": column.type, "description": str(column.description)}
        fields.append({**field, "constraints": constraints} if constraints else field)
    described = {"description": EXACT_NOTE, "fields": fields, "missingValues": [""]}
    if table.primary_key:
        described["primaryKey"] = list(table.primary_key)
    keys = [
        {"fields": [c.name], "reference": {"resource": c.ref[0], "fields": [c.ref[1]]}} for c in table.columns if c.ref
    ]
    return {**described, "foreignKeys": keys} if keys else described


def write_table(table: dp.Table, directory: Path, digests: Digests | None = None) -> tuple[dict, int]:
    """Stream the table's rows into <name>.csv (exact text) and excel/<name>.csv (escaped, with a
    byte-order mark), crediting each row to its record in `digests`; return the resource descriptor
    of <name>.csv and the row count."""
    path, excel = directory / f"{table.name}.csv", directory / EXCEL / f"{table.name}.csv"
    excel.parent.mkdir(exist_ok=True)
    owners = changes.owner_columns(table)
    count = 0
    with (
        path.open("w", encoding="utf-8", newline="") as exact_handle,
        excel.open("w", encoding="utf-8", newline="") as excel_handle,
    ):
        exact_writer, excel_writer = csv.writer(exact_handle), csv.writer(excel_handle)
        excel_handle.write(BOM)
        header = [column.name for column in table.columns]
        exact_writer.writerow(header)
        excel_writer.writerow(header)
        for row in table.rows():
            values = [(column.value(row), column.type) for column in table.columns]
            cells = [exact_cell(value, type_) for value, type_ in values]
            exact_writer.writerow(cells)
            excel_writer.writerow([cell(value, type_) for value, type_ in values])
            if digests is not None:
                digests.add(table.name, owners, cells)
            count += 1
        for handle in (exact_handle, excel_handle):
            handle.flush()
            os.fsync(handle.fileno())
    resource = {
        "name": table.name,
        "title": str(table.title),
        **({"description": str(table.description)} if table.description else {}),
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        **measured(path),
        "schema": schema(table),
    }
    return resource, count


def measured(path: Path) -> dict:
    """A file's size and sha256, as a resource descriptor gives them."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest}"}


def excel_variant(resources: list[dict], directory: Path) -> dict:
    """The descriptor's `excel` entry: where the spreadsheet files are, how they differ, their sizes."""
    files = [
        {"resource": r["name"], "path": f"{EXCEL}/{r['path']}", **measured(directory / EXCEL / r["path"])}
        for r in resources
        if (directory / EXCEL / r["path"]).exists()
    ]
    return {
        "title": "Excel variant",
        "description": EXCEL_NOTE + " Not a resource of this package: served beside this descriptor, one file per "
        f"table under {EXCEL}/ and all of them in {EXCEL_ZIP}; columns and meanings as in the resources.",
        "path": EXCEL_ZIP,
        "encoding": "utf-8-sig",
        "files": files,
    }


def descriptor(resources: list[dict], created: dt.datetime, excel: dict | None = None) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": dp.NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "created": cell(created, "datetime"),
        "keywords": ["Karabakh", "Southern Azerbaijan", "Iran", "protests", "arrests", "statements"],
        "sources": [{"title": ARTICLE}],
        # The operator's licence (ARCHIVE_LICENCE_NAME / _URL); the version names this build by its time.
        "licenses": [{"name": settings.ARCHIVE_LICENCE_NAME, "path": settings.ARCHIVE_LICENCE_URL}],
        "version": created.astimezone(dt.UTC).strftime("%Y.%m.%d-%H%M%S"),
        "resources": resources,
        **({"excel": excel} if excel else {}),
    }


@dataclass(frozen=True)
class Written:
    descriptor: dict
    rows: dict[str, int]  # per table
    changes: dict[str, int]  # records added, changed, removed since the previous release


def write_package(directory: Path, output: Path | None = None) -> Written:
    """datapackage.json, the CSVs, the changes since the release before (from `output`'s releases), the
    record digests and the two zips into `directory`."""
    resources, counts, digests = [], {}, Digests()
    with translation.override("en"), dialect.snapshot():
        created = timezone.now()
        for table in dp.tables():
            resource, counts[table.name] = write_table(table, directory, digests)
            resources.append(resource)
        prior = releases.previous(output, created.astimezone(dt.UTC).date().isoformat()) if output else None
        current = digests.as_dict()
        changed = changes.compare(releases.previous_digests(output, prior), current) if prior else []
    changes.write_digests(current, directory / changes.RECORDS)
    counts_of_changes = changes.write_changes(changed, directory / changes.CHANGES)
    resources.append({**changes.resource(prior), **measured(directory / changes.CHANGES)})
    described = descriptor(resources, created, excel_variant(resources, directory))
    described["previous_release"] = {"date": prior["date"], "version": prior["version"]} if prior else None
    text = json.dumps(described, ensure_ascii=False, indent=2)
    (directory / dp.DESCRIPTOR).write_text(text, encoding="utf-8")
    with zipfile.ZipFile(directory / dp.ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [dp.DESCRIPTOR, *(resource["path"] for resource in resources)]:
            archive.write(directory / name, name)
    with zipfile.ZipFile(directory / EXCEL_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in described["excel"]["files"]:
            archive.write(directory / entry["path"], entry["path"])
    for name in (dp.DESCRIPTOR, dp.ZIP_NAME, EXCEL_ZIP, changes.RECORDS, changes.CHANGES):
        fsync(directory / name)
    fsync(directory / EXCEL)
    return Written(described, counts, counts_of_changes)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def build_lock(output: Path):
    with (output / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgress(f"another build is writing to {output}") from None
        yield


def swap_in(output: Path, build: Path) -> None:
    """Point <output>/current at `build` in one rename: readers see the old package or the new one."""
    staged = output / f".current-{os.getpid()}"
    staged.unlink(missing_ok=True)
    staged.symlink_to(Path(build.parent.name) / build.name, target_is_directory=True)
    os.replace(staged, output / "current")
    fsync(output)


def served_build(output: Path) -> Path | None:
    """The build directory <output>/current points at, if any."""
    current = output / "current"
    return current.resolve() if current.is_symlink() else None


def clear_leftovers(output: Path) -> None:
    """Delete what no reader is served: builds other than the current one (replaced, or left by a
    killed build) and staged links a killed build did not get to rename. Only under the lock."""
    served = served_build(output)
    for old in (output / "builds").iterdir():
        if old.resolve() != served:
            shutil.rmtree(old, ignore_errors=True)
    for staged in output.glob(".current-*"):
        staged.unlink(missing_ok=True)


def build(output: Path) -> tuple[Path, dict[str, int]]:
    """Write a fresh package beside the served one, swap it in, delete the others."""
    builds = output / "builds"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        with build_lock(output):
            clear_leftovers(output)  # first: a killed build's files may be what fills the disk
            work = Path(tempfile.mkdtemp(prefix=timezone.now().strftime("%Y%m%dT%H%M%SZ-"), dir=builds))
            try:
                work.chmod(0o755)
                written = write_package(work, output)
                fsync(work)  # the files' names are on disk before anyone is sent to them
                fsync(builds)
                swap_in(output, work)
                releases.publish(output, work, written.descriptor, written.changes)
            except BaseException:
                if served_build(output) != work.resolve():  # not yet swapped in: nobody reads it
                    shutil.rmtree(work, ignore_errors=True)
                (output / f".current-{os.getpid()}").unlink(missing_ok=True)
                raise
            clear_leftovers(output)
    except OSError as error:
        if error.errno in FULL:
            raise NoSpace(
                f"no space left on device in {output}: the new data package was abandoned and the previous "
                "one, if any, is still served"
            ) from error
        raise
    return work, written.rows

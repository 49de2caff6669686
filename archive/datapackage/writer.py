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
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from archive import datapackage as dp
from archive import dialect

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
DESCRIPTION = (
    "Every published record of the archive of Southern Azerbaijanis' response to Iran's stance in the 2020 "
    "Karabakh war: protests, arrests, statements, organizations, media outlets, people, places and sources, with "
    "the tables that link them. Records the public may not see are left out, and so is every row that would "
    "name one; an at-risk detainee of a public arrest reads “a detainee, name withheld”. " + ESCAPE_NOTE
)


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


def cell(value, type_: str) -> str:
    """A value as Table Schema reads it; text that a spreadsheet would run as a formula is escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date | Decimal | int):
        return str(value)
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
    described = {"description": ESCAPE_NOTE, "fields": fields, "missingValues": [""]}
    if table.primary_key:
        described["primaryKey"] = list(table.primary_key)
    keys = [
        {"fields": [c.name], "reference": {"resource": c.ref[0], "fields": [c.ref[1]]}} for c in table.columns if c.ref
    ]
    return {**described, "foreignKeys": keys} if keys else described


def write_table(table: dp.Table, directory: Path) -> tuple[dict, int]:
    """Stream the table's rows into <name>.csv; return its resource descriptor and row count."""
    path = directory / f"{table.name}.csv"
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.name for column in table.columns])
        for row in table.rows():
            writer.writerow([cell(column.value(row), column.type) for column in table.columns])
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    resource = {
        "name": table.name,
        "title": str(table.title),
        **({"description": str(table.description)} if table.description else {}),
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{digest}",
        "schema": schema(table),
    }
    return resource, count


def descriptor(resources: list[dict], created: dt.datetime) -> dict:
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
    }


def write_package(directory: Path) -> dict[str, int]:
    """datapackage.json, the CSVs and a zip of them into `directory`; returns rows per table."""
    resources, counts = [], {}
    with translation.override("en"), dialect.snapshot():
        created = timezone.now()
        for table in dp.tables():
            resource, counts[table.name] = write_table(table, directory)
            resources.append(resource)
    text = json.dumps(descriptor(resources, created), ensure_ascii=False, indent=2)
    (directory / dp.DESCRIPTOR).write_text(text, encoding="utf-8")
    with zipfile.ZipFile(directory / dp.ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in [dp.DESCRIPTOR, *(resource["path"] for resource in resources)]:
            archive.write(directory / name, name)
    for name in (dp.DESCRIPTOR, dp.ZIP_NAME):
        fsync(directory / name)
    return counts


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
                rows = write_package(work)
                fsync(work)  # the files' names are on disk before anyone is sent to them
                fsync(builds)
                swap_in(output, work)
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
    return work, rows

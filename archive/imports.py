"""Importing records from a file: the one service the admin and `manage.py import_records` call.

    report = import_records(Protest, data, file_name="protests.csv", user=user, dry_run=True)
    if report.ok: ...            # else report.issues: row, column and message of each error

All or nothing: the rows are imported in one transaction, rolled back on a
dry run or when any row has an error, so a bad cell in row 999 leaves no
record, part, history row or search-index row behind. File-level problems
(too large, wrong type, unreadable, unknown columns) raise ImportFileError.
"""

import contextlib
import gc
import logging
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import RowResult

from archive import changes, registry
from archive.resources import resource_for
from archive.resources.base import IGNORED_FIELDS
from archive.resources.cells import as_written, languages_cached
from archive.resources.files import FORMAT_CLASSES, ImportFileError, Limits, choose_format, read_dataset

logger = logging.getLogger(__name__)

__all__ = [
    "ImportFileError",
    "ImportIssue",
    "ImportReport",
    "Limits",
    "export_records",
    "import_records",
]


@dataclass(frozen=True)
class ImportIssue:
    """One error: data row (1 = first row below the header), column, message."""

    row: int | None
    column: str | None
    message: str
    fmt: str = "csv"

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.fmt == "json":
            where = _("Row %(row)s (object %(row)s of the JSON list)") % {"row": self.row}
        else:
            where = _("Row %(row)s (sheet row %(line)s, counting the header as row 1)") % {
                "row": self.row,
                "line": self.row + 1,
            }
        if self.column:
            where += _(", column “%(column)s”") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    model: type
    file_name: str
    fmt: str
    dry_run: bool
    result: object
    issues: list[ImportIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # rows skipped: (row, public id repeated)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, import_type: str) -> int:
        return self.result.totals[import_type]

    @property
    def new(self) -> int:
        return self.count(RowResult.IMPORT_TYPE_NEW)

    @property
    def updated(self) -> int:
        return self.count(RowResult.IMPORT_TYPE_UPDATE)

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.result.rows if row.import_type == RowResult.IMPORT_TYPE_SKIP and row.object_id)

    @property
    def messages(self) -> list[str]:
        return [str(issue) for issue in self.issues]

    @property
    def duplicate_notes(self) -> list[str]:
        """One line per row skipped as a probable duplicate, naming the record it repeats."""
        return [
            str(ImportIssue(row, None, _("probable duplicate of %(id)s; skipped.") % {"id": public_id}, self.fmt))
            for row, public_id in self.duplicates
        ]

    def summary(self) -> str:
        values = {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kind": self.model._meta.verbose_name_plural,
        }
        if not self.ok:
            return ngettext(
                "Nothing was imported: %(n)s error.", "Nothing was imported: %(n)s errors.", len(self.issues)
            ) % {"n": len(self.issues)}
        if self.dry_run:
            text = _("Dry run: would add %(new)s and update %(updated)s %(kind)s; %(unchanged)s unchanged.") % values
        else:
            text = _("Imported: added %(new)s and updated %(updated)s %(kind)s; %(unchanged)s unchanged.") % values
        if self.duplicates:
            text += " " + ngettext(
                "%(n)s row skipped as a probable duplicate of an existing record (“Create rows that look like "
                "duplicates anyway” in the admin, or manage.py import_records --create-duplicates, adds it).",
                "%(n)s rows skipped as probable duplicates of existing records (“Create rows that look like "
                "duplicates anyway” in the admin, or manage.py import_records --create-duplicates, adds them).",
                len(self.duplicates),
            ) % {"n": len(self.duplicates)}
        return text


def model_for(record_type) -> type:
    """A record model from a model class or its public key (protests, media-outlets…)."""
    if isinstance(record_type, str):
        try:
            return registry.MODELS[record_type]
        except KeyError:
            raise ImportFileError(
                _("Unknown record type “%(type)s”: use one of %(types)s.")
                % {"type": record_type, "types": ", ".join(registry.KEYS)}
            ) from None
    return record_type


def _check_columns(resource, dataset, model) -> None:
    known = resource.known_columns()
    unknown = [h for h in dataset.headers if h not in known and h not in IGNORED_FIELDS - {"id"}]
    if "id" in unknown:
        raise ImportFileError(
            _("Column “id”: records are identified by public_id, never by database id; remove the id column.")
        )
    if unknown:
        raise ImportFileError(
            _("Unknown columns for %(kind)s: %(unknown)s. The columns are: %(known)s.")
            % {
                "kind": model._meta.verbose_name_plural,
                "unknown": ", ".join(as_written(dataset.written_headers.get(h, h)) for h in unknown),
                "known": ", ".join(resource.importable_columns()),
            }
        )


def _issues(result, fmt: str) -> list[ImportIssue]:
    issues = [ImportIssue(None, None, str(error.error), fmt) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            # One issue per cell: several rules a value breaks (“Enter a valid URL.” and “… http(s) …”) read as one.
            message = " ".join(dict.fromkeys(str(m) for m in messages))
            issues.append(ImportIssue(invalid.number, None if column == NON_FIELD_ERRORS else column, message, fmt))
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.error("Import row %s failed", error_row.number, exc_info=error.error)
            message = _("could not be saved (%(error)s).") % {"error": error.error}
            issues.append(ImportIssue(error_row.number, None, message, fmt))
    return sorted(issues, key=lambda issue: issue.row or 0)


@contextlib.contextmanager
def _fewer_garbage_collections():
    """An import makes millions of short-lived objects and almost no reference cycles, so Python's
    cycle collector, run every 700 new objects, scanned them for nothing (an eighth of the time)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def import_records(
    record_type,
    data: bytes,
    *,
    file_name: str,
    user=None,
    fmt: str | None = None,
    dry_run: bool = False,
    max_bytes: int | None = None,
    limits: Limits | None = None,
    progress=None,
    retain_instances: bool = False,
    preview: bool = False,
    create_duplicates: bool = False,
    id_seed: str | None = None,
) -> ImportReport:
    """Import a CSV, XLSX or JSON file of one record type, all or nothing.

    `progress(row_number, total_rows)` is called after each row. `max_bytes`
    limits the file size and `limits` its rows, columns and what an XLSX
    unpacks to (the admin passes ARCHIVE_IMPORT_MAX_BYTES and
    `Limits.for_upload()`; the default, `Limits.for_command()`, takes any
    number of rows). `preview` keeps a diff of each row in the result, for
    the admin's preview. A new row without a public id that repeats an existing record (by the
    identity of its type, archive.resources.identity) is skipped and listed in `report.duplicates`,
    unless `create_duplicates`. With an `id_seed`, new rows get public ids drawn from it and their row
    number, so a dry run and the import that follows with the same seed give the same ids.
    """
    model = model_for(record_type)
    if max_bytes is not None and len(data) > max_bytes:
        raise ImportFileError(
            _(
                "The file is %(size).1f MB; uploads are limited to %(max).1f MB. "
                "Import larger files with: manage.py import_records TYPE FILE"
            )
            % {"size": len(data) / 1048576, "max": max_bytes / 1048576}
        )
    fmt = choose_format(file_name, fmt)
    dataset = read_dataset(data, fmt, limits)
    resource = resource_for(model)(
        progress=progress, preview=preview, create_duplicates=create_duplicates, id_seed=id_seed
    )
    _check_columns(resource, dataset, model)
    with changes.recording(user=user) as changeset, languages_cached(), _fewer_garbage_collections():
        # Rows are written in batches, each reported to the write path, which refuses what the user may
        # not do (an error on that row) and derives what follows (search entries, tombstones, `updated`,
        # the cache) once, after the last row, in this transaction — unless this is a dry run or anything
        # failed: then nothing is derived (not even by a request's changeset this one joins) and the
        # import's writes are rolled back.
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            file_name=file_name,
            fmt=fmt,
            user=user,
            retain_instance_in_row_result=retain_instances,
        )
        issues = _issues(result, fmt)
        if dry_run or issues:
            changeset.discard()
            transaction.set_rollback(True)
    ignored = [h for h in dataset.headers if h in IGNORED_FIELDS]
    return ImportReport(model, file_name, fmt, dry_run, result, issues, ignored, resource.duplicate_rows)


def export_records(queryset, fmt: str = "csv") -> bytes:
    """The records of a queryset as a file in the admin's export format (re-importable unchanged)."""
    resource = resource_for(queryset.model)()
    file_format = FORMAT_CLASSES[fmt]()
    dataset = resource.export(queryset=queryset, force_native_type=file_format.is_binary())
    data = file_format.export_data(dataset)
    return data if isinstance(data, bytes) else data.encode("utf-8")

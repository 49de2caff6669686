"""Restore a backup into an empty, freshly migrated database: all of it, exactly, or nothing.

Order of work: check the file (the manifest's signature, then every table against its checksum), check the database
(same migrations, same tables and columns, nothing in it but what ``migrate`` creates),
then in one transaction replace the migrate-created rows and insert every row with its
original primary key, set every id counter back, check foreign keys, and re-read every
table to compare its row count and checksum with the manifest. Any difference or error
rolls the whole transaction back.
"""

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils.translation import gettext as _

from archive import cache, dialect, roles
from archive.backup import sequences, tables
from archive.backup.archivefile import ArchiveReader, BackupError

# Tables `migrate` fills in a new database (content types, permissions, the role groups): a restore
# replaces their rows with the backup's, whose ids the rest of the backup refers to.
MIGRATE_CREATED = {"contenttypes.contenttype", "auth.permission", "auth.group", "auth.group_permissions"}
ROLE_GROUPS = {roles.ARCHIVIST, roles.EDITOR}
SHOWN = 8  # names listed in an error message before "…"


def _listed(names) -> str:
    names = list(names)
    return ", ".join(names[:SHOWN]) + (", …" if len(names) > SHOWN else "") if names else _("none")


def check_migrations(manifest: dict, using: str) -> None:
    ours = tables.applied_migrations(using)
    if not ours:
        raise BackupError(_("This database has no migrations applied: run manage.py migrate on it first."))
    only_backup, only_here = tables.migration_difference(manifest["migrations"], ours)
    if only_backup or only_here:
        raise BackupError(
            _(
                "The backup was made at another migration state than this database "
                "(only in the backup: %(backup)s; only in this database: %(here)s). "
                "Restore with the code version that made the backup, migrated to the same state."
            )
            % {"backup": _listed(only_backup), "here": _listed(only_here)}
        )


def check_tables(manifest: dict) -> dict:
    """The backup's tables matched to this code's models (table → model); they must be the same set."""
    models = {model._meta.db_table: model for model in tables.backup_models()}
    in_file = {entry["table"]: entry for entry in manifest["tables"]}
    if set(models) != set(in_file):
        raise BackupError(
            _("The backup's tables differ from this database's (only in the backup: %(backup)s; only here: %(here)s).")
            % {
                "backup": _listed(sorted(set(in_file) - set(models))),
                "here": _listed(sorted(set(models) - set(in_file))),
            }
        )
    for table, entry in in_file.items():
        if entry["columns"] != tables.columns(models[table]):
            raise BackupError(_("The columns of table %(table)s differ from this database's.") % {"table": table})
    return models


def check_empty(models: dict, using: str) -> None:
    """Refuse a database that holds anything `migrate` did not put there."""
    occupied = []
    for table, model in models.items():
        label = model._meta.label_lower
        if label in {"contenttypes.contenttype", "auth.permission"}:
            continue
        rows = model._base_manager.using(using)
        if label == "auth.group":
            rows = rows.exclude(name__in=ROLE_GROUPS)
        elif label == "auth.group_permissions":
            rows = rows.exclude(group__name__in=ROLE_GROUPS)
        if rows.exists():
            occupied.append(f"{table} ({rows.count()})")
    if occupied:
        raise BackupError(
            _(
                "The database is not empty (%(tables)s). Restore only into a new database that has just been "
                "migrated, so that nothing in it is overwritten or mixed with the backup."
            )
            % {"tables": _listed(occupied)}
        )


# Column types whose values JSON already gives as the database takes them (text, integers, booleans).
AS_IS = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "CharField", "TextField", "SlugField", "EmailField", "URLField",
}  # fmt: skip


def _decoder(field, connection):
    """A function from a file value to what the database driver takes for `field` (Django's own conversion)."""
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in AS_IS:
        return None

    def decode(value):
        return None if value is None else field.get_db_prep_save(field.to_python(value), connection)

    return decode


def _rows(archive: ArchiveReader, model, connection) -> Iterator[list]:
    """The table's rows from the file, as driver values, ids included."""
    table = model._meta.db_table
    decoders = [_decoder(field, connection) for field in tables.fields(model)]
    for number, line in enumerate(archive.lines(table), start=1):
        try:
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != len(decoders):
                raise ValueError("wrong number of values")
            yield [value if decode is None else decode(value) for decode, value in zip(decoders, values, strict=True)]
        except (ValueError, TypeError, ValidationError) as error:
            message = _("Row %(number)s of table %(table)s cannot be read: %(error)s")
            raise BackupError(message % {"number": number, "table": table, "error": error}) from None


def insert_table(archive: ArchiveReader, model, using: str) -> int:
    """Insert the table's rows as they are in the file (ids included), streaming: COPY on PostgreSQL."""
    connection = connections[using]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in tables.fields(model))
    rows, count = _rows(archive, model, connection), 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if dialect.is_postgres(connection):
            columns = [field.column for field in tables.fields(model)]
            return dialect.copy_rows(cursor, connection, model._meta.db_table, columns, rows)
        marks = ", ".join(["%s"] * len(tables.fields(model)))
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from models
        while batch := list(islice(rows, tables.CHUNK)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def check_restored(manifest: dict, models: dict, using: str) -> None:
    """Re-read every table from the database: counts, checksums and id counters must equal the manifest's."""
    different = []
    for entry in manifest["tables"]:
        model = models[entry["table"]]
        count, checksum = tables.db_checksum(model, using)
        if (count, checksum) != (entry["rows"], entry["sha256"]) or sequences.last_id(model, using) != entry["last_id"]:
            different.append(entry["table"])
    if different:
        raise BackupError(
            _("After restoring, these tables differ from the backup: %(tables)s.") % {"tables": _listed(different)}
        )


def _restore_rows(archive: ArchiveReader, models: dict, using: str, progress) -> None:
    connection = connections[using]
    manifest = archive.manifest
    check_empty(models, using)
    with connection.cursor() as cursor:
        for model in models.values():
            if model._meta.label_lower in MIGRATE_CREATED:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
    for entry in manifest["tables"]:
        model = models[entry["table"]]
        count = insert_table(archive, model, using)
        if entry["last_id"] is not None and sequences.counter_field(model) is not None:
            sequences.set_last_id(model, using, entry["last_id"])
        if progress:
            progress(entry["table"], count)
    connection.check_constraints(table_names=list(models))
    check_restored(manifest, models, using)


def _open(path: Path, allow_unsigned: bool, warn) -> ArchiveReader:
    archive = ArchiveReader(path, allow_unsigned=allow_unsigned)
    if not archive.signed and warn:
        warn(
            _("Warning: %(path)s is not signed; nothing proves who wrote it or that it is unchanged.") % {"path": path}
        )
    return archive


def restore_archive(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, progress=None, allow_unsigned: bool = False, warn=None
) -> dict:
    """Restore the backup at `path` into the empty database `using`; returns the manifest. An unsigned
    file is refused unless `allow_unsigned` (then `warn` is told)."""
    with _open(path, allow_unsigned, warn) as archive:
        archive.verify()
        check_migrations(archive.manifest, using)
        models = check_tables(archive.manifest)
        try:
            with transaction.atomic(using=using):
                _restore_rows(archive, models, using, progress)
                # The rows went in without model signals: move the generation past the backup's (and
                # the clock), so no page or API answer cached before the restore is served after it.
                cache.bump(using=using)
        except DatabaseError as error:
            raise BackupError(_("The database refused the backup's rows: %(error)s") % {"error": error}) from error
        finally:
            ContentType.objects.clear_cache()  # its cached ids may be the replaced ones
    return archive.manifest


def verify_archive(path: Path, *, allow_unsigned: bool = False, warn=None) -> dict:
    """Check a backup file against its signature and its own checksums, without touching any database."""
    with _open(path, allow_unsigned, warn) as archive:
        archive.verify()
        return archive.manifest

"""Write every table of the archive into one backup file, from one consistent snapshot."""

import hashlib
from pathlib import Path

import django
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from archive import dialect
from archive.backup import sequences, tables
from archive.backup.archivefile import FORMAT, FORMAT_VERSION, FULL, ArchiveWriter, backup_key, no_space


def _write_table(writer: ArchiveWriter, model, using: str) -> dict:
    digest, count, last_pk, buffer = hashlib.sha256(), 0, None, []
    with writer.table(model._meta.db_table) as write:
        for last_pk, line in tables.db_lines(model, using):  # noqa: B007 - by key, so the last is the highest
            buffer.append(line)
            if len(buffer) >= tables.CHUNK:
                count += _flush(buffer, write, digest)
        count += _flush(buffer, write, digest)
    last_id = sequences.last_id(model, using)
    if last_id is not None and last_pk is not None:
        last_id = max(last_id, last_pk)
    return {
        "table": model._meta.db_table,
        "model": model._meta.label_lower,
        "columns": tables.columns(model),
        "rows": count,
        "sha256": digest.hexdigest(),
        "last_id": last_id,
    }


def _flush(lines: list[bytes], write, digest) -> int:
    """Write and hash a chunk of lines at once (one compressor call instead of one per row)."""
    block = b"".join(lines)
    write(block)
    digest.update(block)
    count = len(lines)
    lines.clear()
    return count


def _manifest(using: str) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "django_version": django.get_version(),
        "database_engine": connections[using].vendor,
        "migrations": tables.applied_migrations(using),
        "excluded_tables": {
            model._meta.db_table: tables.EXCLUDED[model._meta.label_lower] for model in tables.excluded_models()
        },
        "tables": [],
    }


def export_archive(path: Path, *, using: str = DEFAULT_DB_ALIAS, overwrite: bool = False, progress=None) -> dict:
    """Write the whole database at `path`, signed with the backup key; returns the manifest. A failure
    (no key set, among others) leaves no file behind."""
    try:
        return _export(path, using, overwrite, progress)
    except OSError as error:
        if error.errno in FULL:
            raise no_space(path) from error
        raise


def _export(path: Path, using: str, overwrite: bool, progress) -> dict:
    writer = ArchiveWriter(path, key=backup_key(), overwrite=overwrite)
    try:
        with dialect.snapshot(using):
            manifest = _manifest(using)
            for model in tables.backup_models():
                entry = _write_table(writer, model, using)
                manifest["tables"].append(entry)
                if progress:
                    progress(entry["table"], entry["rows"])
        writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise
    return manifest

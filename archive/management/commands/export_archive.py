import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from archive.backup import BackupError, export_archive


class Command(BaseCommand):
    help = (
        "Back up the whole archive — drafts, restricted records, history, users with password hashes, API "
        "tokens — into one file that restore_archive puts back exactly. Keep the file private."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to write (a zip), e.g. archive-2026-01-31.zip.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to back up.")
        parser.add_argument("--force", action="store_true", help="Replace the file if it exists.")

    def handle(self, *args, file, database, force, verbosity, **options):
        started = time.monotonic()

        def progress(table, rows):
            if verbosity > 1:
                self.stdout.write(f"  {table}: {rows}")

        try:
            manifest = export_archive(file, using=database, overwrite=force, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(entry["rows"] for entry in manifest["tables"])
        self.stdout.write(
            f"Wrote {rows} rows of {len(manifest['tables'])} tables to {file} ({file.stat().st_size} bytes) "
            f"in {time.monotonic() - started:.1f} s. It holds password hashes, API tokens and restricted "
            "records: keep it where only administrators can read it."
        )

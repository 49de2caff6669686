import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from archive.backup import BackupError, restore_archive, verify_archive


class Command(BaseCommand):
    help = (
        "Restore a backup written by export_archive into a new, freshly migrated database, then prove every "
        "table equal to the backup (row counts and checksums). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file written by export_archive.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to restore into.")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the file against its signature and checksums; touch no database.",
        )
        parser.add_argument(
            "--allow-unsigned",
            action="store_true",
            help="Accept a file without a signature (nothing then proves who wrote it). A wrong signature is "
            "refused all the same.",
        )

    def handle(self, *args, file, database, verify_only, allow_unsigned, verbosity, **options):
        started = time.monotonic()

        def progress(table, rows):
            if verbosity > 1:
                self.stdout.write(f"  {table}: {rows}")

        def warn(message):
            self.stderr.write(message)

        try:
            if verify_only:
                manifest = verify_archive(file, allow_unsigned=allow_unsigned, warn=warn)
            else:
                manifest = restore_archive(
                    file, using=database, progress=progress, allow_unsigned=allow_unsigned, warn=warn
                )
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        rows = sum(entry["rows"] for entry in manifest["tables"])
        done = "Checked" if verify_only else "Restored"
        self.stdout.write(
            f"{done} {rows} rows of {len(manifest['tables'])} tables from {file} (made {manifest['created_at']}) "
            f"in {time.monotonic() - started:.1f} s; every row count and checksum matches."
        )

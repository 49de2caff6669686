"""Write the published archive as a Frictionless Data Package and swap it into place
(archive.datapackage.writer does the work). Killed or out of disk space halfway, it leaves the
previous package served; the next build clears what it left."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive import datapackage as dp
from archive.datapackage import writer


class Command(BaseCommand):
    help = (
        "Write the published archive as a Frictionless Data Package (CSVs, datapackage.json, zip), its Excel "
        "variant, and keep it as the day's release (releases/<YYYY-MM-DD>/, the last ARCHIVE_DATA_RELEASES days)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Directory to write into (default: settings.ARCHIVE_DATA_DIR, else var/datapackage).",
        )

    def handle(self, *args, output=None, **options):
        output = Path(output or dp.output_dir()).resolve()
        started = time.monotonic()
        try:
            path, rows = writer.build(output)
        except (writer.BuildInProgress, writer.NoSpace) as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        size = (path / dp.ZIP_NAME).stat().st_size
        self.stdout.write(
            f"Wrote {sum(rows.values())} rows in {len(rows)} tables to {output / 'current'} "
            f"({size} bytes zipped) in {seconds:.2f} s."
        )
        if options["verbosity"] > 1:
            for name, count in rows.items():
                self.stdout.write(f"  {name}: {count}")

"""Derive the public read model afresh, in one transaction: killed, refused or out of disk space halfway,
it leaves the read model exactly as it was, and readers see the old documents until it commits."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from archive import readmodel


class Command(BaseCommand):
    help = (
        "Derive every public record's public documents afresh (the public read model: archive.readmodel). "
        "With --check, change nothing and say where the stored documents differ from fresh ones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Compare only; exit 1 if stored and fresh documents differ."
        )

    def handle(self, *args, check=False, **options):
        if check:
            found = readmodel.differences()
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError("The public read model is out of date: run manage.py rebuild_public.")
            self.stdout.write("The public read model agrees with the records.")
            return
        started = time.perf_counter()
        try:
            count = readmodel.rebuild(progress=self._progress if options["verbosity"] > 1 else None)
        except DatabaseError as error:
            reason = " ".join(str(error).split())
            raise CommandError(
                f"Nothing was changed; the public read model is as it was. The database said: {reason}"
            ) from None
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds else 0
        languages = len(readmodel.LANGUAGES)
        self.stdout.write(
            f"Wrote {count} public documents ({count // languages} records × {languages} languages) "
            f"in {seconds:.1f} s: {rate:,.0f} documents/s."
        )

    def _progress(self, key: str, written: int) -> None:
        self.stdout.write(f"  {key}: {written} documents so far")

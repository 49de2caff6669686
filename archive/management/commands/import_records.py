"""manage.py import_records TYPE FILE [--dry-run] [--user USERNAME] [--format csv|xlsx|json]

For files too large for a browser upload. Calls the same service as the
admin (archive.imports.import_records): all or nothing, every error with its
row and column on stderr, exit status 1 if anything is wrong.
"""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive import registry
from archive.imports import ImportFileError, import_records
from archive.resources.files import FORMATS


class Progress:
    """A plain progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise."""

    WIDTH = 30

    def __init__(self, stream, label: str):
        self.stream, self.label = stream, label
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last_decile = -1
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        total = max(total, 1)
        decile = done * 10 // total
        if self.tty:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total}", ending="")
            if done >= total:
                self.stream.write("")
        elif decile != self.last_decile:
            self.stream.write(f"{self.label}: {done}/{total} rows")
        self.last_decile = decile
        self.stream.flush()


class Command(BaseCommand):
    help = "Import records of one type from a CSV, XLSX or JSON file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("type", choices=registry.KEYS, help="Record type (its public key).")
        parser.add_argument("file", help="Path of the file to import.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--user", help="Username recorded in history as the importer.")
        parser.add_argument("--format", choices=FORMATS, help="File format (default: from the file name).")

    def handle(self, *args, **options):
        model = registry.MODELS[options["type"]]
        user = self._user(options["user"], model)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        progress = Progress(self.stderr, "Checking" if options["dry_run"] else "Importing")
        started = time.monotonic()
        try:
            report = import_records(
                model,
                data,
                file_name=path.name,
                user=user,
                fmt=options["format"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for message in report.messages:
            self.stderr.write(message)
        if report.ignored_columns:
            self.stderr.write("Ignored columns (never imported): " + ", ".join(report.ignored_columns))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(f"{report.summary()} ({time.monotonic() - started:.1f} s)")

    def _user(self, username, model):
        if not username:
            return None
        try:
            user = get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: username})
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user “{username}”.") from None
        codename = f"{model._meta.app_label}.import_{model._meta.model_name}"
        if not user.is_active or not user.has_perm(codename):
            raise CommandError(f"User “{username}” may not import {model._meta.verbose_name_plural} ({codename}).")
        return user

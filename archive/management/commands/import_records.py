"""manage.py import_records TYPE FILE [--dry-run] [--user USERNAME] [--format csv|xlsx|json] [--create-duplicates]

TYPE is a record type's public key, as in URLs and the API: protests, arrests, statements,
organizations, media-outlets, people, places, sources (`archive.registry.KEYS`).

For files too large for a browser upload. Calls the same service as the
admin (archive.imports.import_records): all or nothing, every error with its
row and column on stderr, exit status 1 if anything is wrong. The rows are
written in one transaction, so an import killed halfway (or stopped by a full
disk) leaves the archive as it was.
"""

import argparse
import difflib
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from archive import registry
from archive.imports import ImportFileError, import_records
from archive.resources.files import FORMATS


def record_type(text: str) -> str:
    """A record type's public key; anything else is an error listing the keys (and the likely one: the
    singular `protest` of older scripts is `protests`)."""
    if text in registry.KEYS:
        return text
    message = _("unknown record type “%(type)s”: use one of %(types)s") % {
        "type": text,
        "types": ", ".join(registry.KEYS),
    }
    close = difflib.get_close_matches(text, registry.KEYS, n=1)
    if close:
        message += _(" (did you mean “%(key)s”?)") % {"key": close[0]}
    raise argparse.ArgumentTypeError(message)


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
        parser.add_argument(
            "type",
            type=record_type,
            metavar="TYPE",
            help=_("Record type, by its public key: %(types)s.") % {"types": ", ".join(registry.KEYS)},
        )
        parser.add_argument("file", help=_("Path of the file to import."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check the file and report; write nothing."))
        parser.add_argument("--user", help=_("Username recorded in history as the importer."))
        parser.add_argument("--format", choices=FORMATS, help=_("File format (default: from the file name)."))
        parser.add_argument(
            "--create-duplicates",
            action="store_true",
            help=_(
                "Create new rows that repeat an existing record (same title, date and place; or same name and "
                "kind) instead of skipping them as probable duplicates."
            ),
        )

    def handle(self, *args, **options):
        model = registry.MODELS[options["type"]]
        user = self._user(options["user"], model)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from None
        progress = Progress(self.stderr, _("Checking") if options["dry_run"] else _("Importing"))
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
                create_duplicates=options["create_duplicates"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:  # e.g. its disk is full: the transaction was rolled back
            reason = " ".join(str(error).split())
            raise CommandError(_("Nothing was imported; the database said: %(error)s") % {"error": reason}) from None
        for message in report.messages + report.duplicate_notes:
            self.stderr.write(message)
        if report.ignored_columns:
            self.stderr.write(
                _("Ignored columns (never imported): %(columns)s") % {"columns": ", ".join(report.ignored_columns)}
            )
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(f"{report.summary()} ({time.monotonic() - started:.1f} s)")

    def _user(self, username, model):
        if not username:
            return None
        try:
            user = get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: username})
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user “%(user)s”.") % {"user": username}) from None
        codename = f"{model._meta.app_label}.import_{model._meta.model_name}"
        if not user.is_active or not user.has_perm(codename):
            raise CommandError(
                _("User “%(user)s” may not import %(kind)s (%(permission)s).")
                % {"user": username, "kind": model._meta.verbose_name_plural, "permission": codename}
            )
        return user

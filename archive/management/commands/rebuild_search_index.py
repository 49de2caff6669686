"""Rebuild the search index in one transaction: killed, refused or out of disk space halfway, it leaves
the index exactly as it was (SQLite and PostgreSQL both roll the transaction back)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from archive import search


class Command(BaseCommand):
    help = "Rebuild the search index from every record (run after bulk SQL changes)."

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                count = search.rebuild()
        except DatabaseError as error:
            reason = " ".join(str(error).split())  # one line: PostgreSQL's messages run over several
            raise CommandError(
                f"Nothing was changed; the search index is as it was. The database said: {reason}"
            ) from None
        self.stdout.write(f"Indexed {count} records.")

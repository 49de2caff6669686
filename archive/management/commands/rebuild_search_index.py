from django.core.management.base import BaseCommand
from django.db import transaction

from archive import search


class Command(BaseCommand):
    help = "Rebuild the search index from every record (run after bulk SQL changes)."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.rebuild()
        self.stdout.write(f"Indexed {count} records.")

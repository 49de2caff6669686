"""Django's loaddata, as one change of the archive's write path.

Fixture rows are saved raw, one by one, and a row may point at one that loads after it; so nothing
is derived row by row. Everything the load wrote is derived once at the end, in its transaction:
search entries, tombstones, `updated` of the records that show what changed, the response cache.
"""

from django.core.management.commands import loaddata

from archive import changes


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        with changes.recording():
            return super().handle(*fixture_labels, **options)

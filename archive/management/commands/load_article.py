"""`make run`'s loading step: the article's records into an archive that holds none yet.

Loading the fixtures again would put every seeded record back as the article has it, silently
undoing archivists' edits (a corrected title, a merged citation). So once the archive holds any
record — seeded, imported or typed in, published or not — this command leaves it alone and says
so; `--force` reloads the article's records on purpose.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive import registry

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def holds_records() -> bool:
    return any(record_type.model._base_manager.exists() for record_type in registry.TYPES)


class Command(BaseCommand):
    help = (
        "Load the article's records (fixtures/*.yaml) into an archive that holds no record yet; an archive "
        "with records is left as it is, so archivists' edits survive. --force reloads them anyway."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Reload the article's records even into an archive that holds records (undoes edits to them).",
        )

    def handle(self, *args, force, verbosity, **options):
        if holds_records() and not force:
            self.stdout.write(
                "The archive already holds records: the article's records were not loaded again, so nothing "
                "anyone changed is undone. (`manage.py load_article --force` reloads them.)"
            )
            return
        call_command("loaddata", *sorted(str(path) for path in FIXTURES.glob("*.yaml")), verbosity=verbosity)
        call_command("rebuild_search_index", verbosity=verbosity)

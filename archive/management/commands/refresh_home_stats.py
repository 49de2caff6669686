"""Redraw the home page's counts and pictures for every language (run from cron on a large archive)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import charts


class Command(BaseCommand):
    help = "Recompute the home page's counts and charts (needs ARCHIVE_HOME_STATS_SECONDS > 0)."

    def handle(self, *args, **options):
        if settings.ARCHIVE_HOME_STATS_SECONDS <= 0:
            raise CommandError("ARCHIVE_HOME_STATS_SECONDS is 0: the home page draws them itself after every change.")
        for code, _name in settings.LANGUAGES:
            charts.refresh_home_stats(code)
            self.stdout.write(f"home stats refreshed for {code}")

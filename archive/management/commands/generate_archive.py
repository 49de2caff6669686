"""Fill an empty database with a synthetic archive, for benchmarks (GitHub issue #7)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from archive.synthetic import runner
from archive.synthetic.scales import SCALES


class Command(BaseCommand):
    help = (
        "Fill an empty database with realistic synthetic records: XS (a few hundred, for tests), "
        "S (~20k events), M (~200k), L (~1.5M protests, arrests and statements). "
        "The same --seed always gives the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", required=True, choices=list(SCALES), help="How many records to make.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete the archive's records, their history and search index first, if there are any.",
        )
        parser.add_argument(
            "--indexes",
            choices=["auto", "keep", "drop"],
            default="auto",
            help="PostgreSQL: keep secondary indexes, foreign keys and unique constraints during the load, or "
            "drop them and build them again afterwards; auto drops them from scale M up, where that is faster.",
        )

    def handle(self, *args, scale, seed, force, indexes, **options):
        chosen = SCALES[scale]
        self.stdout.write(
            f"Generating scale {scale} (seed {seed}) into {connection.vendor} {connection.settings_dict['NAME']}"
        )
        started = time.perf_counter()
        try:
            report = runner.generate(
                chosen,
                seed,
                force=force,
                drop_indexes={"auto": None, "keep": False, "drop": True}[indexes],
                log=self.stdout.write,
            )
        except runner.NotEmpty as exc:
            raise CommandError(
                f"This database already holds archive data ({exc}). Nothing was changed. "
                "Use --force to delete it and generate anew."
            ) from None
        if report.deleted:
            self.stdout.write("Deleted first (--force): " + ", ".join(f"{k}: {v}" for k, v in report.deleted.items()))
        self.stdout.write("Rows written:")
        for table, count in report.counts.items():
            self.stdout.write(f"  {table:34} {count:>12,}")
        self.stdout.write(f"  {'total':34} {sum(report.counts.values()):>12,}")
        if report.rebuilt:
            self.stdout.write("Slowest rebuilds:")
            for seconds, sql in report.rebuilt[:5]:
                self.stdout.write(f"  {seconds:7.1f} s  {sql[:100]}")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))

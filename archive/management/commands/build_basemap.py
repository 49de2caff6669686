"""Rebuild the dot map's base map from Natural Earth (see archive/charts/build_basemap.py for the source,
its licence and the steps)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.charts import build_basemap, mapframe


class Command(BaseCommand):
    help = (
        "Write archive/charts/basemap.json from world-atlas's countries-50m.json (Natural Earth, public domain): "
        "`npm install --prefix /tmp/wa world-atlas@2.0.2`, then pass "
        "/tmp/wa/node_modules/world-atlas/countries-50m.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("topology", type=Path, help="The path of world-atlas's countries-50m.json.")
        parser.add_argument(
            "--output", type=Path, default=mapframe.BASEMAP_FILE, help="Where to write (default: the committed file)."
        )

    def handle(self, *args, topology: Path, output: Path, **options):
        if not topology.is_file():
            raise CommandError(f"{topology}: no such file (install world-atlas@2.0.2 from npm first).")
        try:
            data = build_basemap.build(topology)
        except build_basemap.BasemapError as error:
            raise CommandError(str(error)) from None
        size = build_basemap.write(data, output)
        names = ", ".join(c["name"] for c in data["countries"])
        self.stdout.write(f"Wrote {len(data['countries'])} countries to {output} ({size} bytes): {names}.")

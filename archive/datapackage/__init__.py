"""The public data package: its tables, their columns, and where it is served from.

Every table is derived from the registry (archive.registry): a record table per record type, named
by its key (`protests.csv` … `media-outlets.csv`), its columns from the type's field spec; a link
table per many-to-many field; tables of the types' parts (other names, count claims, statement
texts, roles, slogans) and of citations. Every row comes through ``published()``, and a linked
record's public id is written only if that record passes the gate too; a row that would name a
hidden record (a hidden speaker, a role at a hidden organization) is left out. An at-risk detainee
of a public arrest reads “a detainee, name withheld”, with no person id. Rows are iterated from the
database in chunks, never held whole.

``archive.datapackage.writer`` writes these tables as CSVs with Table Schemas, zips them and swaps
the result into ``<output>/current`` (``manage.py build_datapackage`` runs it); ``archive.views_data``
serves it.
"""

from functools import cache
from pathlib import Path

from django.conf import settings

from archive import registry
from archive.datapackage.changes import CHANGES
from archive.datapackage.columns import (
    CHUNK,
    ROW_FUNCTIONS,
    Column,
    Table,
    date_earliest,
    date_latest,
    passes,
    public,
    public_id_of,
    render_date,
)
from archive.datapackage.records import record_table
from archive.datapackage.related import link_tables, part_tables

NAME = "karabakh-2020-response-archive"
ZIP_NAME = "datapackage.zip"
DESCRIPTOR = "datapackage.json"


def record_tables() -> list[Table]:
    return [record_table(record_type) for record_type in registry.TYPES]


def tables() -> list[Table]:
    return [*record_tables(), *link_tables(), *part_tables()]


@cache
def file_names() -> frozenset[str]:
    """The CSV files a package holds: its tables and the changes since the previous release."""
    return frozenset({*(f"{table.name}.csv" for table in tables()), CHANGES})


# --- Where the served package lives ---------------------------------------------------------------


def output_dir() -> Path:
    return Path(getattr(settings, "ARCHIVE_DATA_DIR", settings.BASE_DIR / "var" / "datapackage"))


def current_file(name: str, output: Path | None = None) -> Path:
    """A file of the package now being served: <output>/current/<name>."""
    return Path(output or output_dir()) / "current" / name


__all__ = [
    "CHUNK",
    "DESCRIPTOR",
    "NAME",
    "ROW_FUNCTIONS",
    "ZIP_NAME",
    "Column",
    "Table",
    "current_file",
    "date_earliest",
    "date_latest",
    "file_names",
    "output_dir",
    "passes",
    "public",
    "public_id_of",
    "record_table",
    "record_tables",
    "render_date",
    "tables",
]

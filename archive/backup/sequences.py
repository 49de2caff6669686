"""The highest id each table has ever handed out, read and set on PostgreSQL and SQLite.

Resetting a counter to the largest id still present (what ``sqlsequencereset`` does) is not
enough: if the newest protest was deleted, the next new protest would get its id, and the
deleted protest's history would read as the new one's. So a backup keeps each counter and a
restore sets it back exactly.
"""

from django.db import connections
from django.db.models import AutoField


def counter_field(model):
    """The auto-incrementing primary key, or None if the table has no counter."""
    pk = model._meta.pk
    return pk if isinstance(pk, AutoField) else None  # BigAutoField and SmallAutoField are AutoFields


def last_id(model, using: str) -> int | None:
    """The highest id the table's counter has handed out (0 if none yet); None without a counter."""
    field = counter_field(model)
    if field is None:
        return None
    connection = connections[using]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s))",
                [connection.ops.quote_name(table), field.column],
            )
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        else:
            raise UnsupportedDatabase(connection.vendor)
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


class UnsupportedDatabase(ValueError):
    """Backups read and set id counters on PostgreSQL and SQLite only."""

    def __init__(self, vendor: str):
        super().__init__(f"Backups support PostgreSQL and SQLite only, not {vendor}.")


def set_last_id(model, using: str, value: int) -> None:
    """Make the table's next new row get id `value` + 1."""
    field = counter_field(model)
    connection = connections[using]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = "pg_get_serial_sequence(%s, %s)"
            arguments = [connection.ops.quote_name(table), field.column]
            if value > 0:
                cursor.execute(f"SELECT setval({sequence}, %s, true)", [*arguments, value])
            else:
                cursor.execute(f"SELECT setval({sequence}, 1, false)", arguments)
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            if value > 0:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value])
        else:
            raise UnsupportedDatabase(connection.vendor)

"""The highest id each table has ever handed out, read and set on PostgreSQL and SQLite.

Resetting a counter to the largest id still present (what ``sqlsequencereset`` does) is not
enough: if the newest protest was deleted, the next new protest would get its id, and the
deleted protest's history would read as the new one's. So a backup keeps each counter and a
restore sets it back exactly.

On PostgreSQL ``setval`` is not transactional: a restore killed or refused after setting counters
would leave them moved in a database that is otherwise as it was. ``ALTER SEQUENCE … RESTART`` is
transactional (it writes a new copy of the sequence, kept only on commit), and so is a ``nextval``
on that copy; so a restore sets counters that way, in its transaction.
"""

from django.db import connections
from django.db.models import AutoField

from archive import dialect


def counter_field(model):
    """The auto-incrementing primary key, or None if the table has no counter."""
    pk = model._meta.pk
    return pk if isinstance(pk, AutoField) else None  # BigAutoField and SmallAutoField are AutoFields


def last_id(model, using: str) -> int | None:
    """The highest id the table's counter has handed out (0 if none yet); None without a counter."""
    field = counter_field(model)
    if field is None:
        return None
    return dialect.last_counter_value(connections[using], model._meta.db_table, field.column)


def set_last_id(model, using: str, value: int) -> None:
    """Make the table's next new row get id `value` + 1, in the current transaction."""
    field = counter_field(model)
    connection = connections[using]
    if not dialect.is_postgres(connection):
        dialect.set_counter(connection, model._meta.db_table, field.column, value)  # sqlite_sequence: a table
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [connection.ops.quote_name(model._meta.db_table), field.column]
        )
        sequence = cursor.fetchone()[0]  # a qualified, quoted name from the catalogue
        cursor.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {max(int(value), 1)}")
        if value > 0:
            cursor.execute("SELECT nextval(%s)", [sequence])  # handed out: the next is value + 1

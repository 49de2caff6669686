"""The highest id each table has ever handed out, read and set on PostgreSQL and SQLite.

Resetting a counter to the largest id still present (what ``sqlsequencereset`` does) is not
enough: if the newest protest was deleted, the next new protest would get its id, and the
deleted protest's history would read as the new one's. So a backup keeps each counter and a
restore sets it back exactly.
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
    """Make the table's next new row get id `value` + 1."""
    field = counter_field(model)
    dialect.set_counter(connections[using], model._meta.db_table, field.column, value)

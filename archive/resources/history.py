"""History rows for records an import wrote in bulk, copied by the database.

django-simple-history writes one historical row per save and, for a record
with many-to-many fields, a snapshot of those relations. For a batch of
imported rows the same rows are made with one statement per table, copying
the rows just written instead of building thousands of model instances:

    INSERT INTO archive_historicalprotest (id, title, …, history_date, history_type, …)
    SELECT id, title, …, %s, %s, … FROM archive_protest WHERE id IN (…)

and, for each many-to-many field, the relation's current rows joined to those
history rows. The historical tables mirror the models' columns (simple-history
builds them so). The SQL holds only quoted table and column names read from
the models' `_meta`; every value is a query parameter.
"""

from django.conf import settings
from django.db import connection
from simple_history.models import HistoricalRecords

CHUNK = 500  # ids per statement


def history_model(model):
    """The historical model of `model`, or None if it keeps no history."""
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute).model if attribute else None


def copy_history(model, pks, *, history_type: str, date, user=None, reason: str = "") -> None:
    """Write the history rows a save of each record would (“+” created, “~” changed)."""
    historical = history_model(model)
    if historical is None or not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    quote = connection.ops.quote_name
    columns = [quote(f.column) for f in historical.tracked_fields]
    extra = {
        "history_date": _db_value(historical, "history_date", date),
        "history_type": history_type,
        "history_user": user.pk if user is not None else None,
        "history_change_reason": reason,
    }
    extra_columns = [quote(historical._meta.get_field(name).column) for name in extra]
    pk_column = quote(model._meta.pk.column)
    for chunk in _chunks(list(pks)):
        sql = (
            f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(columns + extra_columns)}) "  # noqa: S608
            f"SELECT {', '.join(columns)}, {', '.join(['%s'] * len(extra))} FROM {quote(model._meta.db_table)} "
            f"WHERE {pk_column} IN ({', '.join(['%s'] * len(chunk))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*extra.values(), *chunk])
    for m2m in getattr(historical, "_history_m2m_fields", ()):
        _copy_m2m(historical, m2m, pks, extra["history_date"], history_type)


def _copy_m2m(historical, m2m, pks, date, history_type: str) -> None:
    """The relation rows of each record, tied to the history rows just written (same date and type)."""
    snapshot = HistoricalRecords.m2m_models[m2m]
    through = m2m.remote_field.through
    quote = connection.ops.quote_name
    source = quote(through._meta.get_field(m2m.m2m_field_name()).column)
    fields = through._meta.fields
    into = [quote(snapshot._meta.get_field(f.name).column) for f in fields]
    into.append(quote(snapshot._meta.get_field("history").column))
    picked = [f"t.{quote(f.column)}" for f in fields]
    picked.append(f"h.{quote(historical._meta.pk.column)}")
    record_id = quote(historical._meta.get_field("id").column)
    for chunk in _chunks(list(pks)):
        sql = (
            f"INSERT INTO {quote(snapshot._meta.db_table)} ({', '.join(into)}) "  # noqa: S608
            f"SELECT {', '.join(picked)} FROM {quote(through._meta.db_table)} t "
            f"JOIN {quote(historical._meta.db_table)} h ON h.{record_id} = t.{source} "
            f"AND h.{quote(historical._meta.get_field('history_date').column)} = %s "
            f"AND h.{quote(historical._meta.get_field('history_type').column)} = %s "
            f"WHERE t.{source} IN ({', '.join(['%s'] * len(chunk))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [date, history_type, *chunk])


def _db_value(model, name: str, value):
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]

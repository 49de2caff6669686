"""Bulk SQL for imports: inserting objects and rows, and copying history.

Django's bulk_create prepares every value through the query compiler (and on
PostgreSQL packs each column into an array); for the tens of thousands of rows
an import writes, `insert_objects` and `insert_rows` send plain multi-row
INSERTs of values each field has prepared for the database.

django-simple-history writes one historical row per save and, for a record
with many-to-many fields, a snapshot of those relations. For a batch of
imported rows `copy_history` makes the same rows with one statement per table,
copying the rows just written instead of building model instances:

    INSERT INTO archive_historicalprotest (id, title, …, history_date, history_type, …)
    SELECT id, title, …, %s, %s, … FROM archive_protest WHERE id IN (…)

and, for each many-to-many field, the relation's current rows tied to those
history rows (their ids returned by the INSERT). The historical tables mirror
the models' columns (simple-history builds them so).

The SQL holds only quoted table and column names read from the models'
`_meta`; every value is a query parameter.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from archive import dialect

CHUNK = 500  # ids per statement
MAX_PARAMS = 2000  # values per multi-row INSERT (well inside SQLite's and PostgreSQL's limits)


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
        "history_date": historical._meta.get_field("history_date").get_db_prep_save(date, connection),
        "history_type": history_type,
        "history_user": user.pk if user is not None else None,
        "history_change_reason": reason,
    }
    extra_columns = [quote(historical._meta.get_field(name).column) for name in extra]
    record_id = quote(historical._meta.get_field("id").column)
    history_id = quote(historical._meta.pk.column)
    m2m_fields = getattr(historical, "_history_m2m_fields", ())
    returning = m2m_fields and connection.features.can_return_rows_from_bulk_insert
    for chunk in _chunks(list(pks)):
        sql = (
            f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(columns + extra_columns)}) "  # noqa: S608
            f"SELECT {', '.join(columns)}, {', '.join(['%s'] * len(extra))} FROM {quote(model._meta.db_table)} "
            f"WHERE {where_in(quote(model._meta.pk.column), chunk)}"
        )
        if returning:
            sql += f" RETURNING {record_id}, {history_id}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*extra.values(), *in_params(chunk)])
            history_ids = dict(cursor.fetchall()) if returning else None
        if m2m_fields and history_ids is None:  # a database that cannot return them: read them back
            history_ids = dict(
                historical.objects.filter(id__in=chunk, history_date=date, history_type=history_type).values_list(
                    "id", historical._meta.pk.name
                )
            )
        for m2m in m2m_fields:
            _copy_m2m(m2m, history_ids)


def _copy_m2m(m2m, history_ids: dict) -> None:
    """The relation rows of each record, tied to its new history row."""
    snapshot = HistoricalRecords.m2m_models[m2m]
    through = m2m.remote_field.through
    source = through._meta.get_field(m2m.m2m_field_name()).attname
    fields = through._meta.fields
    quote = connection.ops.quote_name
    records = list(history_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(through._meta.db_table)} "  # noqa: S608
            f"WHERE {where_in(quote(through._meta.get_field(source).column), records)}",
            in_params(records),
        )
        rows = cursor.fetchall()
    position = [f.attname for f in fields].index(source)
    columns = [snapshot._meta.get_field(f.name).column for f in fields] + [snapshot._meta.get_field("history").column]
    insert_rows(snapshot._meta.db_table, columns, [(*row, history_ids[row[position]]) for row in rows])


def insert_objects(model, objs: list) -> None:
    """Insert new objects of `model` (as `bulk_create` would: auto_now and defaults applied) and set their pks."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: the proxy would look it up for every value
    now = timezone.now()  # one time for the batch, as its history has
    readers = [_reader(f, db, now) for f in fields]
    rows = [tuple(read(obj) for read in readers) for obj in objs]
    pks = insert_rows(meta.db_table, [f.column for f in fields], rows, returning=meta.pk.column)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db.alias


def update_objects(model, objs: list) -> None:
    """Write every field of existing objects back (as a save would: auto_now applied), one UPDATE per
    object sent together (psycopg pipelines them); Django's bulk_update builds a CASE per field and object."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key and not getattr(f, "auto_now_add", False)]
    db = connections[DEFAULT_DB_ALIAS]
    readers = [_reader(f, db, timezone.now()) for f in fields]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*(read(obj) for read in readers), obj.pk) for obj in objs])


# Field kinds whose database value is the Python value itself when it has one of these types (what
# get_db_prep_save returns after checking so, a few microseconds a value).
_PLAIN = (
    (models.AutoField, ()),
    (models.CharField, (str,)),
    (models.TextField, (str,)),
    (models.BooleanField, (bool,)),
    (models.IntegerField, (int,)),
    (models.ForeignKey, (int, str)),
)


def _reader(field, db, now):
    """A function of an object giving `field`'s value for an INSERT, as bulk_create prepares it."""
    prep, attname = field.get_db_prep_save, field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = prep(now, db)

        def stamped(obj):
            setattr(obj, attname, now)
            return stamp

        return stamped
    plain = next((kinds for kind, kinds in _PLAIN if isinstance(field, kind)), ())
    if not plain:
        return lambda obj: prep(field.pre_save(obj, True), db)
    plain = (*plain, type(None))

    def read(obj):
        value = getattr(obj, attname)
        return value if type(value) in plain else prep(value, db)

    return read


def insert_rows(table: str, columns: list[str], rows: list[tuple], returning: str | None = None) -> list:
    """INSERT many rows; with `returning` (an auto-incrementing primary key), their new ids, in order.

    PostgreSQL gets the rows through COPY (ids drawn from the key's sequence first),
    SQLite a few multi-row INSERTs.
    """
    if not rows:
        return []
    if dialect.is_postgres():
        return dialect.copy_new_rows(connection, table, columns, rows, returning)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
    placeholder = f"({', '.join(['%s'] * len(columns))})"
    returned = []
    if returning and not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
        with connection.cursor() as cursor:
            for row in rows:
                cursor.execute(head + placeholder, row)
                returned.append(cursor.lastrowid)
        return returned
    per_statement = max(1, MAX_PARAMS // len(columns))
    for start in range(0, len(rows), per_statement):
        batch = rows[start : start + per_statement]
        sql = head + ", ".join([placeholder] * len(batch))
        if returning:
            sql += f" RETURNING {quote(returning)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in batch for value in row])
            if returning:
                returned += [row[0] for row in cursor.fetchall()]
    return returned


def where_in(column: str, values: list) -> str:
    """`column` is one of `values`, given by `in_params(values)`: one parameter, so the statement stays
    short (archive.dialect.one_of)."""
    return dialect.one_of(column)


def in_params(values: list) -> list:
    return [dialect.values_param(values)]


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]

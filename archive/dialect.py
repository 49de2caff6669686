"""Where PostgreSQL and SQLite differ: the one module that asks which database this is.

Everything works on both; PostgreSQL gets the speed-ups (an array parameter instead of a thousand
placeholders, COPY instead of INSERT, a read-only repeatable-read snapshot, a statement timeout that
cancels a slow query). Code elsewhere asks `is_postgres()` only to choose between two algorithms
(a search backend, an aggregate in SQL or in Python), never to write SQL of its own for one of them.
"""

import datetime as dt
import json
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.timezone import is_aware
from psycopg.errors import QueryCanceled


class UnsupportedDatabase(ValueError):
    """A database other than PostgreSQL and SQLite, for the things only those two know how to do."""

    def __init__(self, vendor: str):
        super().__init__(f"The archive supports PostgreSQL and SQLite only, not {vendor}.")


def aware(value):
    """A time as a raw cursor gives it, as an aware datetime: PostgreSQL's are aware; SQLite's come naive, in UTC,
    as the database stores them."""
    if value is None or is_aware(value):
        return value
    return value.replace(tzinfo=dt.UTC)


def _connection(connection=None, using: str = DEFAULT_DB_ALIAS):
    return connection if connection is not None else connections[using]


def is_postgres(connection=None) -> bool:
    return _connection(connection).vendor == "postgresql"


def _vendor(connection) -> str:
    vendor = connection.vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise UnsupportedDatabase(vendor)
    return vendor


# --- a list of values as one parameter -----------------------------------------------------------


def one_of(column_sql: str, connection=None, *, ints: bool = False) -> str:
    """`column_sql` is one of the values of the single parameter `values_param(...)` gives: on
    PostgreSQL `= ANY(array)`, on SQLite `IN json_each(…)` — a thousand placeholders cost more to
    build, send and parse than most queries take to run (and psycopg re-parses a long statement).
    `ints`: the values are integer keys, sent as one array literal (cheapest to encode)."""
    if _vendor(_connection(connection)) == "postgresql":
        return f"{column_sql} = ANY(%s::bigint[])" if ints else f"{column_sql} = ANY(%s)"
    return f"{column_sql} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - the values are bound


def values_param(values, connection=None, *, ints: bool = False):
    values = list(values)
    if _vendor(_connection(connection)) == "postgresql":
        return "{" + ",".join(map(str, values)) + "}" if ints else values
    return json.dumps(values)


# --- reading and writing in bulk -----------------------------------------------------------------


@contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS):
    """One transaction in which every read sees the database as of one moment, while the site keeps
    writing: on PostgreSQL REPEATABLE READ, READ ONLY; on SQLite a transaction's first read already
    fixes what it sees until it ends."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and is_postgres(connection):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def copy_rows(cursor, connection, table: str, columns: list[str], rows) -> int:
    """COPY rows into a table (PostgreSQL only; callers without it INSERT). Returns how many."""
    quote = connection.ops.quote_name
    count = 0
    with cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN") as copy:
        for count, row in enumerate(rows, start=1):  # noqa: B007 - the last count is the total
            copy.write_row(row)
    return count


def copy_new_rows(connection, table: str, columns: list[str], rows: list[tuple], returning: str | None) -> list:
    """COPY new rows into a table (PostgreSQL only); with `returning` (its auto-incrementing key),
    their ids, drawn from the key's sequence first, in order."""
    ids = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), returning, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            columns, rows = [returning, *columns], [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        copy_rows(cursor, connection, table, columns, rows)
    return ids


def grouping_sets(sql: str, params, selected: list[str], sets: list[tuple[str, ...]], using: str = DEFAULT_DB_ALIAS):
    """Count the rows of one query (`sql`, whose columns are named `selected`) grouped every way in `sets`
    (tuples of those names; `()` for all rows), finding the rows once: [(index in `sets`, the set's values in
    its order, how many)]. On PostgreSQL one `GROUPING SETS` pass; SQLite has none, so there the rows are kept
    once (a materialized CTE) and each set counts them. Only `sql`'s own parameters are bound: the rest of the
    statement is made of `c0`, `c1`, … (aliases of `selected`) and numbers."""
    connection = connections[using]
    alias = {name: f"c{i}" for i, name in enumerate(selected)}
    grouped = list(dict.fromkeys(name for group in sets for name in group))

    def columns(names) -> str:
        return ", ".join(alias[name] for name in names)

    postgres = _vendor(connection) == "postgresql"
    found = f"WITH t ({columns(selected)}) AS {'' if postgres else 'MATERIALIZED '}({sql}) "
    if postgres and grouped:
        # GROUPING(a, b, …) has a bit per column, set where the row is not grouped by it (the first highest).
        index_of = {
            sum(1 << (len(grouped) - 1 - i) for i, name in enumerate(grouped) if name not in group): index
            for index, group in enumerate(sets)
        }
        every = ", ".join(f"({columns(group)})" for group in sets)
        selects = f"GROUPING({columns(grouped)}), {columns(grouped)}, COUNT(*)"
        counting = f"SELECT {selects} FROM t GROUP BY GROUPING SETS ({every})"  # noqa: S608 - see the docstring
    else:  # SQLite, or the total alone (GROUPING() takes a column): a UNION, each branch as wide as the widest
        # set (the set's index, its values, NULLs, the count)
        widest = max(len(group) for group in sets)
        branches = []
        for index, group in enumerate(sets):
            values = ", ".join([str(index), *(alias[name] for name in group), *["NULL"] * (widest - len(group))])
            by = f" GROUP BY {columns(group)}" if group else ""
            branches.append(f"SELECT {values}, COUNT(*) FROM t{by}")  # noqa: S608 - see the docstring
        counting = " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(found + counting, params)
        rows = cursor.fetchall()
    if postgres and grouped:
        return [
            (index_of[bits], tuple(values[grouped.index(name)] for name in sets[index_of[bits]]), n)
            for bits, *values, n in rows
        ]
    return [(index, tuple(values[: len(sets[index])]), n) for index, *values, n in rows]


def byte_order(field_name: str, text: bool, connection=None):
    """Order by a field; text in byte order on every engine (SQLite's default), so a checksum does not
    depend on PostgreSQL's collation."""
    if text and is_postgres(connection):
        return Collate(F(field_name), "C")
    return F(field_name).asc()


# --- id counters (backup and restore) ------------------------------------------------------------


def last_counter_value(connection, table: str, column: str) -> int:
    """The highest id the table's counter has handed out (0 if none yet)."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            sequence = "SELECT pg_sequence_last_value(pg_get_serial_sequence(%s, %s))"
            cursor.execute(sequence, [connection.ops.quote_name(table), column])
        else:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def set_counter(connection, table: str, column: str, value: int) -> None:
    """Make the table's next new row get id `value` + 1."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            sequence = "pg_get_serial_sequence(%s, %s)"
            arguments = [connection.ops.quote_name(table), column]
            if value > 0:
                cursor.execute(f"SELECT setval({sequence}, %s, true)", [*arguments, value])
            else:
                cursor.execute(f"SELECT setval({sequence}, 1, false)", arguments)
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            if value > 0:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value])


# --- queries that may give up --------------------------------------------------------------------


class OutOfTime(Exception):
    """The budget ran out between two queries."""


def within_time_budget(work, milliseconds: int | None = None):
    """`work()`, or None if it ran over the budget: optional extras (facet counts) must not make a page
    slow (like Datasette's facet time limit).

    The budget covers all of `work`'s queries together: no query may start once it is spent, and on
    PostgreSQL a local statement_timeout cancels any single query that would outrun it (a cancelled
    query rolls back to the savepoint, which also undoes the local timeout). SQLite cannot cancel a
    query, so there the work simply runs.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    budget = settings.ARCHIVE_FACET_TIME_LIMIT_MS if milliseconds is None else milliseconds
    if not is_postgres(connection) or budget <= 0:
        return work()
    deadline = time.monotonic() + budget / 1000

    def on_time(execute, sql, params, many, context):
        if time.monotonic() > deadline:
            raise OutOfTime
        return execute(sql, params, many, context)

    try:
        with transaction.atomic(), connection.execute_wrapper(on_time):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [int(budget)])
                result = work()
                # Back to the connection's own limit for whatever else this transaction runs.
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            return result
    except OutOfTime:
        return None
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            return None
        raise

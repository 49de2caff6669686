"""PostgreSQL bulk-load housekeeping: truncate for COPY FREEZE, drop secondary
indexes and constraints around the load and build them again afterwards,
ANALYZE. Everything runs inside the load's transaction, so a failure leaves
the schema as it was.
"""

import time

from django.core.management.color import no_style

_REFERENCED_FROM_OUTSIDE = """
SELECT DISTINCT conrelid::regclass::text FROM pg_constraint
WHERE contype = 'f' AND confrelid = ANY(%(tables)s::regclass[]) AND NOT conrelid = ANY(%(tables)s::regclass[])
"""
_FOREIGN_KEYS = """
SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%(tables)s::regclass[]) ORDER BY 1
"""
_UNIQUE = """
SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE contype = 'u' AND conrelid = ANY(%(tables)s::regclass[]) ORDER BY 1
"""
_INDEXES = """
SELECT format('DROP INDEX %%s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT i.indisprimary AND am.amname = ANY(%(methods)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY 1
"""
GIN_ONLY = ["gin", "gist"]
ALL_METHODS = ["btree", "hash", "gin", "gist", "brin", "spgist"]


def _rows(connection, sql: str, **params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def settle_in(connection) -> None:
    """Session settings for this transaction: no statement timeout (building a GIN index over
    millions of rows takes minutes; a serving timeout would cancel it), room to sort."""
    _run(connection, ["SET LOCAL statement_timeout = 0", "SET LOCAL maintenance_work_mem = '1GB'"])


def truncate_for_freeze(connection, db_tables: list[str]) -> bool:
    """Truncate the (empty) tables in this transaction so COPY may FREEZE; False if another
    table points at them, where TRUNCATE would need CASCADE."""
    if _rows(connection, _REFERENCED_FROM_OUTSIDE, tables=db_tables):
        return False
    truncate(connection, db_tables)
    return True


def truncate(connection, db_tables: list[str]) -> None:
    """TRUNCATE, after checking the foreign keys of rows written earlier in this transaction
    (PostgreSQL refuses to truncate a table with deferred checks pending)."""
    qn = connection.ops.quote_name
    statements = ["SET CONSTRAINTS ALL IMMEDIATE", f"TRUNCATE {', '.join(qn(t) for t in db_tables)}"]
    _run(connection, [*statements, "SET CONSTRAINTS ALL DEFERRED"])


def drop_secondary(connection, db_tables: list[str], everything: bool) -> list[tuple[str, str]]:
    """Drop indexes (all secondary ones, or only GIN/GiST) and, with ``everything``, foreign keys
    and unique constraints. Returns (label, statement) pairs that rebuild them, in order."""
    methods = ALL_METHODS if everything else GIN_ONLY
    indexes = _rows(connection, _INDEXES, tables=db_tables, methods=methods)
    unique = _rows(connection, _UNIQUE, tables=db_tables) if everything else []
    foreign = _rows(connection, _FOREIGN_KEYS, tables=db_tables) if everything else []
    _run(connection, [drop for drop, _ in foreign + unique + indexes])
    return [(create, create) for _, create in indexes + unique + foreign]


def rebuild(connection, statements) -> list[tuple[float, str]]:
    """Run the rebuild statements; returns (seconds, statement), slowest first. Foreign keys of rows
    written earlier in this transaction are checked first: PostgreSQL refuses to index a table with
    deferred checks pending."""
    timings = []
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for label, sql in statements:
            started = time.perf_counter()
            cursor.execute(sql)
            timings.append((time.perf_counter() - started, label))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return sorted(timings, reverse=True)


def reset_sequences(connection, models) -> None:
    """Point every id sequence past the generated ids, so ordinary inserts keep working."""
    _run(connection, connection.ops.sequence_reset_sql(no_style(), models))


def analyze(connection, db_tables: list[str]) -> None:
    qn = connection.ops.quote_name
    _run(connection, [f"ANALYZE {qn(t)}" for t in db_tables])

"""Writing generated rows: COPY on PostgreSQL, batched INSERTs anywhere else.

Both take the same rows (tuples in a Table's field order) and write them as
given: ids, public ids and timestamps included, no model save(), so no signal
fires (no history row, no per-row search or sync work).
"""

from collections import Counter


class InsertSink:
    """executemany INSERT: SQLite, or any database without COPY."""

    def __init__(self, connection):
        self.connection = connection
        self.counts = Counter()

    def write(self, table, rows) -> None:
        if not rows:
            return
        qn = self.connection.ops.quote_name
        columns = ", ".join(qn(c) for c in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        sql = f"INSERT INTO {qn(table.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from models
        prep, fill, conn = table.prep, table.fill, self.connection
        params = [[p(v, conn) for p, v in zip(prep, row + fill, strict=True)] for row in rows]
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, params)
        self.counts[table.name] += len(rows)


class CopySink:
    """psycopg 3 COPY FROM STDIN, one COPY per table per chunk.

    With ``freeze`` (the tables were truncated in this transaction) rows are
    written frozen and all-visible, so the first reads after the load do not
    rewrite every page to set hint bits.
    """

    def __init__(self, connection, freeze: bool = False):
        self.connection = connection
        self.freeze = freeze
        self.counts = Counter()

    def write(self, table, rows) -> None:
        if not rows:
            return
        qn = self.connection.ops.quote_name
        columns = ", ".join(qn(c) for c in table.columns)
        options = " WITH (FREEZE)" if self.freeze else ""
        sql = f"COPY {qn(table.db_table)} ({columns}) FROM STDIN{options}"
        fill = table.fill
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            if fill:
                for row in rows:
                    copy.write_row(row + fill)
            else:
                for row in rows:
                    copy.write_row(row)
        self.counts[table.name] += len(rows)


def sink_for(connection, freeze: bool = False):
    if connection.vendor == "postgresql":
        return CopySink(connection, freeze=freeze)
    return InsertSink(connection)

"""Writing generated rows: COPY on PostgreSQL, batched INSERTs anywhere else.

Both take the same rows (tuples in a Table's field order) and write them as
given: ids, public ids and timestamps included, no model save(), so no signal
fires (no history row, no per-row search or sync work).
"""

import queue
import threading
from collections import Counter

from psycopg.types.json import Jsonb

from archive import dialect


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

    def write_batch(self, items) -> None:
        for table, rows in items:
            self.write(table, rows)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class CopySink:
    """psycopg 3 COPY FROM STDIN, one COPY per table per chunk.

    With ``freeze`` (the tables were truncated in this transaction) rows are
    written frozen and all-visible, so the first reads after the load do not
    rewrite every page to set hint bits.
    """

    def __init__(self, connection, freeze: bool = False):
        connection.ensure_connection()
        # The driver's own connection, taken here: django.db.connection is per thread, and a
        # worker thread writes while the main one generates.
        self.raw = connection.connection
        self.quote = connection.ops.quote_name
        self.errors = connection.wrap_database_errors  # so a failure is Django's IntegrityError etc.
        self.freeze = freeze
        self.counts = Counter()

    def write(self, table, rows) -> None:
        if not rows:
            return
        columns = ", ".join(self.quote(c) for c in table.columns)
        options = " WITH (FREEZE)" if self.freeze else ""
        sql = f"COPY {self.quote(table.db_table)} ({columns}) FROM STDIN{options}"
        # Defaults the generator does not fill: a JSON one (a record's translations, {}) goes as JSON.
        fill = tuple(Jsonb(value) if isinstance(value, dict | list) else value for value in table.fill)
        with self.errors, self.raw.cursor() as cursor, cursor.copy(sql) as copy:
            if fill:
                for row in rows:
                    copy.write_row(row + fill)
            else:
                for row in rows:
                    copy.write_row(row)
        self.counts[table.name] += len(rows)

    def write_batch(self, items) -> None:
        for table, rows in items:
            self.write(table, rows)


class BackgroundSink:
    """Writes through a CopySink on a worker thread, so that PostgreSQL stores one chunk
    while Python generates the next (two cores: one each) instead of taking turns.

    The main thread must not touch the connection until ``flush()`` returns.
    """

    def __init__(self, inner, depth: int = 4):
        self.inner = inner
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="archive-copy", daemon=True)
        self.thread.start()

    @property
    def counts(self) -> Counter:
        return self.inner.counts

    def _work(self) -> None:
        while True:
            items = self.queue.get()
            try:
                if items is None:
                    return
                if self.error is None:  # after a failure, drain without writing
                    self.inner.write_batch(items)
            except BaseException as exc:  # handed to the main thread
                self.error = exc
            finally:
                self.queue.task_done()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def write_batch(self, items) -> None:
        self._raise()
        self.queue.put(items)

    def flush(self) -> None:
        self.queue.join()
        self._raise()

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()


def sink_for(connection, freeze: bool = False):
    if dialect.is_postgres(connection):
        return BackgroundSink(CopySink(connection, freeze=freeze))
    return InsertSink(connection)

"""Queries that may give up: optional extras (facet counts) must not make a page slow.

Like Datasette's facet time limit: on PostgreSQL the work runs under a short local
statement_timeout; if it runs out, the caller gets None and shows the page without it.
"""

import time

from django.conf import settings
from django.db import OperationalError, connection, transaction
from psycopg.errors import QueryCanceled


class OutOfTime(Exception):
    """The budget ran out between two queries."""


def within_time_budget(work, milliseconds: int | None = None):
    """`work()`, or None if it ran over the budget.

    The budget covers all of `work`'s queries together: no query may start once it is spent, and
    PostgreSQL cancels any single query that would outrun it. A cancelled query rolls back to the
    savepoint, which also undoes the local timeout.
    """
    budget = settings.ARCHIVE_FACET_TIME_LIMIT_MS if milliseconds is None else milliseconds
    if connection.vendor != "postgresql" or budget <= 0:
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

"""Health probes for the load balancer, and the answer every request gets while the database is away.

`/healthz` says only that this process answers: no database, no cache, so a database restart never
makes the balancer kill healthy app servers. `/readyz` says whether this server can serve the archive
now: the database answers `SELECT 1` (or the probe is a 503 with Retry-After, and the balancer sends
visitors elsewhere); the cache is reported, never a reason to fail the probe.

While the database restarts or is unreachable, a request gets a 503 with Retry-After
(`database_unavailable`): the site's 503 page, made without the database, or a problem
(application/problem+json) under /api/.

The probes go through neither the response cache (archive/cache.py) nor a session, CSRF or DRF's
throttles, and answer GET and HEAD only.
"""

import logging

import psycopg
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from psycopg.errors import QueryCanceled

from archive.api.problems import problem_response

logger = logging.getLogger(__name__)

# What a client is told to wait before trying again while the database is away (a restart takes seconds).
RETRY_AFTER_SECONDS = 5
# The cache check must not hold a probe: a Redis that accepts connections but never answers is "unavailable".
CACHE_TIMEOUT_SECONDS = 0.5
_OUTAGE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def is_database_outage(exception: BaseException | None) -> bool:
    """Whether an exception (or one it was raised from) says the database cannot be reached or dropped the
    connection. A query stopped by statement_timeout is not an outage: QueryTimeoutMiddleware answers it."""
    for _depth in range(5):
        if exception is None:
            return False
        if isinstance(exception, QueryCanceled) or isinstance(exception.__cause__, QueryCanceled):
            return False
        if isinstance(exception, _OUTAGE_ERRORS):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def describe(exception: BaseException) -> str:
    """One line for the log: the error's class and the first line of its message."""
    first_line = (str(exception).strip().splitlines() or [""])[0]
    return f"{type(exception).__name__}: {first_line}"[:300]


def database_unavailable(request, exception):
    """503 with Retry-After: JSON under /api/ (shaped like every API error, with a code), the site's 503 page
    for everyone else. One warning line per request, no traceback: an outage is not a bug."""
    if not getattr(request, "_archive_outage_logged", False):  # a failed view's transaction then fails to end
        logger.warning(
            "database unavailable, answered 503: %s %s (%s)", request.method, request.path, describe(exception)
        )
        request._archive_outage_logged = True
    if request.path.startswith("/api/"):
        message = _("The database is briefly unavailable. Please try again in a few seconds.")
        response = problem_response(request, status=503, code="database_unavailable", detail=message)
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Logged above; without this Django logs every such request again as an error, with its traceback.
    response._has_been_logged = True
    return _no_store(response)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # nothing to protect, and a stray POST gets its 405, not a CSRF 403
@require_safe
def healthz(request):
    return _no_store(HttpResponse("ok\n", content_type="text/plain; charset=utf-8"))


@csrf_exempt
@require_safe
def readyz(request):
    database = _database_status()
    status = {"database": database, "cache": _cache_status()}
    response = _no_store(JsonResponse(status, status=200 if database == "ok" else 503))
    if database != "ok":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response._has_been_logged = True  # _database_status logged it once; Django would add an error line
    return response


def _database_status() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except _OUTAGE_ERRORS as exc:
        logger.warning("readyz: database unavailable (%s)", describe(exc))
        return "unavailable"
    return "ok"


def _cache_status() -> str:
    """Redis gets a PING on a connection of its own with a short timeout (the shared client may have none);
    an in-process cache is tried directly."""
    try:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            location = settings.CACHES["default"]["LOCATION"]
            url = location[0] if isinstance(location, list | tuple) else location.split(",")[0]
            client = redis.Redis.from_url(
                url, socket_connect_timeout=CACHE_TIMEOUT_SECONDS, socket_timeout=CACHE_TIMEOUT_SECONDS
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            backend.set("archive:readyz", 1, 10)
            if backend.get("archive:readyz") != 1:
                return "unavailable"
    except Exception as exc:  # any cache failure is reported, never raised: the cache is optional
        logger.warning("readyz: cache unavailable (%s)", describe(exc))
        return "unavailable"
    return "ok"

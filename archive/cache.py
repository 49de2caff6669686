"""A shared response cache for anonymous reads of public pages and the API.

Every key carries the archive's *generation*, a number kept in the database (ArchiveState) that the
write path (archive.changes, a restore) moves on inside the write's own transaction. Publishing,
editing and withdrawing are all writes. A reader reads the generation before anything else, from
the database it reads the records from: while the write is open it still sees the old generation
and stores what it made under the old key; when the write commits the new generation makes every
such key unreachable at once, on every app server. Because the generation is not in the cache, a
cache that missed the write (Redis paused or down, then back with its old contents) cannot bring a
withdrawn record back.

Signed-in users (a session or an Authorization header) are never served from, nor stored in, the
cache. The cache itself may fail (archive.cachebackend): then each app server caches for itself.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponseNotModified
from django.utils.translation import get_language

from archive.models import ArchiveState

LAST_WRITE_KEY = "archive:last-write"
# What makes two anonymous GETs of one URL different responses besides the path.
VARYING_HEADERS = ("HTTP_ACCEPT",)


def generation() -> int:
    """The archive's generation: one query, through the router, like the reads it keys."""
    return ArchiveState.current_generation()


def bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """A write: retire every cached response when the current transaction commits.

    Once is enough: a reader that saw the old generation stored under a key the commit retires,
    whatever rows it read, and a database shows no one the new generation before the new rows
    (a replica lagging behind another: see `_replicas_may_lag`)."""
    ArchiveState.next_generation(using=using)
    transaction.on_commit(_note_write, using=using)


def _note_write() -> None:
    cache.set(LAST_WRITE_KEY, time.time(), None)


def _replicas_may_lag() -> bool:
    """Just after a write a replica may still hold the old rows: don't keep what it answered.

    Best effort: the time of the last write is in the cache, which an outage may have kept from it."""
    if not settings.DATABASE_REPLICAS:
        return False
    last_write = cache.get(LAST_WRITE_KEY) or 0
    return time.time() - last_write < settings.ARCHIVE_REPLICA_LAG_SECONDS


def may_keep(request) -> bool:
    """Whether the answer to this request may be served from, and kept in, the cache: an anonymous read, with
    the cache on."""
    if settings.ARCHIVE_CACHE_SECONDS <= 0 or request.method not in {"GET", "HEAD"}:
        return False
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
    return not signed_in


def _key(request) -> str:
    # The language too: the API answers in the one the client asks for (dates, labels), at one path.
    parts = [request.get_full_path(), get_language() or "", *(request.META.get(h, "") for h in VARYING_HEADERS)]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"archive:response:{generation()}:{digest}"


def _not_modified(request, response):
    etag = response.get("ETag")
    if etag and request.headers.get("If-None-Match") == etag:
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
    return response


def cached_response(request, produce):
    """Return the cached response for this anonymous read, or `produce()` it and keep it."""
    if not may_keep(request):
        return produce()
    key = _key(request)  # before `produce()` reads any record: see the module's docstring
    response = cache.get(key)
    if response is not None:
        return _not_modified(request, response)
    response = produce()
    if response.status_code == 200 and not response.streaming and not response.cookies and not _replicas_may_lag():
        if hasattr(response, "render") and not response.is_rendered:
            response.add_post_render_callback(lambda r: cache.set(key, r, settings.ARCHIVE_CACHE_SECONDS))
        else:
            cache.set(key, response, settings.ARCHIVE_CACHE_SECONDS)
    return response


def cache_public(view):
    """Decorator for public page views: see `cached_response`."""

    def wrapped(request, *args, **kwargs):
        return cached_response(request, lambda: view(request, *args, **kwargs))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    wrapped.__wrapped__ = view
    return wrapped

"""A Redis cache whose outage slows the archive down instead of taking it down.

Nothing in the cache is needed to answer a request: it holds cached pages and API answers, the
home page's pictures and API throttle counters (sign-in lockouts are in the database: django-axes'
database handler). So when Redis refuses a connection or does not answer within the socket
timeouts, each app process carries on with a cache of its own, in memory, until Redis answers
again: pages are made afresh and cached per process, throttles count per process rather than not
at all.

After a failure Redis is left alone for `retry_seconds`, so requests do not each wait for the
timeout; then one request tries it again while the others keep to memory. An outage is logged
twice: once when it starts (a warning) and once when Redis answers again.

Nothing stale comes back with Redis: cached answers are keyed by a generation kept in the database
(archive.cache), so a write made during the outage retires whatever Redis still holds.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Refused, reset, unreachable, still loading its data, or too slow to answer.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)


class Breaker:
    """Whether this process should try Redis now: yes while it answers; after a failure, once
    every `retry_seconds`. Shared by the threads of a process (Django makes a cache per thread)."""

    def __init__(self, location: str, retry_seconds: float):
        self.location = location
        self.retry_seconds = retry_seconds
        self.lock = threading.Lock()
        self.down_since: float | None = None  # time.monotonic() when the outage was noticed
        self.retry_at = 0.0

    def allows(self) -> bool:
        if self.down_since is None:
            return True
        with self.lock:
            now = time.monotonic()
            if self.down_since is None or now >= self.retry_at:
                self.retry_at = now + self.retry_seconds  # this caller tries; the others keep to memory
                return True
            return False

    def failed(self, error: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + self.retry_seconds
            if self.down_since is not None:
                return
            self.down_since = now
        logger.warning(
            "Redis at %s is unreachable (%s: %s); caching in each process's memory, trying again every %g s",
            self.location,
            type(error).__name__,
            error,
            self.retry_seconds,
        )

    def succeeded(self) -> bool:
        """Note an answer from Redis; True if it ends an outage."""
        if self.down_since is None:
            return False
        with self.lock:
            if self.down_since is None:
                return False
            lasted, self.down_since = time.monotonic() - self.down_since, None
        logger.warning("Redis at %s answers again after %.1f s; back to the shared cache", self.location, lasted)
        return True


# One per Redis location and process (see Breaker).
_breakers: dict[tuple[str, float], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, retry_seconds: float) -> Breaker:
    with _breakers_lock:
        key = (location, retry_seconds)
        if key not in _breakers:
            _breakers[key] = Breaker(shown(location), retry_seconds)
        return _breakers[key]


def shown(location: str) -> str:
    """Redis URLs fit for a log: without a password."""
    urls = [urlsplit(url) for url in location.split(",")]
    return ",".join(url._replace(netloc=url.netloc.rpartition("@")[2]).geturl() for url in urls)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, falling back to a per-process LocMemCache while Redis is unreachable.

    OPTIONS are the redis client's (socket timeouts default to 0.25 s; no retries: the breaker
    retries), plus `retry_seconds` (default 5): how long to leave Redis alone after a failure.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = float(options.pop("retry_seconds", 5))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.25)
        options.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        location = server if isinstance(server, str) else ",".join(server)
        self._breaker = breaker_for(location, retry_seconds)
        # Same timeout, key prefix and version as the shared cache; its own bounded store per process.
        memory_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        self._memory = LocMemCache(f"redis-fallback:{location}", memory_params)

    def _either(self, operation: str, *args, **kwargs):
        """Run `operation` on Redis if the breaker allows and Redis answers, else on memory."""
        if self._breaker.allows():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except OUTAGE_ERRORS as error:
                self._breaker.failed(error)
            else:
                if self._breaker.succeeded():
                    self._memory.clear()  # what was kept meanwhile is local and short-lived: start afresh
                return result
        return getattr(self._memory, operation)(*args, **kwargs)

    # Every operation RedisCache implements; the rest of BaseCache (get_or_set, decr, the async
    # variants, incr_version…) is built on these.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._either("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._either("delete", key, version)

    def get_many(self, keys, version=None):
        return self._either("get_many", list(keys), version)  # a list: memory may need it after Redis

    def has_key(self, key, version=None):
        return self._either("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._either("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._either("delete_many", list(keys), version)

    def clear(self):
        return self._either("clear")

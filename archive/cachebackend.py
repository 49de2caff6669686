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

API throttles count requests in a sliding window (`count_request`): on Redis in one atomic round trip (a
sorted set per client, changed by a script), so that workers counting the same client at once cannot undercount
it; in any other cache, or in memory during an outage, as Django REST framework does (the list of times read,
then written).
"""

import hashlib
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
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


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one redis-py client per server instead of making one for every operation:
    making it took half of a cache read's time (56 of 108 µs here). A redis-py client is safe to share between
    threads; its connections come from the server's pool, as before."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # the server's pool (a replica's for a read, if several)
        client = self._clients.get(id(pool))  # pools live as long as this object: their ids stay theirs
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


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
        self._class = ReusingRedisCacheClient
        location = server if isinstance(server, str) else ",".join(server)
        self._breaker = breaker_for(location, retry_seconds)
        # Same timeout, key prefix and version as the shared cache; its own bounded store per process.
        memory_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        self._memory = LocMemCache(f"redis-fallback:{location}", memory_params)

    def _either(self, operation: str, *args, **kwargs):
        """Run `operation` on Redis if the breaker allows and Redis answers, else on memory."""
        return self._redis_or_memory(
            lambda: getattr(RedisCache, operation)(self, *args, **kwargs),
            lambda: getattr(self._memory, operation)(*args, **kwargs),
        )

    def _redis_or_memory(self, on_redis, on_memory, errors=OUTAGE_ERRORS):
        if self._breaker.allows():
            try:
                result = on_redis()
            except errors as error:
                self._breaker.failed(error)
            else:
                if self._breaker.succeeded():
                    self._memory.clear()  # what was kept meanwhile is local and short-lived: start afresh
                return result
        return on_memory()

    def count_request(self, key: str, now: float, duration: int, limit: int) -> "Window":
        """`count_request` on Redis, atomically and in one round trip; in memory during an outage, and while a
        Redis refuses the script (an ACL without scripting, a proxy without EVALSHA, out of memory) — logged
        as an outage, once, and tried again as one is."""
        return self._redis_or_memory(
            lambda: self._count_on_redis(key, now, duration, limit),
            lambda: count_request(self._memory, key, now, duration, limit),
            errors=(*OUTAGE_ERRORS, ResponseError),
        )

    def _count_on_redis(self, key: str, now: float, duration: int, limit: int) -> "Window":
        key = self.make_and_validate_key(f"{key}:window")  # a sorted set: not a key `get` and `set` use
        client = self._cache.get_client(key, write=True)
        # The time is the score; the member only has to be unique per request.
        arguments = (repr(now), math.ceil(duration), limit, secrets.token_hex(8))
        try:
            allowed, count, oldest = client.evalsha(_WINDOW_SHA, 1, key, *arguments)
        except NoScriptError:  # the first time on this server, or after a restart: EVAL loads it
            allowed, count, oldest = client.eval(_WINDOW_SCRIPT, 1, key, *arguments)
        return Window(bool(allowed), count, float(oldest) if oldest is not None else None)

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


@dataclass(frozen=True)
class Window:
    """A client's requests in a throttle's window, as counting one more left them."""

    allowed: bool  # this request was within the limit, and counted
    count: int  # requests in the window, this one included if allowed
    oldest: float | None  # when the oldest of them was made (the next to leave the window)


_counting = threading.Lock()  # the threads of a process (gthread workers, runserver) count one at a time


def count_request(cache, key: str, now: float, duration: int, limit: int) -> Window:
    """Count a request made at `now` (seconds) against `limit` requests per `duration` seconds in a sliding window.

    A cache that counts for itself (`ResilientRedisCache.count_request`: atomically, on Redis) does; any other
    keeps, under `key`, the times of the requests in the window, newest first, as Django REST framework's
    throttles do: read, then written, one thread of the process at a time. That is exact in a cache of one
    process's own (memory); two processes sharing another kind of cache may both let a request through."""
    counter = getattr(cache, "count_request", None)
    if counter is not None:
        return counter(key, now, duration, limit)
    with _counting:
        history = [made for made in cache.get(key, []) if made > now - duration]
        allowed = len(history) < limit
        if allowed:
            history.insert(0, now)
            cache.set(key, history, duration)
    return Window(allowed, len(history), history[-1] if history else None)


# The same count on Redis, in one step no other client's can interleave with: drop the requests that left the
# window, count the rest, add this one if there is room, and say when the oldest was made. Scores are the
# times; the key lives as long as the window after the last request counted.
_WINDOW_SCRIPT = """
local key, now, duration, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
    redis.call('ZADD', key, ARGV[1], ARGV[4])
    redis.call('EXPIRE', key, duration)
    count, allowed = count + 1, 1
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
return {allowed, count, oldest or false}
"""
_WINDOW_SHA = hashlib.sha1(_WINDOW_SCRIPT.encode(), usedforsecurity=False).hexdigest()

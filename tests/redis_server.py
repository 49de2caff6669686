"""A redis-server of a test's own, on a spare port (tests/test_cache_faults.py, tests/test_api_ratelimit.py), and
the cache settings config/settings.py makes for one. Tests that use it skip where redis-server is not installed
(.ci/run installs it)."""

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from archive import cachebackend

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
needs_redis_server = pytest.mark.skipif(not Path(REDIS_SERVER).exists(), reason="needs redis-server")
TIMEOUT = 0.25


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = spare_port()
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = redis.Redis(port=self.port, db=3, socket_timeout=5)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.paused = False

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)
        self.paused = False

    def stop(self) -> None:
        self.resume()
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


def shared_cache(port: int, *, timeout: float = TIMEOUT, retry_seconds: float = 5, user: str = ""):
    """Settings as config/settings.py makes them from REDIS_URL, REDIS_TIMEOUT_MS, REDIS_RETRY_SECONDS; `user`:
    "name:password" of a Redis ACL user to connect as."""
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry_seconds": retry_seconds}
    location = f"redis://{user + '@' if user else ''}127.0.0.1:{port}/3"
    return {
        "default": {"BACKEND": "archive.cachebackend.ResilientRedisCache", "LOCATION": location, "OPTIONS": options}
    }


@pytest.fixture
def use_cache():
    """Point the cache at a Redis for the test: `use_cache(port, **options)`. Setting CACHES resets the
    cache handlers (django.test.signals), so `django.core.cache.cache` follows."""
    overrides = []

    def use(port: int, **options):
        cachebackend._breakers.clear()  # each test starts with Redis believed up…
        override = override_settings(CACHES=shared_cache(port, **options))
        override.enable()
        overrides.append(override)
        caches["default"]._memory.clear()  # …and with nothing in the process's stand-in (throttle counts)

    yield use
    for override in reversed(overrides):
        override.disable()
    cachebackend._breakers.clear()

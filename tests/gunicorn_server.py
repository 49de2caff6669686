"""The production server for tests that need real processes: gunicorn with production settings (DEBUG off,
HTTPS redirect on behind a TLS proxy, no Redis), serving a database given by URL."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn started with `config/gunicorn.conf.py`; `settings` add to or override the environment
    (WEB_CONCURRENCY, ARCHIVE_CACHE_SECONDS…). Each request is a new connection, so with several workers
    whichever accepts first answers it."""

    def __init__(self, database_url: str, log: Path, **settings: str):
        self.port = free_port()
        environment = {
            key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_REPLICA_URLS"}
        }
        environment |= {
            "DEBUG": "0",
            "SECRET_KEY": "gunicorn-test-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "1",  # HTTPS redirect on, as in production; requests say they came over TLS
            "DATABASE_URL": database_url,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "1",
            **settings,
        }
        self.environment = environment
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
                cwd=BASE,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while self.get("/healthz", tls=False)[0] != 200:
            assert self.process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

    def get(self, path: str, *, tls: bool = True, method: str = "GET") -> tuple[int, dict, str, float]:
        """(status, headers, body, seconds); status 0 if nothing answered."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.monotonic()
        try:
            connection.request(method, path, headers={"X-Forwarded-Proto": "https"} if tls else {})
            response = connection.getresponse()
            body = response.read().decode()
        except OSError:
            return 0, {}, "", time.monotonic() - started
        finally:
            connection.close()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

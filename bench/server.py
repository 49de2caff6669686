"""The app under gunicorn with production settings, on loopback, for the benchmark and the load test."""

# ruff: noqa: S603 - runs the venv's gunicorn with the project's config

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.common import ROOT, database_url

GUNICORN = Path(sys.executable).parent / "gunicorn"  # beside the venv's python
READY_PATH = "/readyz"  # the load balancer's readiness probe (archive/health.py)
UNLIMITED = "1000000000/minute"


# One signing key per benchmark run, kept in the environment so processes the run starts (the driver) use
# the same: the deep-page cursors bench.targets writes are sealed with it, as the server seals its own.
SECRET_KEY = os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(50))


def server_env(database: str, port: int, sql_dir: Path, pidfile: Path, bench_middleware: bool = True) -> dict:
    """Production settings (DEBUG off, a fresh random SECRET_KEY, HTTPS redirect off on loopback),
    throttles raised so the benchmark measures the app rather than the 429s, and the bench middleware."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_MANAGE"))}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        API_THROTTLE_ANON=os.environ.get("BENCH_THROTTLE", UNLIMITED),
        API_THROTTLE_USER=os.environ.get("BENCH_THROTTLE", UNLIMITED),
        DATABASE_URL=database_url(database),
        ARCHIVE_BENCH="1" if bench_middleware else "0",
        ARCHIVE_BENCH_SQL_DIR=str(sql_dir),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_PIDFILE=str(pidfile),
        # Responses are not cached unless asked: every request is measured doing its work.
        ARCHIVE_CACHE_SECONDS=os.environ.get("BENCH_CACHE_SECONDS", "0"),
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


class Master:
    """A running gunicorn master, known by its pid (the driver may run apart from whoever started it)."""

    def __init__(self, pid: int):
        self.pid = pid

    @classmethod
    def from_pidfile(cls, path: Path) -> Master:
        return cls(int(path.read_text().strip()))

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return sorted(int(p) for p in text.split())

    def fresh_workers(self, timeout: float = 60) -> list[int]:
        """HUP the master: every worker is replaced by a fresh one. Returns the new workers' pids."""
        old = set(self.workers())
        os.kill(self.pid, signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = set(self.workers())
            if len(now) == len(old) and not now & old:
                # No request to check readiness: it would land on one of the fresh workers. With the
                # app preloaded in the master, a forked worker is ready as soon as it has booted.
                time.sleep(1.0)
                return sorted(now)
            time.sleep(0.2)
        raise SystemExit("bench: gunicorn did not replace its workers after HUP")


class Server:
    def __init__(self, database: str, port: int, work: Path, bench_middleware: bool = True):
        self.database, self.port, self.work = database, port, work
        self.sql_dir = work / "sql"
        self.sql_dir.mkdir(exist_ok=True)
        self.pidfile = work / "gunicorn.pid"
        self.log = work / "gunicorn.log"
        self.process: subprocess.Popen | None = None
        self.env = server_env(database, port, self.sql_dir, self.pidfile, bench_middleware)

    @property
    def settings(self) -> dict:
        """What the report says about how the app was served."""
        keys = ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_MAX_REQUESTS", "ARCHIVE_CACHE_SECONDS", "REDIS_URL")
        shown = {k: self.env.get(k, "(default)") for k in keys}
        shown["workers"] = len(self.workers()) if self.process else None
        return shown

    def start(self, timeout: float = 90) -> None:
        log = self.log.open("ab")
        command = [str(GUNICORN), "-c", str(ROOT / "config" / "gunicorn.conf.py")]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited ({self.process.returncode}); see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{READY_PATH}", timeout=10) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise SystemExit(f"bench: gunicorn did not answer within {timeout:.0f} s; see {self.log}")

    @property
    def master(self) -> Master:
        return Master(self.process.pid)

    def workers(self) -> list[int]:
        return self.master.workers()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def memory_kb(pid: int) -> dict:
    """VmRSS and VmHWM (peak resident set) of a process, in kB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0])
    return values

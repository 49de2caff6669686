"""Gunicorn settings for serving the archive in production: `gunicorn -c config/gunicorn.conf.py`.

Everything can be set from the environment; the defaults suit one machine behind a reverse proxy.

| Variable | Default | Meaning |
|---|---|---|
| GUNICORN_BIND | 127.0.0.1:8000 | address (or unix:/path) to listen on; the proxy connects here |
| WEB_CONCURRENCY | 2 × cores + 1 | worker processes |
| GUNICORN_THREADS | 2 | threads per worker (gthread): a slow client or long download holds a thread, not a process |
| GUNICORN_TIMEOUT | 60 | seconds before a silent worker is killed and replaced |
| GUNICORN_MAX_REQUESTS | 1000 | replace a worker after this many requests (+ up to 10 % jitter): leaks cannot grow |
| GUNICORN_KEEPALIVE | 5 | seconds an idle keep-alive connection stays open |
| GUNICORN_ACCESS_LOG | unset (off) | "-" for stdout or a file path; the proxy usually logs requests already |
| GUNICORN_LOG_LEVEL | info | error log level |
| GUNICORN_PIDFILE | unset | where to write the master's pid (the benchmark sends it HUP for fresh workers) |
| GUNICORN_CONTROL_SOCKET | unset (off) | path of the `gunicornc` control socket |
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number; got {raw!r}") from None
    if value < 0:
        raise SystemExit(f"{name} cannot be negative; got {raw!r}")
    return value


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# The usual rule of thumb for a CPU- and database-bound Django app: two workers per core plus one.
workers = max(1, _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
threads = max(1, _int("GUNICORN_THREADS", 2))
# gthread keeps the heartbeat going while a thread streams a large export (a sync worker
# streaming for longer than `timeout` would be killed mid-download) and supports keep-alive.
worker_class = "gthread" if threads > 1 else "sync"

timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# Load Django once in the master and fork: workers share its memory and start fast. Nothing
# opens a database connection at import time, so no connection is shared across the fork.
preload_app = True
# Heartbeat files in memory, not on a disk that may block (see gunicorn's FAQ on fchmod).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files only

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
proc_name = "archive"
# Gunicorn's default control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl): a second
# instance (a staging copy, the benchmark) would take it over. Only open one when a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def when_ready(server):
    """Import what a worker's first request would otherwise import (the URLconf with every view, DRF,
    drf-spectacular; the translation catalogs) once, in the master, before the workers are forked.

    Measured: the first request of a fresh worker took about 1.9 s instead of 0.1 s. Workers are
    replaced every GUNICORN_MAX_REQUESTS requests, so without this some visitor pays that every time.
    Nothing here touches the database: no connection may be shared across the fork.
    """
    if not server.cfg.preload_app:
        return
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils.translation import trans_real

    get_resolver().url_patterns  # noqa: B018 - the attribute access imports the URLconf
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)  # loads and caches the catalogue


# Request limits: a little above the defaults for long filtered URLs, still refusing abuse.
limit_request_line = 8190
limit_request_fields = 100

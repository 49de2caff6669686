"""Tiny helpers that read settings from the environment and fail loudly.

A bad value raises ImproperlyConfigured at start-up instead of silently
falling back to something unsafe.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, *, min_length: int) -> str:
    """A secret from `name`, or from the file named by `name`_FILE (a mounted secret); empty if neither is
    set. One shorter than `min_length` characters is refused."""
    path = os.environ.get(f"{name}_FILE", "").strip()
    if path and os.environ.get(name):
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both")
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({error.strerror})") from None
    else:
        value = os.environ.get(name, "").strip()
    if value and len(value) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters long; got {len(value)}")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, base_dir: Path) -> dict:
    """Turn DATABASE_URL into a DATABASES entry.

    Empty means the embedded default: an SQLite file in the project.
    ``postgres://user:password@host:port/name?sslmode=require`` means PostgreSQL
    through psycopg 3. Anything else is refused.

    A server that does not answer is given up after DATABASE_CONNECT_TIMEOUT seconds (5; 0 waits forever),
    unless the URL sets `connect_timeout` itself: a request then gets its 503 instead of hanging.
    """
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": base_dir / "db.sqlite3"}
    if url.startswith("sqlite:///"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url.removeprefix("sqlite:///")}
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported; use postgres://… or sqlite:///path"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://postgres@127.0.0.1:5432/archive")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("DATABASE_URL has an invalid port") from None
    options = dict(parse_qsl(parts.query))
    connect_timeout = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    if connect_timeout < 0:
        raise ImproperlyConfigured("DATABASE_CONNECT_TIMEOUT cannot be negative")
    options.setdefault("connect_timeout", connect_timeout)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
    }


def tune_postgres(database: dict, *, statement_timeout_ms: int, pool_max_size: int, pool_min_size: int) -> None:
    """Add a statement timeout and, if asked, psycopg's connection pool to a PostgreSQL entry.

    A pool (DATABASE_POOL_MAX_SIZE > 0) suits threaded servers; with one sync gunicorn worker per
    process, persistent connections (DATABASE_CONN_MAX_AGE) do the same job. Django refuses both at once.
    """
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database["OPTIONS"]
    if statement_timeout_ms < 0 or pool_max_size < 0 or pool_min_size < 0:
        raise ImproperlyConfigured("Database timeouts and pool sizes cannot be negative")
    if statement_timeout_ms:
        options["options"] = f"{options.get('options', '')} -c statement_timeout={statement_timeout_ms}".strip()
    if pool_max_size:
        options["pool"] = {"min_size": min(pool_min_size, pool_max_size), "max_size": pool_max_size, "timeout": 10}
        database["CONN_MAX_AGE"] = 0

"""Which tables a backup holds, how a row is written, and what the database says about them.

A row is a JSON array of its column values in the model's column order, one per line,
rows ordered by primary key. The same function writes the file and re-reads the restored
database, so "the checksums match" means "the database holds byte-for-byte these rows".
"""

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal

from django.apps import apps
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string

from archive import dialect

# Tables left out on purpose (model label → why). Everything else of every installed app goes in.
EXCLUDED = {
    "sessions.session": "sign-in sessions: restoring them would re-open old logins; everyone signs in again",
    "axes.accessattempt": "current sign-in lockout counters, which expire by themselves",
}

# Row chunk read from (or written to) the database at a time: big tables never sit in memory.
CHUNK = 2000


def backup_models() -> list:
    """Every concrete table of the installed apps that holds data, in a stable order (by table name)."""
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed or opts.swapped or opts.label_lower in EXCLUDED:
            continue
        seen.setdefault(opts.db_table, model)
    return [seen[table] for table in sorted(seen)]


def excluded_models() -> list:
    return [model for model in apps.get_models() if model._meta.label_lower in EXCLUDED]


def fields(model) -> list:
    """The table's own columns, as the model knows them (a database-generated column is not one)."""
    return list(model._meta.local_concrete_fields)


def columns(model) -> list[str]:
    return [field.column for field in fields(model)]


def _pk_order(model, connection):
    """Order by primary key; text keys in byte order on every engine, so a checksum does not depend on collation."""
    pk = model._meta.pk
    target = pk.target_field if pk.is_relation else pk
    return dialect.byte_order(
        pk.attname, target.get_internal_type() in {"CharField", "TextField", "SlugField"}, connection
    )


def db_rows(model, using: str) -> Iterator[tuple]:
    """The table's rows as Python values (Django's converters applied), by primary key, in chunks."""
    queryset = model._base_manager.using(using).order_by(_pk_order(model, connections[using]))
    return queryset.values_list(*[field.attname for field in fields(model)]).iterator(chunk_size=CHUNK)


def _encode(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot write a {type(value).__name__} value")


def row_line(values) -> bytes:
    """One row as one canonical line: compact JSON, keys sorted inside JSON values, UTF-8, newline."""
    text = json.dumps(
        list(values), default=_encode, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
    )
    return text.encode("utf-8") + b"\n"


def db_lines(model, using: str) -> Iterator[tuple[object, bytes]]:
    """(primary key, line) for every row of the table."""
    pk_index = fields(model).index(model._meta.pk)
    for values in db_rows(model, using):
        yield values[pk_index], row_line(values)


def db_checksum(model, using: str) -> tuple[int, str]:
    """Row count and SHA-256 of the table's lines, as a backup of it would hold them."""
    digest, count = hashlib.sha256(), 0
    for _pk, line in db_lines(model, using):
        digest.update(line)
        count += 1
    return count, digest.hexdigest()


def applied_migrations(using: str) -> dict[str, list[str]]:
    """Which migrations the database has applied, per app."""
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def migration_difference(ours: dict, theirs: dict) -> tuple[list[str], list[str]]:
    """Migrations only in `ours`, and only in `theirs`, as app.name."""

    def flat(state):
        return {f"{app}.{name}" for app, names in state.items() for name in names}

    return sorted(flat(ours) - flat(theirs)), sorted(flat(theirs) - flat(ours))

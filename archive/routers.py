"""Reads to replicas, writes to the primary (DATABASE_REPLICA_URLS).

Anonymous readers are served by a replica. Everyone who can write — signed in through a
session or an API token — reads from the primary for the whole request, and so does any
read inside a transaction, so a curator always sees their own change and a stale-form
check never compares against a lagging copy. See ReplicaPinMiddleware.
"""

import contextvars
import random

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_read_primary = contextvars.ContextVar("archive_read_primary", default=False)


def read_from_primary(value: bool = True) -> contextvars.Token:
    return _read_primary.set(value)


def release(token: contextvars.Token) -> None:
    _read_primary.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        replicas = settings.DATABASE_REPLICAS
        if not replicas or _read_primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

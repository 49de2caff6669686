"""Reads to replicas, writes and signed-in users to the primary (archive/routers.py).

The routing decisions are tested directly; the end-to-end tests need a replica alias, which
`.ci/run` provides by running this file with DATABASE_REPLICA_URLS pointing at the primary
(in tests a replica mirrors the primary's test database).
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.test import override_settings

from archive import routers
from archive.models import Protest
from tests.factories import ProtestFactory

router = routers.PrimaryReplicaRouter()
needs_replica = pytest.mark.skipif("replica1" not in settings.DATABASES, reason="needs DATABASE_REPLICA_URLS")


@override_settings(DATABASE_REPLICAS=["replica1", "replica2"])
def test_anonymous_reads_go_to_a_replica():
    assert router.db_for_read(Protest) in {"replica1", "replica2"}


@override_settings(DATABASE_REPLICAS=["replica1"])
def test_pinned_reads_and_all_writes_go_to_the_primary():
    assert router.db_for_write(Protest) == "default"
    token = routers.read_from_primary()
    try:
        assert router.db_for_read(Protest) == "default"
    finally:
        routers.release(token)
    assert router.db_for_read(Protest) == "replica1"


@pytest.mark.django_db
@override_settings(DATABASE_REPLICAS=["replica1"])
def test_reads_inside_a_transaction_stay_on_the_primary():
    with transaction.atomic():
        assert router.db_for_read(Protest) == "default"


@override_settings(DATABASE_REPLICAS=[])
def test_without_replicas_everything_uses_the_primary():
    assert router.db_for_read(Protest) == "default"
    assert router.allow_migrate("default", "archive")
    assert not router.allow_migrate("replica1", "archive")


def _queries_on(alias):
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    return seen, connections[alias].execute_wrapper(record)


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
@override_settings(ARCHIVE_CACHE_SECONDS=0)
def test_an_anonymous_page_reads_from_the_replica(client):
    protest = ProtestFactory(title="Ardabil rally")
    replica_queries, wrapper = _queries_on("replica1")
    with wrapper:
        response = client.get(f"/en/protests/{protest.public_id}/")
    assert b"Ardabil rally" in response.content
    assert replica_queries


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
@override_settings(ARCHIVE_CACHE_SECONDS=0)
def test_a_signed_in_curator_reads_from_the_primary(client):
    protest = ProtestFactory()
    client.force_login(User.objects.create_user("curator", is_staff=True))
    replica_queries, wrapper = _queries_on("replica1")
    with wrapper:
        assert client.get(f"/en/protests/{protest.public_id}/").status_code == 200
        client.post("/i18n/setlang/", {"language": "fa", "next": "/fa/"})
    assert replica_queries == []

"""The benchmark's deep-page cursors (bench/targets.py) are the API's own: a drift makes every deep page a 400."""

import pytest
from django.conf import settings

from bench.targets import cursor_for
from tests.factories import ProtestFactory

pytestmark = pytest.mark.django_db


def test_a_bench_cursor_is_the_one_the_api_hands_out(client):
    protests = ProtestFactory.create_batch(3)
    first = client.get("/api/v1/protests/", {"page_size": 1}).json()
    assert first["next"], first
    next_cursor = first["next"].split("cursor=")[1].split("&")[0]
    assert cursor_for(protests[0].pk, settings.SECRET_KEY) == next_cursor

    deep = client.get("/api/v1/protests/", {"cursor": cursor_for(protests[1].pk, settings.SECRET_KEY), "page_size": 50})
    assert deep.status_code == 200, deep.content
    assert [r["id"] for r in deep.json()["results"]] == [protests[2].public_id]

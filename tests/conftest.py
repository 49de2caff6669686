from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def article_fixture_files() -> list[str]:
    """Every fixture file, in load order (their names sort in order)."""
    return [str(path) for path in sorted(FIXTURES_DIR.glob("*.yaml"))]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and cached pages live in the cache: each test starts empty."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def article(db):
    """The archive's own data: the research article's records, loaded as `make run` loads them."""
    call_command("loaddata", *article_fixture_files(), verbosity=0)


def pytest_runtest_setup(item):
    """Tests marked `postgres` need PostgreSQL; they skip on SQLite (CI runs them)."""
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")

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


@pytest.fixture(autouse=True)
def english_by_default():
    """Requests to /fa/ and friends leave their language active in the thread: reset it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(scope="module")
def _article_module(django_db_setup, django_db_blocker):
    """Load the article once per test module, inside a transaction rolled back afterwards.

    Each test still runs in its own nested transaction (a savepoint), so what one test
    changes never reaches the next; loading ~1,000 rows once per module instead of once
    per test keeps the suite fast.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        from django.db import connection

        # Requested late (getfixturevalue) it would open inside one test's transaction and vanish after it.
        assert not connection.in_atomic_block, "take `article` as a fixture argument, not via getfixturevalue"
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("loaddata", *article_fixture_files(), verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def article(_article_module, db):
    """The archive's own data: the research article's records, loaded as `make run` loads them."""


def pytest_runtest_setup(item):
    """Tests marked `postgres` need PostgreSQL; they skip on SQLite (CI runs them)."""
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


@pytest.fixture(autouse=True)
def no_background_rebuilds(monkeypatch):
    """A request that finds the data package out of date starts a rebuild on a thread; in tests the
    thread would read another connection's database. Tests that want the rebuild run it themselves."""
    from archive import views_data

    started = []
    monkeypatch.setattr(views_data, "start", started.append)
    yield started
    if views_data._rebuilding.locked():  # a recorded rebuild that never ran still holds the lock
        views_data._rebuilding.release()

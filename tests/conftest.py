import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.redis_server import redis_server, use_cache  # noqa: F401 - fixtures for the tests that use Redis

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def article_fixture_files() -> list[str]:
    """Every fixture file, in load order (their names sort in order)."""
    return [str(path) for path in sorted(FIXTURES_DIR.glob("*.yaml"))]


def pytest_configure(config):
    """Passwords are hashed with a fast hasher in tests, as Django's testing docs advise: the production
    hasher's million rounds cost about a third of a second for each user made or signed in with a password,
    and no test here is about the hasher itself. (Servers the tests start in subprocesses keep the real one.)"""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and cached pages live in the cache: each test starts empty."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def no_time_budgets(settings):
    """A list page's option counts, total and pictures are dropped when they overrun their time budget
    (`dialect.within_time_budget`, on PostgreSQL). Whether they do depends on how busy the machine is: on a
    loaded CI machine one of two answers the canary suite compares byte for byte was counted and the other
    was not. So no budget applies to pages the tests ask in this process; the tests of the budget set one
    (tests/test_list_counts.py, tests/test_site_pages.py's query budgets) or run out of time on purpose. Servers
    started in a subprocess (tests/gunicorn_server.py) keep the default budget."""
    settings.ARCHIVE_FACET_TIME_LIMIT_MS = 0


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

        def close():
            if close in _open_loads:
                _open_loads.remove(close)
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)

        _open_loads.append(close)
        try:
            call_command("loaddata", *article_fixture_files(), verbosity=0)
            yield close
        finally:
            close()


# The module's article load while it is open (at most one): a transactional test closes it first.
_open_loads: list = []


@pytest.fixture
def article(_article_module, db):
    """The archive's own data: the research article's records, loaded as `make run` loads them."""
    assert _open_loads, "a transactional test of this module ran first and rolled the article back"


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.fixture(autouse=True)
def _transactional_tests_start_outside_the_article(request, django_db_blocker):
    """A transactional test runs outside any transaction, so the article loaded for the module's other tests is
    rolled back first. pytest-django runs the transactional tests after all others, so another module's tests
    usually come between; but spread over processes (CI), a process's last test before them may be of the same
    module, its load still open."""
    if _open_loads and _transactional(request.node):
        with django_db_blocker.unblock():
            for close in list(_open_loads):
                close()


def _must_run(path: str, item=None) -> bool:
    """In CI (ARCHIVE_STRICT_SKIPS=1) PostgreSQL-only and browser tests may not skip: a skip there is a failure,
    so CI need not run them a second time to find out."""
    if os.environ.get("ARCHIVE_STRICT_SKIPS") != "1":
        return False
    return Path(path).name.startswith("test_browser") or (item is not None and item.get_closest_marker("postgres"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _must_run(str(item.path), item):
        report.outcome = "failed"
        report.longrepr = f"skipped where CI requires it to run (ARCHIVE_STRICT_SKIPS=1): {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(collector, pytest.Module) and _must_run(str(collector.path)):
        report.outcome = "failed"
        report.longrepr = f"module skipped where CI requires it to run (ARCHIVE_STRICT_SKIPS=1): {report.longrepr}"


def pytest_runtest_setup(item):
    """Tests marked `postgres` need PostgreSQL; they skip on SQLite (CI runs them)."""
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI does)")


@pytest.fixture(autouse=True)
def import_jobs_in_place(monkeypatch):
    """The admin's import jobs run on a thread of their own; in tests that thread would read another
    connection's database, so they run in place (tests/test_import_jobs.py runs one on its thread)."""
    from archive.admin import importjobs

    monkeypatch.setattr(importjobs, "spawn", lambda target: target())


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

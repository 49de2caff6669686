"""Several gunicorn workers, no Redis, a change made from another process: no worker serves what was withdrawn.

Each worker keeps its own memory cache (no REDIS_URL), but every cached answer is keyed on the archive's
generation, which lives in the database (archive/cache.py). So a withdrawal made by `manage.py` — a process
no worker hears from — retires every cached page in every worker at once. This runs the production server
(tests/gunicorn_server.py: three workers, DEBUG off, the response cache on) against the test database, on
PostgreSQL.
"""

import subprocess
import sys

import pytest
from django.db import connection

from archive import models
from tests import factories
from tests.gunicorn_server import BASE, Gunicorn

REQUESTS = 30


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def manage(server: Gunicorn, code: str) -> None:
    """Run Python in `manage.py shell`: another process, as an operator's command would be."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE,
        env={**server.environment, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed, so that gunicorn's workers see the records
def test_three_workers_without_redis_never_serve_a_protest_withdrawn_from_manage_py(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the workers and this test share the test database")
    protest = factories.ProtestFactory(public_id="protest-vigil", title="Vigil at the bazaar")
    factories.CitationFactory(record=protest)
    factories.ProtestFactory(public_id="protest-other", title="Another rally")
    user = factories.user_in_role("Editor", username="edna")
    # Three workers, each with its own memory cache (no REDIS_URL), the response cache on for five minutes.
    workers = Gunicorn(database_url(), tmp_path / "gunicorn.log", WEB_CONCURRENCY="3", ARCHIVE_CACHE_SECONDS="300")
    try:
        paths = ["/en/protests/protest-vigil/", "/en/protests/", "/api/v1/protests/protest-vigil/", "/fa/protests/"]
        for _ in range(REQUESTS):  # every worker answers and keeps each page in its own memory
            for path in paths:
                status, _headers, body, _seconds = workers.get(path)
                assert status == 200 and "Vigil at the bazaar" in body, (path, status)
        manage(
            workers,
            "from archive import models, workflow; from django.contrib.auth.models import User; "
            f"workflow.record_withdraw(record=models.Protest.objects.get(pk={protest.pk}), "
            f"user=User.objects.get(pk={user.pk}), reason='Misdated')",
        )
        assert models.Protest.objects.get(pk=protest.pk).status == models.Status.WITHDRAWN
        seen = []
        for _ in range(REQUESTS):
            for path in paths:
                status, _headers, body, _seconds = workers.get(path)
                seen.append((path, status, "Vigil at the bazaar" in body))
        shown = [(path, status) for path, status, leaked in seen if leaked]
        assert not shown, f"{len(shown)} of {len(seen)} answers still showed the withdrawn protest: {shown[:5]}"
        # The withdrawn protest's own address answers 410 with the public reason, everywhere.
        assert {status for path, status, _ in seen if path == "/en/protests/protest-vigil/"} == {410}
        assert {status for path, status, _ in seen if path == "/api/v1/protests/protest-vigil/"} == {410}
    finally:
        workers.stop()

"""Several gunicorn workers, no Redis, a change made from another process: no worker serves what was withdrawn.

Each worker keeps its own memory cache (no REDIS_URL), but every cached answer is keyed on the archive's
generation, which lives in the database (archive/cache.py). So a withdrawal made by `manage.py` — a process
no worker hears from — retires every cached page in every worker at once. This runs the production server
(gunicorn, three workers, DEBUG off, the response cache on) against the test database, on PostgreSQL.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from archive import models
from tests import factories

BASE = Path(__file__).resolve().parent.parent
REQUESTS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """gunicorn with three sync workers and production settings, each request on a new connection (so
    the master hands requests to whichever worker accepts first)."""

    def __init__(self, log: Path):
        self.port = free_port()
        environment = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_REPLICA_URLS"}}
        environment |= {
            "DEBUG": "0",
            "SECRET_KEY": "workers-test-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "1",
            "DATABASE_URL": database_url(),
            "ARCHIVE_CACHE_SECONDS": "300",  # the response cache on, for five minutes
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "3",
            "GUNICORN_THREADS": "1",
        }
        self.environment = environment
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py"],
                cwd=BASE,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while self.get("/healthz")[0] != 200:
            assert self.process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, str]:
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            link.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            response = link.getresponse()
            return response.status, response.read().decode()
        except OSError:
            return 0, ""
        finally:
            link.close()

    def manage(self, code: str) -> None:
        """Run Python in `manage.py shell`: another process, as an operator's command would be."""
        environment = {**self.environment, "DEBUG": "1"}
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=BASE,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # committed, so that gunicorn's workers see the records
def test_three_workers_without_redis_never_serve_a_protest_withdrawn_from_manage_py(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the workers and this test share the test database")
    protest = factories.ProtestFactory(public_id="protest-vigil", title="Vigil at the bazaar")
    factories.CitationFactory(record=protest)
    factories.ProtestFactory(public_id="protest-other", title="Another rally")
    user = factories.user_in_role("Editor", username="edna")
    workers = Workers(tmp_path / "gunicorn.log")
    try:
        paths = ["/en/protests/protest-vigil/", "/en/protests/", "/api/v1/protests/protest-vigil/", "/fa/protests/"]
        for _ in range(REQUESTS):  # every worker answers and keeps each page in its own memory
            for path in paths:
                status, body = workers.get(path)
                assert status == 200 and "Vigil at the bazaar" in body, (path, status)
        workers.manage(
            "from archive import models, workflow; from django.contrib.auth.models import User; "
            f"workflow.record_withdraw(record=models.Protest.objects.get(pk={protest.pk}), "
            f"user=User.objects.get(pk={user.pk}), reason='Misdated')"
        )
        assert models.Protest.objects.get(pk=protest.pk).status == models.Status.WITHDRAWN
        seen = []
        for _ in range(REQUESTS):
            for path in paths:
                status, body = workers.get(path)
                seen.append((path, status, "Vigil at the bazaar" in body))
        shown = [(path, status) for path, status, leaked in seen if leaked]
        assert not shown, f"{len(shown)} of {len(seen)} answers still showed the withdrawn protest: {shown[:5]}"
        # The withdrawn protest's own address answers 410 with the public reason, everywhere.
        assert {status for path, status, _ in seen if path == "/en/protests/protest-vigil/"} == {410}
        assert {status for path, status, _ in seen if path == "/api/v1/protests/protest-vigil/"} == {410}
    finally:
        workers.stop()

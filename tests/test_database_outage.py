"""While the database restarts or is unreachable, every request gets a clear 503 with Retry-After, never a
500 or a hang, and the archive serves again by itself once the database is back."""

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory
from psycopg.errors import QueryCanceled

from archive import health, models
from config.env import database_from_url
from tests.factories import ProtestFactory
from tests.gunicorn_server import Gunicorn, free_port

BASE = Path(__file__).resolve().parent.parent
PERSIAN_SITE_NAME = "بایگانی واکنش‌ها به جنگ قره‌باغ ۲۰۲۰"  # "Karabakh 2020 response archive" in fa


@contextmanager
def database_down(when=lambda sql: True, error=None):
    """Queries matching `when` fail the way psycopg fails when the server is gone (Django wraps it)."""

    def refuse(execute, sql, params, many, context):
        if when(sql):
            cause = error or psycopg.OperationalError("server closed the connection unexpectedly")
            raise OperationalError(str(cause)) from cause
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def outage_client():
    """For errors that reach handler500: a client that gets the response Django sends instead of re-raising
    the exception. (Where a view fails, tests use the plain client, which re-raises any exception a request
    lets escape: there the 503 must come from DatabaseUnavailableMiddleware, with no error signalled.)"""
    return Client(raise_request_exception=False)


def assert_site_503(response, language="en"):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert 'class="site-header"' in body  # the site's own page, not a bare error
    assert "Content-Security-Policy" in response


# --- In a view ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_whose_queries_fail_is_the_503_page(client):
    with database_down():
        response = client.get("/en/protests/")
    assert_site_503(response)
    assert "Briefly unavailable" in response.content.decode()


@pytest.mark.django_db
def test_the_503_page_is_in_the_visitors_language(client):
    with database_down():
        response = client.get("/fa/protests/")
    assert_site_503(response, language="fa")
    body = response.content.decode()
    assert 'dir="rtl"' in body and PERSIAN_SITE_NAME in body


@pytest.mark.django_db
def test_the_api_answers_503_json_with_a_code(client):
    with database_down():
        response = client.get("/api/v1/protests/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "http://testserver/api/v1/problems/database_unavailable/",
        "title": "Database unavailable",
        "status": 503,
        "detail": "The database is briefly unavailable. Please try again in a few seconds.",
        "code": "database_unavailable",
    }
    assert "Retry-After" in response["Access-Control-Expose-Headers"]  # a browser client may read it


@pytest.mark.django_db
def test_an_api_client_signed_in_with_a_token_gets_the_503_too(client, admin_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=admin_user)
    with database_down():
        response = client.get("/api/v1/protests/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


@pytest.mark.django_db
def test_a_connection_lost_mid_page_is_a_503_too(client):
    protest = ProtestFactory()
    queries = []

    def second_query_fails(sql):
        queries.append(sql)
        return len(queries) >= 2

    with database_down(when=second_query_fails, error=psycopg.InterfaceError("the connection is closed")):
        response = client.get(f"/en/protests/{protest.public_id}/")
    assert len(queries) >= 2
    assert_site_503(response)


@pytest.mark.django_db
def test_the_archive_serves_again_as_soon_as_the_database_is_back(client, settings):
    settings.ARCHIVE_CACHE_SECONDS = 300  # the 503 was not cached in its place
    ProtestFactory(title="Tabriz rally")
    with database_down():
        assert client.get("/en/protests/").status_code == 503
        assert client.get("/api/v1/protests/").status_code == 503
    assert b"Tabriz rally" in client.get("/en/protests/").content
    assert client.get("/api/v1/protests/").status_code == 200


@pytest.mark.django_db
def test_a_page_in_the_response_cache_is_not_served_while_its_validity_cannot_be_checked(client, settings):
    # The cache generation lives in the database (archive/cache.py): a cached page might hold a record
    # withdrawn since, and without the database nobody can tell. A 503 it is.
    settings.ARCHIVE_CACHE_SECONDS = 300
    settings.DATABASE_REPLICAS = []  # with replicas, fresh writes are deliberately not cached
    ProtestFactory(title="Tabriz rally")
    assert client.get("/en/protests/").status_code == 200
    with database_down():
        response = client.get("/en/protests/")
    assert_site_503(response)
    assert client.get("/en/protests/").status_code == 200  # and from the cache again once it is back


# --- Before the view: in a middleware, through handler500 ------------------------------------------------


@pytest.mark.django_db
def test_a_post_whose_transaction_cannot_start_is_the_503_page(outage_client):
    # WriteMiddleware opens the request's transaction before any view runs.
    with database_down():
        response = outage_client.post("/en/", {"anything": "x"})
    assert_site_503(response)


@pytest.mark.django_db
def test_a_curators_unsaved_change_gets_the_503_page_and_nothing_is_half_written(admin_client):
    protest = ProtestFactory(title="Urmia gathering")
    history = protest.history.count()
    with database_down(when=lambda sql: sql.lstrip().upper().startswith("DELETE")):
        response = admin_client.post(f"/admin/archive/protest/{protest.pk}/delete/", {"post": "yes"})
    assert_site_503(response)
    assert models.Protest.objects.filter(pk=protest.pk, title="Urmia gathering").exists()
    assert protest.history.count() == history


@pytest.mark.django_db
def test_a_write_that_loses_the_database_midway_is_logged_once(outage_client, caplog):
    # The view fails (a 503), then so does ending the request's transaction (handler500, a 503 again).
    with database_down(when=lambda sql: not sql.startswith("SAVEPOINT")), caplog.at_level("INFO"):
        response = outage_client.post("/en/", {"anything": "x"})
    assert_site_503(response)
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("WARNING", None)]


@pytest.mark.django_db
def test_a_signed_in_curator_whose_session_cannot_load_gets_the_503_page(admin_client):
    with database_down():
        response = admin_client.get("/admin/")
    assert_site_503(response)
    assert "sessionid" not in response.cookies  # the curator stays signed in for when it is back


@pytest.mark.django_db
def test_an_error_in_a_middleware_goes_through_handler500_with_debug_off(outage_client, settings, monkeypatch):
    assert settings.DEBUG is False
    from archive import middleware

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused") from psycopg.OperationalError("connection refused")

    monkeypatch.setattr(middleware.routers, "read_from_primary", unreachable)  # ReplicaPinMiddleware, early on
    assert_site_503(outage_client.get("/en/"))
    assert outage_client.get("/api/v1/protests/").json()["code"] == "database_unavailable"


# --- What is not an outage --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_any_other_error_is_still_a_500(outage_client, monkeypatch):
    from archive import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views.charts, "cached_home_context", broken)
    response = outage_client.get("/en/")
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_a_query_cut_off_by_the_statement_timeout_stays_a_400(client):
    with database_down(error=QueryCanceled("canceling statement due to statement timeout")):
        response = client.get("/api/v1/protests/")
    assert response.status_code == 400
    assert "took too long" in response.json()["detail"]


@pytest.mark.parametrize(
    ("exception", "outage"),
    [
        (OperationalError("could not connect to server"), True),
        (InterfaceError("connection already closed"), True),
        (psycopg.OperationalError("the connection is lost"), True),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
        (IntegrityError("duplicate key"), False),
        (ValueError("a bug"), False),
        (None, False),
    ],
)
def test_what_counts_as_the_database_being_away(exception, outage):
    assert health.is_database_outage(exception) is outage


def test_an_error_raised_while_handling_a_lost_connection_counts_too():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as lost:
            raise RuntimeError("while rendering") from lost
    except RuntimeError as exc:
        assert health.is_database_outage(exc)


def test_a_statement_timeout_is_not_an_outage():
    try:
        raise OperationalError("canceling statement") from QueryCanceled("canceling statement due to timeout")
    except OperationalError as exc:
        assert not health.is_database_outage(exc)


# --- The 503 itself -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_503_page_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/en/protests/")
    with django_assert_num_queries(0):
        response = health.database_unavailable(request, OperationalError("gone"))
    assert response.status_code == 503 and b"site-header" in response.content


@pytest.mark.django_db
def test_an_outage_logs_one_warning_line_per_request_and_no_traceback(outage_client, caplog):
    with database_down(), caplog.at_level("INFO"):
        outage_client.get("/en/protests/")
        outage_client.post("/en/", {"anything": "x"})
        outage_client.get("/api/v1/protests/")
    assert [(r.name, r.levelname, r.exc_info) for r in caplog.records] == [("archive.health", "WARNING", None)] * 3
    assert "GET /en/protests/" in caplog.records[0].getMessage()
    assert "OperationalError: server closed the connection unexpectedly" in caplog.records[0].getMessage()


# --- A server that does not answer is not waited for forever -------------------------------------------


def test_a_postgres_connection_gives_up_after_five_seconds_by_default(monkeypatch):
    monkeypatch.delenv("DATABASE_CONNECT_TIMEOUT", raising=False)
    assert database_from_url("postgres://db.example/archive", BASE)["OPTIONS"]["connect_timeout"] == 5


def test_the_connect_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "2")
    assert database_from_url("postgres://db.example/archive", BASE)["OPTIONS"]["connect_timeout"] == 2
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "-1")
    with pytest.raises(ImproperlyConfigured):
        database_from_url("postgres://db.example/archive", BASE)


def test_a_connect_timeout_in_the_url_wins(monkeypatch):
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "2")
    options = database_from_url("postgres://db.example/archive?connect_timeout=9", BASE)["OPTIONS"]
    assert options["connect_timeout"] == "9"


# --- A real restart: a throwaway PostgreSQL cluster, and gunicorn with production settings -----------------


class ThrowawayCluster:
    """A PostgreSQL cluster of this test's own, to stop and start at will (never the machine's). PostgreSQL
    refuses to run as root, so as root (CI) it runs as the postgres user."""

    def __init__(self, root: Path):
        self.bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))[-1].parent
        self.root, self.data, self.port = root, root / "data", free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(root, "postgres")

    def _pg(self, *args: str) -> None:
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True, timeout=60)

    def create(self) -> None:
        initdb = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"]
        self._pg(*initdb, "--no-sync", "--no-instructions", "-E", "UTF8")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "-w", "stop")

    def pg_ctl(self, *args: str) -> None:
        self._pg(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args)

    def load(self, name: str, from_settings: dict) -> str:
        """A database `name` holding what the test database holds (its migrations: faster than migrating)."""
        source = ["-h", from_settings["HOST"] or "127.0.0.1", "-p", str(from_settings["PORT"] or 5432)]
        source += ["-U", from_settings["USER"], from_settings["NAME"]]
        here = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        environment = {**os.environ, "PGPASSWORD": from_settings["PASSWORD"] or ""}
        subprocess.run([str(self.bindir / "createdb"), *here, name], check=True, env=environment, timeout=60)
        dump = subprocess.run(
            [str(self.bindir / "pg_dump"), "--no-owner", "--no-privileges", *source],
            check=True,
            capture_output=True,
            env=environment,
            timeout=120,
        )
        subprocess.run(
            [str(self.bindir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", *here, name],
            input=dump.stdout,
            check=True,
            capture_output=True,
            env=environment,
            timeout=120,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


def throwaway_cluster_unavailable() -> str:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        return "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run a cluster as"
        if not shutil.which("runuser"):
            return "running as root without runuser"
    return ""


def outage_server(database_url: str, log: Path) -> Gunicorn:
    """gunicorn (one sync worker, one persistent database connection) with production settings."""
    # Every page asks the database: no response cache.
    return Gunicorn(database_url, log, DATABASE_CONN_MAX_AGE="60", ARCHIVE_CACHE_SECONDS="0")


@pytest.fixture(scope="module")
def restartable(django_db_setup, tmp_path_factory):
    """A throwaway cluster holding the test database's schema, and gunicorn serving it."""
    from django.db import connection as default

    if default.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    reason = throwaway_cluster_unavailable()
    if reason:
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="archive-outage-"))
    cluster = ThrowawayCluster(root)
    server = None
    try:
        cluster.create()
        url = cluster.load("archive", default.settings_dict)
        server = outage_server(url, tmp_path_factory.mktemp("outage") / "gunicorn.log")
        yield cluster, server
    finally:
        if server is not None:
            server.stop()
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.postgres
@pytest.mark.django_db  # so that the test database (whose schema the throwaway cluster copies) is created
def test_a_restart_between_requests_goes_unnoticed(restartable):
    cluster, server = restartable
    assert server.get("/en/protests/")[0] == 200  # the worker now holds a persistent connection
    cluster.stop()
    cluster.start()
    status, _headers, _body, seconds = server.get("/en/protests/")
    # CONN_HEALTH_CHECKS: the dead connection is noticed and replaced before the page's first query.
    assert status == 200
    print(f"first request after a restart: {seconds:.3f} s")


@pytest.mark.postgres
@pytest.mark.django_db
def test_while_the_database_is_down_every_request_is_a_quick_503_and_it_recovers_by_itself(restartable):
    cluster, server = restartable
    assert server.get("/en/protests/")[0] == 200
    cluster.stop()
    try:
        readyz = server.get("/readyz", tls=False)  # a balancer's plain-HTTP probe: not redirected
        assert (readyz[0], readyz[1]["Retry-After"], json.loads(readyz[2])["database"]) == (503, "5", "unavailable")
        assert server.get("/healthz", tls=False)[0] == 200
        page = server.get("/en/protests/")
        assert (page[0], page[1]["Retry-After"]) == (503, "5") and "Briefly unavailable" in page[2]
        persian = server.get("/fa/protests/")
        assert persian[0] == 503 and 'lang="fa"' in persian[2] and PERSIAN_SITE_NAME in persian[2]
        api = server.get("/api/v1/protests/")
        assert (api[0], api[1]["Retry-After"], json.loads(api[2])["code"]) == (503, "5", "database_unavailable")
        post = server.get("/en/", method="POST")
        assert post[0] == 503 and "Briefly unavailable" in post[2]
        slowest = max(response[3] for response in (readyz, page, persian, api, post))
        print(f"slowest request while the database was down: {slowest:.3f} s")
        assert slowest < 2
    finally:
        restarted = time.monotonic()
        cluster.start()
    while (status := server.get("/en/protests/")[0]) != 200 and time.monotonic() - restarted < 10:
        time.sleep(0.2)
    print(f"serving again {time.monotonic() - restarted:.3f} s after the cluster was started")
    assert status == 200
    assert server.get("/readyz", tls=False)[0] == 200
    log = server.log.read_text()
    assert log.count("database unavailable, answered 503") == 4  # one line per request
    assert log.count("readyz: database unavailable") == 1
    assert "Traceback" not in log

"""While the database restarts or is unreachable, every request gets a clear 503 with Retry-After, never a
500 or a hang, and the archive serves again by itself once the database is back."""

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
    assert response.json() == {
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

"""Settings come from the environment and fail loudly on bad values."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int, env_list

BASE = Path(__file__).resolve().parent.parent


def test_no_database_url_means_sqlite_in_the_project():
    db = database_from_url("", BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == BASE / "db.sqlite3"


def test_postgres_url_is_parsed():
    db = database_from_url("postgres://arch%40ive:s%3Acret@db.example:6543/archive?sslmode=require", BASE)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "arch@ive",
        "s:cret",
        "db.example",
        "6543",
        "archive",
    )
    assert db["OPTIONS"] == {"sslmode": "require", "connect_timeout": 5}


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/archive", "postgres://postgres@127.0.0.1:5432/", "postgres://h:notaport/db"]
)
def test_unusable_database_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, BASE)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("0", False)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")


def test_env_int_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "archive.example, www.archive.example,")
    assert env_list("HOSTS", []) == ["archive.example", "www.archive.example"]


def _settings_in_subprocess(env: dict) -> subprocess.CompletedProcess:
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    clean_env = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=BASE, env=clean_env, capture_output=True, text=True)


def test_production_without_secret_key_refuses_to_start():
    result = _settings_in_subprocess({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_secret_key_starts_with_safe_defaults():
    result = _settings_in_subprocess({"SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "False [] True True"


def _manage(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean_env = {"PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE, env=clean_env, capture_output=True, text=True)


def test_one_off_commands_run_without_a_secret_key():
    result = _manage(["makemigrations", "--check", "--dry-run"], {})
    assert result.returncode == 0, result.stderr


def test_serving_without_a_secret_key_refuses_to_start():
    result = _manage(["runserver", "127.0.0.1:1", "--noreload"], {})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr

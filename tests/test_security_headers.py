"""A hardened deployment: CSP on every HTML page (the admin still works), `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.factories import ProtestFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url", ["/en/", "/fa/protests/", "/en/search/?q=x", "/en/no-such-page/", "/api/docs/", "/admin/login/"]
)
def test_every_html_response_has_a_content_security_policy(client, url):
    response = client.get(url)
    assert response["Content-Type"].startswith("text/html")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]


def test_public_pages_carry_no_inline_script_or_style(client):
    protest = ProtestFactory()
    for url in ["/en/", "/fa/", f"/en/protests/{protest.public_id}/", "/en/protests/", "/api/docs/"]:
        body = client.get(url).content.decode()
        assert "<script>" not in body and "<style" not in body and " style=" not in body, url


def test_the_admin_allows_inline_style_attributes_but_never_inline_scripts(admin_client):
    policy = admin_client.get("/admin/archive/protest/")["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in policy
    assert "script-src 'self'" in policy


def test_frames_and_referrers_are_refused(client):
    response = client.get("/en/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_public_pages_set_no_cookie_and_need_no_csrf_token(client):
    response = client.get("/en/")
    assert not response.cookies
    assert client.post("/i18n/setlang/", {"language": "fa", "next": "/fa/"}).status_code == 302


def test_the_admin_lives_where_admin_path_says(monkeypatch):
    env = {**os.environ, "ADMIN_PATH": "curators-only/", "DEBUG": "1"}
    script = (
        "import django; django.setup(); from django.urls import resolve, Resolver404;"
        "print(resolve('/curators-only/').app_name);"
        "\ntry:\n    resolve('/admin/')\nexcept Resolver404:\n    print('gone')"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["admin", "gone"]


def test_production_settings_pass_check_deploy():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}}
    env.update(SECRET_KEY="x" * 20 + "Qz9!kP2@mN5#" * 5, ALLOWED_HOSTS="archive.example.org", DEBUG="0")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_staff_can_still_sign_in_to_the_admin(client):
    User.objects.create_user("curator", password="a-long-pass-9!", is_staff=True)
    response = client.post("/admin/login/?next=/admin/", {"username": "curator", "password": "a-long-pass-9!"})
    assert response.status_code == 302 and response["Location"] == "/admin/"

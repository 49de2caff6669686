"""Sign-in brute force is throttled per client address, by the proxy rule the API throttle uses."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def curator():
    return User.objects.create_user("curator", password="right-pass-77!", is_staff=True)


def _attempt(client, password, **extra):
    return client.post(LOGIN, {"username": "curator", "password": password}, **extra)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_after_too_many_failures_even_the_right_password_is_refused(client, curator):
    for _ in range(3):
        assert _attempt(client, "wrong").status_code in {200, 429}
    response = _attempt(client, "right-pass-77!")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_forged_forwarded_for_does_not_reset_the_count(client, curator):
    for number in range(4):
        response = _attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert response.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3, REST_FRAMEWORK={"NUM_PROXIES": 1})
def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, curator):
    for _ in range(3):
        _attempt(client, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _attempt(client, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    response = _attempt(client, "right-pass-77!", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert response.status_code == 302


def test_a_success_clears_earlier_failures(client, curator):
    for _ in range(2):
        _attempt(client, "wrong")
    assert _attempt(client, "right-pass-77!").status_code == 302

"""The admin in a real browser (Chromium via Playwright): the live date preview under the strict CSP (#14).

Shares the browser fixtures of tests/test_browser.py (skips, like it, without Chromium or Playwright;
CI runs it)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.test_browser import archive_data, browser, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_typed_solar_hijri_date_previews_in_both_calendars_before_saving(page):  # noqa: F811
    User.objects.create_superuser("root", "root@example.org", "a-long-test-password")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/admin/login/?next=/admin/archive/protest/add/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/archive/protest/add/")
    date = page.locator("#id_date_text")
    date.fill("14 Aban 1399")
    preview = page.locator("#id_date_text-preview")
    expect(preview).to_contain_text("4 November 2020")
    expect(preview).to_contain_text("آبان")
    date.fill("Octobre 2020")
    expect(preview).to_have_class(re.compile("errornote"))
    expect(preview).to_contain_text("“Octobre 2020”")
    assert not [e for e in errors if "Content Security Policy" in e], errors

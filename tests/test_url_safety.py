"""Links and text a curator enters never run in a visitor's browser.

Every URL field accepts only http(s) addresses — one model validator that the
admin, the API and imports all apply — and the public pages escape curators'
text and turn only http(s) addresses into links, even for data that predates
the rule.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from archive import models
from archive.templatetags.archive_tags import record_url
from archive.validators import is_web_address, validate_web_address
from tests import factories

pytest.register_assert_rewrite("tests.import_export_helpers")
from tests.import_export_helpers import run  # noqa: E402

pytestmark = pytest.mark.django_db

UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
    "ftp://files.example.org/report.pdf",
    "vbscript:msgbox(1)",
    "//evil.example.org/page",
    "/relative/page",
    "http:alert(1)",
]
SAFE = [
    "https://example.org/article?id=7#p2",
    "http://web.archive.org/web/2020/https://example.org/",
    "https://تبریز.ir/",
]
URL_FIELDS = [(models.Source, "url"), (models.Source, "archived_url"), (models.MediaOutlet, "url")]


def test_every_url_field_of_every_model_has_the_validator():
    from django.apps import apps
    from django.db.models import URLField

    url_fields = [
        (model, f.name)
        for model in apps.get_app_config("archive").get_models()
        if not model.__name__.startswith("Historical")
        for f in model._meta.fields
        if isinstance(f, URLField)
    ]
    assert sorted(url_fields, key=str) == sorted(URL_FIELDS, key=str)
    for model, name in url_fields:
        assert validate_web_address in model._meta.get_field(name).validators


@pytest.mark.parametrize("address", UNSAFE)
@pytest.mark.parametrize(("model", "field"), URL_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_models_refuse_addresses_that_are_not_http(model, field, address):
    record = model(**{field: address})
    with pytest.raises(ValidationError) as refused:
        record.clean_fields(exclude={f.name for f in model._meta.fields} - {field})
    assert "http:// or https://" in " ".join(refused.value.message_dict[field])


@pytest.mark.parametrize("address", SAFE)
def test_web_addresses_are_accepted(address):
    validate_web_address(address)
    assert is_web_address(address)


# --- the three ways in ---------------------------------------------------------------------------------


def admin_post_data(client, url_name: str, fields: dict) -> dict:
    """The add form's own initial values and empty inlines, with `fields` filled in."""
    page = client.get(reverse(url_name))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


@pytest.mark.parametrize("address", ["javascript:alert(1)", "ftp://files.example.org/x", "data:text/html,hi"])
def test_the_admin_form_shows_an_error_and_saves_nothing(admin_client, address):
    fields = {"kind": "article", "title": "Unsafe link", "date_text": "2020", "public_id": "unsafe", "url": address}
    response = admin_client.post(
        reverse("admin:archive_source_add"), admin_post_data(admin_client, "admin:archive_source_add", fields)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"]
    assert not models.Source.objects.filter(title="Unsafe link").exists()


def test_the_admin_form_saves_a_web_address(admin_client):
    fields = {"kind": "article", "title": "Safe link", "date_text": "2020", "public_id": "safe-link"}
    fields["url"] = "https://example.org/a"
    response = admin_client.post(
        reverse("admin:archive_source_add"), admin_post_data(admin_client, "admin:archive_source_add", fields)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert models.Source.objects.get(title="Safe link").url == "https://example.org/a"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/sources/", {"kind": "article", "title": "T", "date": "2020", "url": "javascript:alert(1)"}, "url"),
        (
            "/api/v1/sources/",
            {"kind": "article", "title": "T", "date": "2020", "archived_url": "ftp://x.org/a"},
            "archived_url",
        ),
        ("/api/v1/media-outlets/", {"name": "O", "kind": "newspaper", "url": "data:text/html,hi"}, "url"),
    ],
    ids=["source-url-javascript", "source-archive-ftp", "outlet-url-data"],
)
def test_the_api_answers_400_and_saves_nothing(path, body, field):
    client = APIClient()
    token = Token.objects.create(user=factories.user_in_role("Archivist", "archie"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = models.Source.objects.count() + models.MediaOutlet.objects.count()
    response = client.post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert field in json.dumps(response.json())
    assert models.Source.objects.count() + models.MediaOutlet.objects.count() == before


GOOD_ROWS = {
    models.Source: {"kind": "article", "title": "Fine", "date": "2020", "url": "https://example.org"},
    models.MediaOutlet: {"name": "Fine", "kind": "newspaper", "url": "https://example.org"},
}


@pytest.mark.parametrize(
    ("model", "cells", "column"),
    [
        (models.Source, {"url": "javascript:alert(1)"}, "url"),
        (models.Source, {"archived_url": "file:///etc/passwd"}, "archived_url"),
        (models.MediaOutlet, {"url": "ftp://files.example.org/"}, "url"),
    ],
    ids=["source-url", "source-archived-url", "outlet-url"],
)
def test_an_import_names_the_row_and_column_and_writes_nothing(model, cells, column):
    good = GOOD_ROWS[model]
    report = run(model, [good, {**good, "url": "", **cells}])
    assert [(issue.row, issue.column) for issue in report.issues] == [(2, column)]
    assert "http:// or https://" in report.issues[0].message
    assert not model.objects.exists()


# --- the public pages ----------------------------------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def unsafe_record(db):
    """A published protest whose every curator-written text tries to run, citing a source whose links
    were stored before the rule (written straight to the table, past validation)."""
    source = factories.SourceFactory(title=f"Report {SCRIPT}", public_note=f"Note {SCRIPT}", url="https://ok.example")
    models.Source.objects.filter(pk=source.pk).update(url="javascript:alert(1)", archived_url="data:text/html,hi")
    protest = factories.ProtestFactory(title=f"Rally {SCRIPT}", description=f"Said {SCRIPT}", public_note=SCRIPT)
    models.ProtestSizeClaim.objects.create(protest=protest, words="hundreds", claimant=SCRIPT, note=f"fn {SCRIPT}")
    factories.CitationFactory(record=protest, source=source, quote=f"Quote {SCRIPT}", page="<b>12</b>")
    return protest, models.Source.objects.get(pk=source.pk)


def assert_nothing_runs(html: str) -> None:
    lowered = html.lower()
    assert "<script>alert" not in lowered
    assert 'href="javascript:' not in lowered and 'href="data:' not in lowered
    assert "<b>12</b>" not in html
    assert "&lt;script&gt;alert(" in html  # shown, as text


def test_the_record_page_shows_curators_text_as_text_and_only_web_links(client, unsafe_record):
    protest, source = unsafe_record
    for record in (protest, source):
        response = client.get(record_url(record))
        assert response.status_code == 200
        assert_nothing_runs(response.content.decode())
    assert "javascript:alert(1)" in client.get(record_url(source)).content.decode()  # the address, as text


def test_search_snippets_show_curators_text_as_text(client, unsafe_record):
    response = client.get(reverse("archive:search"), {"q": "said"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Said</mark>" in html
    assert_nothing_runs(html)

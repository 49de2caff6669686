"""Parts of a published record — its citations' quotes, the slogans it chants, its other names — change
only through an editor, whichever admin page is used: the part's own page (Citation, Slogan) shows
them read-only to an archivist, and a forged POST is refused by the write path with a 403 that leaves
nothing written. The same pages stay open to archivists for drafts, and to editors for everything."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from archive.models import Citation, Protest, Slogan, Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


def client_for(role: str) -> Client:
    client = Client()
    client.force_login(user_in_role(role, role.lower()))
    return client


@pytest.fixture
def archivist():
    return client_for("Archivist")


@pytest.fixture
def editor():
    return client_for("Editor")


def _value(form, name):
    value = form[name].value()
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def form_data(response) -> dict:
    """What a change page's submit button sends: the main form, each inline's management form and forms."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = _value(form, name)
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def url(record, view: str = "change") -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])


@pytest.fixture
def published():
    """A published protest with a citation and a slogan it chants."""
    protest = factories.ProtestFactory(status=Status.PUBLISHED, title="Rally in Tabriz")
    citation = CitationFactory(record=protest, quote="Original quote")
    slogan = Slogan.objects.create(text="Original slogan", language=factories.LanguageFactory())
    protest.slogans.add(slogan)
    protest.refresh_from_db()
    return protest, citation, slogan


def unchanged(protest, citation, slogan) -> bool:
    citation_now = Citation.objects.filter(pk=citation.pk).first()
    slogan_now = Slogan.objects.filter(pk=slogan.pk).first()
    return (
        citation_now is not None
        and citation_now.quote == "Original quote"
        and slogan_now is not None
        and slogan_now.text == "Original slogan"
        and Citation.objects.filter(object_id=protest.pk).count() == 1
        and Protest.objects.get(pk=protest.pk).updated == protest.updated
    )


def test_archivist_sees_a_published_records_citation_and_slogan_read_only(archivist, published):
    _protest, citation, slogan = published
    for part in (citation, slogan):
        page = archivist.get(url(part))
        assert page.status_code == 200
        assert not page.context["has_change_permission"] and not page.context["has_delete_permission"]
        assert not page.context["adminform"].form.fields


def test_archivists_forged_edits_of_a_published_records_parts_are_refused(archivist, editor, published):
    protest, citation, slogan = published
    citation_form = form_data(editor.get(url(citation))) | {"quote": "Forged quote"}
    slogan_form = form_data(editor.get(url(slogan))) | {"text": "Forged slogan"}
    assert archivist.post(url(citation), citation_form).status_code == 403
    assert archivist.post(url(slogan), slogan_form).status_code == 403
    assert unchanged(protest, citation, slogan)


def test_archivists_forged_deletes_of_a_published_records_parts_are_refused(archivist, published):
    protest, citation, slogan = published
    assert archivist.post(url(citation, "delete"), {"post": "yes"}).status_code == 403
    assert archivist.post(url(slogan, "delete"), {"post": "yes"}).status_code == 403
    bulk = archivist.post(
        reverse("admin:archive_citation_changelist"),
        {"action": "delete_selected", "_selected_action": [citation.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert unchanged(protest, citation, slogan)


def test_archivists_citation_added_to_a_published_record_is_refused(archivist, published):
    protest, citation, slogan = published
    response = archivist.post(
        reverse("admin:archive_citation_add"),
        {
            "content_type": ContentType.objects.get_for_model(Protest).pk,
            "object_id": protest.pk,
            "source": citation.source.pk,
            "quote": "Forged new quote",
        },
    )
    assert response.status_code == 403
    assert unchanged(protest, citation, slogan)


def test_archivists_edit_through_the_protests_own_inlines_is_refused(archivist, editor, published):
    protest, citation, slogan = published
    page = archivist.get(url(protest))
    assert not any(
        inline.has_add_permission or inline.has_change_permission for inline in page.context["inline_admin_formsets"]
    )
    data = form_data(editor.get(url(protest)))
    prefix = "archive-citation-content_type-object_id"
    assert data[f"{prefix}-0-quote"] == "Original quote"
    data[f"{prefix}-0-quote"] = "Forged through the inline"
    assert archivist.post(url(protest), data).status_code == 403
    data[f"{prefix}-0-quote"], data[f"{prefix}-0-DELETE"] = "Original quote", "on"
    assert archivist.post(url(protest), data).status_code == 403
    assert unchanged(protest, citation, slogan)


def test_editor_changes_a_published_records_quote_and_slogan(editor, published):
    protest, citation, slogan = published
    citation_form = form_data(editor.get(url(citation))) | {"quote": "Corrected quote"}
    slogan_form = form_data(editor.get(url(slogan))) | {"text": "Corrected slogan"}
    assert editor.post(url(citation), citation_form).status_code == 302
    assert editor.post(url(slogan), slogan_form).status_code == 302
    citation.refresh_from_db()
    slogan.refresh_from_db()
    assert (citation.quote, slogan.text) == ("Corrected quote", "Corrected slogan")
    assert Protest.objects.get(pk=protest.pk).updated > protest.updated


def test_editor_deletes_a_published_records_quote_through_its_inline(editor, published):
    protest, citation, _slogan = published
    data = form_data(editor.get(url(protest)))
    data["archive-citation-content_type-object_id-0-DELETE"] = "on"
    response = editor.post(url(protest), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert not Citation.objects.filter(pk=citation.pk).exists()
    assert Protest.objects.get(pk=protest.pk).updated > protest.updated


def test_archivist_still_edits_a_drafts_parts(archivist):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    citation = CitationFactory(record=protest, quote="Draft quote")
    slogan = Slogan.objects.create(text="Draft slogan", language=factories.LanguageFactory())
    protest.slogans.add(slogan)
    citation_form = form_data(archivist.get(url(citation))) | {"quote": "Better quote"}
    slogan_form = form_data(archivist.get(url(slogan))) | {"text": "Better slogan"}
    assert archivist.post(url(citation), citation_form).status_code == 302
    assert archivist.post(url(slogan), slogan_form).status_code == 302
    citation.refresh_from_db()
    slogan.refresh_from_db()
    assert (citation.quote, slogan.text) == ("Better quote", "Better slogan")
    assert archivist.post(url(citation, "delete"), {"post": "yes"}).status_code == 302
    assert not Citation.objects.filter(pk=citation.pk).exists()

"""Clearing a person's at-risk flag is an editor's act: an archivist may set it, and once it is set
sees it read-only; a forged POST that clears it is refused with a 403 and changes nothing."""

import pytest

from archive.models import Person, Status
from tests import factories
from tests.test_admin_parts import client_for, form_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist():
    return client_for("Archivist")


@pytest.fixture
def editor():
    return client_for("Editor")


@pytest.fixture
def at_risk():
    return factories.PersonFactory(status=Status.DRAFT, name="Vali Valiyev", at_risk=True, description="Before")


def test_archivist_sees_a_set_at_risk_flag_read_only(archivist, at_risk):
    page = archivist.get(url(at_risk))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "at_risk" not in form.fields and "description" in form.fields


def test_archivists_forged_post_clearing_at_risk_is_refused(archivist, editor, at_risk):
    data = form_data(editor.get(url(at_risk))) | {"description": "Forged", "at_risk": ""}
    assert archivist.post(url(at_risk), data).status_code == 403
    at_risk.refresh_from_db()
    assert (at_risk.at_risk, at_risk.description) == (True, "Before")


def test_archivists_edit_without_the_flag_leaves_it_set(archivist, at_risk):
    data = form_data(archivist.get(url(at_risk))) | {"description": "After"}
    assert "at_risk" not in data
    response = archivist.post(url(at_risk), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    at_risk.refresh_from_db()
    assert (at_risk.at_risk, at_risk.description) == (True, "After")


def test_archivist_may_mark_a_person_at_risk(archivist):
    person = factories.PersonFactory(status=Status.DRAFT, at_risk=False)
    data = form_data(archivist.get(url(person))) | {"at_risk": "on"}
    assert archivist.post(url(person), data).status_code == 302
    assert Person.objects.get(pk=person.pk).at_risk


def test_editor_clears_the_at_risk_flag(editor, at_risk):
    page = editor.get(url(at_risk))
    assert "at_risk" in page.context["adminform"].form.fields
    data = form_data(page)
    del data["at_risk"]  # the box unticked
    assert editor.post(url(at_risk), data).status_code == 302
    assert not Person.objects.get(pk=at_risk.pk).at_risk

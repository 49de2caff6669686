"""The record admin as archivists and editors use it: roles, history, conflicts."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from archive.models import PlaceName, Protest, Status
from tests import factories
from tests.factories import CitationFactory, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def language(db):
    return factories.LanguageFactory(code="en", name="English")


@pytest.fixture
def archivist_client(db):
    client = Client()
    client.force_login(user_in_role("Archivist", "archie"))
    return client


@pytest.fixture
def editor_client(db):
    client = Client()
    client.force_login(user_in_role("Editor", "edna"))
    return client


def protest_form(protest: Protest, **changes) -> dict:
    data = {
        "title": protest.title,
        "kind": protest.kind,
        "event_status": protest.event_status,
        "description": protest.description,
        "date_text": protest.date_start.isoformat() if protest.date_start else "undated",
        "date_note": "",
        "public_id": protest.public_id,
        "wikidata_qid": "",
        "public_note": "",
        "private_note": "",
        "change_reason": "",
        "loaded_version": protest.updated.isoformat(),
        "size_claims-TOTAL_FORMS": "0",
        "size_claims-INITIAL_FORMS": "0",
        "arrests-TOTAL_FORMS": "0",
        "arrests-INITIAL_FORMS": "0",
        "archive-citation-content_type-object_id-TOTAL_FORMS": "0",
        "archive-citation-content_type-object_id-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def test_archivist_edits_a_draft_and_history_records_who_and_why(archivist_client):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    response = archivist_client.post(
        change_url(protest), protest_form(protest, description="Crowds at the bazaar", change_reason="Footnote 16")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = protest.history.first()
    assert (latest.description, latest.history_user.username, latest.history_change_reason) == (
        "Crowds at the bazaar",
        "archie",
        "Footnote 16",
    )


def test_archivist_cannot_change_a_published_record(archivist_client):
    protest = factories.ProtestFactory(status=Status.PUBLISHED)
    response = archivist_client.post(change_url(protest), protest_form(protest, description="Sneaky"))
    assert response.status_code == 403
    protest.refresh_from_db()
    assert protest.description != "Sneaky"


def test_status_cannot_be_set_through_the_form(archivist_client):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    archivist_client.post(change_url(protest), protest_form(protest, status="published", restricted="on"))
    protest.refresh_from_db()
    assert (protest.status, protest.restricted) == (Status.DRAFT, False)


def test_second_save_of_a_stale_form_is_refused_with_what_changed(archivist_client):
    protest = factories.ProtestFactory(status=Status.DRAFT, description="Original")
    stale = protest_form(protest, description="Archivist's version")
    protest.description = "Someone else's version"
    protest.save()
    response = archivist_client.post(change_url(protest), stale)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "not saved" in errors and "description" in errors
    protest.refresh_from_db()
    assert protest.description == "Someone else's version"


def test_inline_edit_is_recorded_and_bumps_the_version(archivist_client, language):
    place = factories.PlaceFactory(status=Status.DRAFT, name="Urmia")
    before = place.updated
    data = {
        "name": "Urmia",
        "name_language": "",
        "kind": place.kind,
        "parent": "",
        "latitude": "",
        "longitude": "",
        "description": "",
        "public_id": place.public_id,
        "wikidata_qid": "",
        "public_note": "",
        "private_note": "",
        "change_reason": "",
        "loaded_version": place.updated.isoformat(),
        "other_names-TOTAL_FORMS": "1",
        "other_names-INITIAL_FORMS": "0",
        "other_names-0-name": "Urmu",
        "other_names-0-language": "en",
        "other_names-0-kind": "variant",
        "other_names-0-note": "",
        "archive-citation-content_type-object_id-TOTAL_FORMS": "0",
        "archive-citation-content_type-object_id-INITIAL_FORMS": "0",
    }
    response = archivist_client.post(change_url(place), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alias = PlaceName.objects.get(owner=place, name="Urmu")
    assert alias.history.first().history_user.username == "archie"
    place.refresh_from_db()
    assert place.updated > before


def test_bulk_publish_action_by_an_editor(editor_client):
    author = User.objects.create_user("writer")
    protests = factories.ProtestFactory.create_batch(3, status=Status.IN_REVIEW)
    for protest in protests:
        CitationFactory(record=protest)
        protest._history_user = author
        protest.save()
    response = editor_client.post(
        reverse("admin:archive_protest_changelist"),
        {"action": "publish", "_selected_action": [p.pk for p in protests]},
    )
    assert response.status_code == 302
    assert Protest.objects.filter(status=Status.PUBLISHED).count() == 3
    assert all(p.history.first().history_user.username == "edna" for p in protests)


def test_bulk_publish_reports_records_without_citations(editor_client):
    protest = factories.ProtestFactory(status=Status.IN_REVIEW)
    response = editor_client.post(
        reverse("admin:archive_protest_changelist"),
        {"action": "publish", "_selected_action": [protest.pk]},
        follow=True,
    )
    assert "without a citation" in response.content.decode()
    protest.refresh_from_db()
    assert protest.status == Status.IN_REVIEW


def test_archivist_has_no_publish_action(archivist_client):
    response = archivist_client.get(reverse("admin:archive_protest_changelist"))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "submit_for_review" in actions
    assert "publish" not in actions and "restrict" not in actions


def test_withdraw_action_asks_for_a_public_reason(editor_client):
    protest = factories.ProtestFactory(status=Status.PUBLISHED)
    url = reverse("admin:archive_protest_changelist")
    form_page = editor_client.post(url, {"action": "withdraw", "_selected_action": [protest.pk]})
    assert form_page.status_code == 200 and "Public reason" in form_page.content.decode()
    editor_client.post(
        url, {"action": "withdraw", "_selected_action": [protest.pk], "apply": "1", "reason": "Duplicate"}
    )
    protest.refresh_from_db()
    assert (protest.status, protest.withdrawn_reason) == (Status.WITHDRAWN, "Duplicate")


def test_history_view_shows_the_diff(editor_client):
    protest = factories.ProtestFactory(status=Status.DRAFT, description="Before")
    protest.description = "After"
    protest.save()
    response = editor_client.get(reverse("admin:archive_protest_history", args=[protest.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Before" in page and "After" in page


def test_editor_reverts_to_an_earlier_version(editor_client):
    protest = factories.ProtestFactory(status=Status.DRAFT, description="First")
    first = protest.history.first()
    protest.description = "Second"
    protest.save()
    url = reverse("admin:archive_protest_simple_history", args=[protest.pk, first.history_id])
    page = editor_client.get(url)
    assert page.status_code == 200
    data = protest_form(
        protest, description="First", loaded_version=page.context["adminform"].form.initial["loaded_version"]
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    protest.refresh_from_db()
    assert protest.description == "First"


@pytest.fixture
def view_only_client(client, db):
    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_protest"))
    client.force_login(user)
    return client


def test_view_only_staff_cannot_see_history_or_recover(view_only_client):
    protest = factories.ProtestFactory()
    assert view_only_client.get(reverse("admin:archive_protest_history", args=[protest.pk])).status_code == 403
    assert view_only_client.get(reverse("admin:archive_protest_recoverlist")).status_code == 403


def test_archivist_cannot_recover_but_editor_can(archivist_client, editor_client):
    protest = factories.ProtestFactory(status=Status.DRAFT, title="Deleted rally")
    CitationFactory(record=protest)
    pk = protest.pk
    protest.delete()
    deleted = Protest.history.get(id=pk, history_type="-")
    url = reverse("admin:archive_protest_recover", args=[deleted.history_id])
    assert archivist_client.post(url).status_code == 403
    listing = editor_client.get(reverse("admin:archive_protest_recoverlist"))
    assert "Deleted rally" in listing.content.decode()
    response = editor_client.post(url)
    assert response.status_code == 302
    recovered = Protest.objects.get(pk=pk)
    assert recovered.title == "Deleted rally"
    assert recovered.citations.count() == 1


@pytest.mark.parametrize(
    ("typed", "start", "end", "precision"),
    [
        ("2020", "2020-01-01", None, "year"),
        ("2020-10", "2020-10-01", None, "month"),
        ("mid-October 2020", "2020-10-01", None, "mid-month"),
        ("18 October 2020", "2020-10-18", None, "day"),
        ("14 Aban 1399", "2020-11-04", None, "day"),
        ("6–13 April 1993", "1993-04-06", "1993-04-13", "day"),
        ("undated", None, None, "undated"),
    ],
)
def test_archivist_types_dates_as_the_sources_give_them(archivist_client, typed, start, end, precision):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    response = archivist_client.post(change_url(protest), protest_form(protest, date_text=typed))
    assert response.status_code == 302, response.context["adminform"].form.errors
    protest.refresh_from_db()
    as_text = (
        str(protest.date_start) if protest.date_start else None,
        str(protest.date_end) if protest.date_end else None,
    )
    assert (*as_text, protest.date_precision) == (start, end, precision)


@pytest.mark.parametrize("typed", ["2020-02-30", "30 Esfand 1400", "next Tuesday", "2020-10-18..2020-10-01", ""])
def test_bad_dates_are_form_errors(archivist_client, typed):
    protest = factories.ProtestFactory(status=Status.DRAFT)
    response = archivist_client.post(change_url(protest), protest_form(protest, date_text=typed))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date_text"]


def test_change_form_shows_both_calendars(archivist_client):
    protest = factories.ProtestFactory(status=Status.DRAFT, date_start="2020-11-04")
    page = archivist_client.get(change_url(protest)).content.decode()
    assert "14 Aban 1399" in page and "۱۴ آبان ۱۳۹۹" in page


def test_the_add_form_does_not_call_a_record_undated_before_it_is_saved(archivist_client):
    page = archivist_client.get(reverse("admin:archive_protest_add")).content.decode()
    stored = page.split("field-date_calendars", 1)[1].split("</div>", 3)
    assert "undated" not in "".join(stored[:3])

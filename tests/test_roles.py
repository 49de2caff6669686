"""Role × action matrix for the admin: anonymous, view-only staff, archivist, editor."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from archive.models import Status
from tests import factories
from tests.factories import user_in_role

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "viewer", "archivist", "editor"]


def client_for(role: str) -> Client:
    client = Client()
    if role == "viewer":
        user = User.objects.create_user("viewer", is_staff=True)
        # Sees records, not their history (history can hold restricted values).
        view = Permission.objects.filter(codename__startswith="view_", content_type__app_label="archive")
        user.user_permissions.add(*view.exclude(codename__startswith="view_historical"))
        client.force_login(user)
    elif role in {"archivist", "editor"}:
        client.force_login(user_in_role(role.capitalize(), role))
    return client


def allowed(response) -> bool:
    if response.status_code in {401, 403}:
        return False
    if response.status_code == 302:
        return "/login/" not in response["Location"]
    return response.status_code == 200


ACTIONS = {
    # action: (method, url builder, data builder, roles allowed)
    "view list": (
        "get",
        lambda p: reverse("admin:archive_protest_changelist"),
        None,
        {"viewer", "archivist", "editor"},
    ),
    "open add form": ("get", lambda p: reverse("admin:archive_protest_add"), None, {"archivist", "editor"}),
    "open draft for editing": (
        "get",
        lambda p: reverse("admin:archive_protest_change", args=[p["draft"].pk]),
        None,
        {"viewer", "archivist", "editor"},
    ),
    "delete a record": (
        "get",
        lambda p: reverse("admin:archive_protest_delete", args=[p["draft"].pk]),
        None,
        {"editor"},
    ),
    "view history": (
        "get",
        lambda p: reverse("admin:archive_protest_history", args=[p["draft"].pk]),
        None,
        {"archivist", "editor"},
    ),
    "open revert form": (
        "get",
        lambda p: reverse("admin:archive_protest_simple_history", args=[p["draft"].pk, p["draft"].history.first().pk]),
        None,
        {"archivist", "editor"},  # archivists see the old version; only editors get the revert button
    ),
    "recover deleted": ("get", lambda p: reverse("admin:archive_protest_recoverlist"), None, {"editor"}),
    "import": ("get", lambda p: reverse("admin:archive_protest_import"), None, {"archivist", "editor"}),
    "export": ("get", lambda p: reverse("admin:archive_protest_export"), None, {"archivist", "editor"}),
    "delete a published record's quote": (
        "post",
        lambda p: reverse("admin:archive_citation_delete", args=[p["quote"].pk]),
        {"post": "yes"},
        {"editor"},
    ),
}


@pytest.fixture
def protests(db):
    published = factories.ProtestFactory(status=Status.PUBLISHED)
    return {
        "draft": factories.ProtestFactory(status=Status.DRAFT),
        "quote": factories.CitationFactory(record=published),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_action_matrix(protests, role, action):
    method, url, data, roles = ACTIONS[action]
    response = getattr(client_for(role), method)(url(protests), data or {})
    assert allowed(response) is (role in roles), (role, action, response.status_code)


@pytest.mark.parametrize(("role", "may"), [("archivist", {"submit_for_review"}), ("editor", None)])
def test_actions_offered_by_role(protests, role, may):
    response = client_for(role).get(reverse("admin:archive_protest_changelist"))
    offered = set(dict(response.context["action_form"].fields["action"].choices)) - {""}
    workflow_actions = {"submit_for_review", "publish", "return_to_draft", "withdraw", "restrict", "unrestrict"}
    expected = may if may is not None else workflow_actions
    assert offered & workflow_actions == expected


def test_revert_button_only_for_editors(protests):
    draft = protests["draft"]
    url = reverse("admin:archive_protest_simple_history", args=[draft.pk, draft.history.first().pk])
    archivist_page = client_for("archivist").get(url).content.decode()
    editor_page = client_for("editor").get(url).content.decode()
    assert "Revert" in editor_page
    assert 'name="_save"' not in archivist_page


# --- a role is enough to sign in (issue #14) ----------------------------------------------------------


def signs_in(username: str) -> bool:
    """Through the admin's sign-in form, as a person does (django-axes turns away `client.login`)."""
    client = Client()
    client.post(reverse("admin:login"), {"username": username, "password": "pw-12345!x"})
    return client.get(reverse("admin:index")).status_code == 200


def user_form(user, groups) -> dict:
    """The admin's user change form as a superuser would submit it, with these groups ticked."""
    return {
        "username": user.username,
        "is_active": "on",
        "groups": [group.pk for group in groups],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }


@pytest.mark.parametrize("role", ["Archivist", "Editor"])
def test_a_user_given_a_role_in_the_admin_user_form_can_sign_in(admin_client, role):
    user = User.objects.create_user("newcomer", password="pw-12345!x")
    assert not signs_in("newcomer")
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]), user_form(user, Group.objects.filter(name=role))
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=user.pk).is_staff
    assert signs_in("newcomer")


def test_a_user_added_to_a_role_from_the_group_side_can_sign_in(db):
    user = User.objects.create_user("newcomer", password="pw-12345!x")
    Group.objects.get(name="Editor").user_set.add(user)
    assert signs_in("newcomer")


def test_other_groups_grant_no_sign_in_and_leaving_a_role_keeps_staff_status(db):
    user = User.objects.create_user("newcomer", password="pw-12345!x")
    user.groups.add(Group.objects.create(name="Newsletter"))
    assert not User.objects.get(pk=user.pk).is_staff
    archivists = Group.objects.get(name="Archivist")
    user.groups.add(archivists)
    assert user.is_staff  # the instance in hand agrees, so saving it later keeps the flag
    user.groups.remove(archivists)
    assert User.objects.get(pk=user.pk).is_staff  # a superuser decides whether someone stops being staff


def test_a_superuser_who_unticks_staff_status_is_not_overruled_by_an_unrelated_group(db):
    user = factories.user_in_role("Archivist", "archie")
    user.is_staff = False
    user.save()
    user.groups.add(Group.objects.create(name="Newsletter"))
    assert not User.objects.get(pk=user.pk).is_staff

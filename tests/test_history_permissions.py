"""History in the admin is as restricted as the records (issue #8): with
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS on, a staff user needs the historical model's own
permissions — view to read history, change to revert or recover — whatever they may do to records.

History holds everything a record ever said, restricted names and private notes included, so
reading it, reverting to it and recovering from it are each checked for every record type. A
revert brings back content, never a workflow decision: it cannot lift a restriction, undo a
withdrawal or un-withhold an at-risk person's name.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from archive import workflow
from archive.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db

FACTORIES = [
    f.ProtestFactory,
    f.ArrestFactory,
    f.StatementFactory,
    f.OrganizationFactory,
    f.MediaOutletFactory,
    f.PersonFactory,
    f.PlaceFactory,
    f.SourceFactory,
]
VIEWS = ("history", "version", "revert", "recover list", "recover")
# What each kind of staff user gets from each view.
EXPECTED = {
    "no permissions": (403, 403, 403, 403, 403),
    "record permissions only": (403, 403, 403, 403, 403),
    "history reader": (200, 200, 403, 403, 403),
    "Archivist": (200, 200, 403, 403, 403),
    "Editor": (200, 200, 302, 200, 302),
}


def model_name(factory) -> str:
    return factory._meta.model._meta.model_name


def staff(who: str, name: str) -> Client:
    user = User.objects.create_user(f"{who.replace(' ', '-')}-{name}", is_staff=True)
    codenames = {
        "record permissions only": [f"{action}_{name}" for action in ("view", "add", "change", "delete", "publish")],
        "history reader": [f"view_historical{name}"],
    }.get(who, [])
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="archive", codename__in=codenames))
    if who in {"Archivist", "Editor"}:
        user.groups.add(Group.objects.get(name=who))
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def revert_form(client: Client, url: str) -> dict:
    """The revert page's form as its submit button would send it."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def two_versions(factory, **fields):
    """A record saved twice: its first version's private note says "First"."""
    record = factory(private_note="First", **fields)
    first = record.history.earliest("history_date")
    record.private_note = "Second"
    record.save()
    return record, first


def deleted(factory) -> int:
    """The history id of a deleted record's last version."""
    record = factory(status=Status.DRAFT)
    pk = record.pk
    record.delete()
    return factory._meta.model.history.get(id=pk, history_type="-").history_id


@pytest.mark.parametrize("factory", FACTORIES, ids=model_name)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_history_views_need_the_historical_models_permissions(factory, who):
    name = model_name(factory)
    record, first = two_versions(factory, status=Status.DRAFT)
    editor = staff("Editor", name)
    version = reverse(f"admin:archive_{name}_simple_history", args=[record.pk, first.history_id])
    form = revert_form(editor, version)
    client = editor if who == "Editor" else staff(who, name)
    got = (
        client.get(reverse(f"admin:archive_{name}_history", args=[record.pk])).status_code,
        client.get(version).status_code,
        client.post(version, form).status_code,
        client.get(reverse(f"admin:archive_{name}_recoverlist")).status_code,
        client.post(reverse(f"admin:archive_{name}_recover", args=[deleted(factory)])).status_code,
    )
    assert dict(zip(VIEWS, got, strict=True)) == dict(zip(VIEWS, EXPECTED[who], strict=True))
    record.refresh_from_db()
    assert record.private_note == ("First" if who == "Editor" else "Second")


@pytest.mark.parametrize("factory", FACTORIES, ids=model_name)
def test_a_revert_restores_content_but_never_a_workflow_decision(factory):
    name = model_name(factory)
    record, first = two_versions(factory, status=Status.PUBLISHED)
    editor = staff("Editor", name)
    editor_user = User.objects.get(username=f"Editor-{name}")
    workflow.record_set_restricted(record=record, user=editor_user, restricted=True)
    if name == "person":
        record.at_risk = True
        record.save()
    version = reverse(f"admin:archive_{name}_simple_history", args=[record.pk, first.history_id])
    assert editor.post(version, revert_form(editor, version)).status_code == 302
    record.refresh_from_db()
    assert record.private_note == "First"
    assert (record.status, record.restricted, getattr(record, "at_risk", True)) == (Status.PUBLISHED, True, True)


def test_a_revert_cannot_undo_a_withdrawal():
    record, first = two_versions(f.ProtestFactory, status=Status.PUBLISHED)
    editor = staff("Editor", "protest")
    workflow.record_withdraw(record=record, user=User.objects.get(username="Editor-protest"), reason="Duplicate")
    version = reverse("admin:archive_protest_simple_history", args=[record.pk, first.history_id])
    assert editor.post(version, revert_form(editor, version)).status_code == 302
    record.refresh_from_db()
    assert (record.private_note, record.status, record.withdrawn_reason) == ("First", Status.WITHDRAWN, "Duplicate")

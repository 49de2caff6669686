"""Every way a record or one of its parts changes ends in the one write path (archive.changes), and so
brings the same side effects: the cache generation moves; a record that stops being public leaves a
tombstone; every public record whose API record changed gets a new `updated`; every search entry is
what its record's document gives now.

The walk enumerates the write paths from the app itself — every model the admin offers (add, change,
delete), every admin bulk action, every API type (create, edit, delete, workflow), every import
type — so a new admin page, action or API type is walked too; an action or type the walk does not
know how to drive fails here until it is taught, rather than going unchecked. Merge, recovery,
history revert and fixture loads are walked by hand.
"""

import io
import json

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from archive import models as m
from archive import registry, workflow
from archive.imports import import_records
from tests import factories as f
from tests import write_world
from tests.write_world import assert_followed_by_its_side_effects, snapshot

pytestmark = pytest.mark.django_db

ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "archive"), key=lambda m_: m_.__name__
)
# Bookkeeping the write path keeps: shown in the admin, never written there.
READ_ONLY = {m.Tombstone}
# Actions that read and write nothing.
READING_ACTIONS = {"export_admin_action"}
FACTORIES = {
    "protests": f.ProtestFactory,
    "arrests": f.ArrestFactory,
    "statements": f.StatementFactory,
    "organizations": f.OrganizationFactory,
    "media-outlets": f.MediaOutletFactory,
    "people": f.PersonFactory,
    "places": f.PlaceFactory,
    "sources": f.SourceFactory,
}
# A new record through the API: the least each type needs.
NEW = {
    "protests": {"title": "Walked rally", "kind": "rally", "date": "October 2020", "places": ["walk-tabriz"]},
    "arrests": {"group_description": "walked activists", "date": "2020", "place": "walk-tabriz"},
    "statements": {"title": "Walked letter", "form": "letter", "date": "undated", "speaker_people": ["walk-ahmad"]},
    "organizations": {"name": "Walked Front", "kind": "political", "based_in": "walk-tabriz"},
    "media-outlets": {"name": "Walked TV", "kind": "tv", "owner": "walk-gamac"},
    "people": {"name": "Walked Person"},
    "places": {"name": "Walked Village", "kind": "village", "parent": "walk-tabriz"},
    "sources": {"title": "Walked report", "kind": "article", "date": "2020-10-18", "outlet": "walk-gunaz"},
}


@pytest.fixture
def world(db):
    return write_world.build()


@pytest.fixture
def public():
    return Client()


def signed_in(role: str, name: str) -> Client:
    client = Client()
    client.force_login(f.user_in_role(role, name))
    return client


def token(role: str, name: str) -> Client:
    user = f.user_in_role(role, name)
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def walk(public, write) -> None:
    before = snapshot(public)
    write_world.later()
    write()
    assert_followed_by_its_side_effects(before, snapshot(public))


def spare(key: str, **fields):
    """A public record of `key` that others show but nothing protects from deletion."""
    record = FACTORIES[key](public_id=f"spare-{key}", **fields)
    f.CitationFactory(record=record, source=m.Source.objects.get(public_id="walk-source"))
    statement = m.Statement.objects.get(public_id="walk-statement")
    protest = m.Protest.objects.get(public_id="walk-protest")
    linked = {
        "protests": lambda: statement.about_protests.add(record),
        "arrests": lambda: statement.about_arrests.add(record),
        "statements": lambda: statement.about_statements.add(record),
        "organizations": lambda: protest.organizers.add(record),
        "media-outlets": lambda: statement.reported_in.add(record),
        "people": lambda: statement.speaker_people.add(record),
        "places": lambda: protest.places.add(record),
        "sources": lambda: None,  # a cited source is protected; an uncited one is shown by nobody
    }
    linked[key]()
    return record


# --- The admin: add, change and delete on every page it offers ---------------------------------------


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(context) -> dict:
    """The change page's forms as their submit button would send them, inlines included."""
    data = {}
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "" if value is None else str(value)
    return data


TEXT_FIELDS = ("description", "summary", "quote", "text", "translation", "role", "name", "note", "title")


def edited(data: dict, fields) -> dict:
    name = next(name for name in TEXT_FIELDS if name in fields)
    return {**data, name: data[name] + " (walked)"}


def example(model, world):
    """An object of `model` that the world has, for its change page."""
    return model._base_manager.order_by("pk").first()


def fresh(model, world):
    """An object of `model` that can be deleted, shown by others where it can be."""
    if registry.is_record(model):
        return spare(registry.key_of(model))
    if model is m.Language:
        return m.Language.objects.create(code="tr", name="Turkish")
    return example(model, world)


@pytest.mark.parametrize("model", [m_ for m_ in ADMINS if m_ not in READ_ONLY], ids=lambda m_: m_.__name__)
def test_admin_change_page(world, public, model):
    editor = signed_in("Editor", "edna")
    record = example(model, world)
    page = editor.get(admin_url(model, "change", record.pk))
    data = edited(form_data(page.context), page.context["adminform"].form.fields)

    def write():
        response = editor.post(admin_url(model, "change", record.pk), data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    walk(public, write)


@pytest.mark.parametrize("model", [m_ for m_ in ADMINS if m_ not in READ_ONLY], ids=lambda m_: m_.__name__)
def test_admin_add_page(world, public, model):
    editor = signed_in("Editor", "edna")
    record = example(model, world)
    page = editor.get(admin_url(model, "change", record.pk))
    data = edited(form_data(page.context), page.context["adminform"].form.fields)
    for inline in page.context["inline_admin_formsets"]:  # a new record starts with no parts
        prefix = inline.formset.prefix
        data = {k: v for k, v in data.items() if not k.startswith(prefix + "-")}
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.pop("loaded_version", None)
    data.update({key: value for key, value in {"public_id": "walk-added", "code": "tr"}.items() if key in data})

    def write():
        response = editor.post(admin_url(model, "add"), data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    walk(public, write)


@pytest.mark.parametrize("model", [m_ for m_ in ADMINS if m_ not in READ_ONLY], ids=lambda m_: m_.__name__)
def test_admin_delete_page(world, public, model):
    editor = signed_in("Editor", "edna")
    record = fresh(model, world)

    def write():
        response = editor.post(admin_url(model, "delete", record.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not model._base_manager.filter(pk=record.pk).exists()

    walk(public, write)


def test_bookkeeping_is_read_only_in_the_admin(world):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = f.user_in_role("Editor", "edna")
    for model in READ_ONLY:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


# --- Admin bulk actions ------------------------------------------------------------------------------


def in_state(key: str, status: str, **fields):
    record = FACTORIES[key](status=status, **fields)
    f.CitationFactory(record=record, source=m.Source.objects.get(public_id="walk-source"))
    return record


ACTIONS = {
    # action: (who runs it, records to select, extra form data)
    "submit_for_review": ("Archivist", lambda key: [in_state(key, m.Status.DRAFT)], {}),
    "publish": ("Editor", lambda key: [in_state(key, m.Status.IN_REVIEW)], {}),
    "return_to_draft": ("Editor", lambda key: [in_state(key, m.Status.IN_REVIEW)], {}),
    "withdraw": ("Editor", lambda key: [spare(key)], {"apply": "1", "reason": "Could not be verified."}),
    "restrict": ("Editor", lambda key: [spare(key)], {}),
    "unrestrict": ("Editor", lambda key: [in_state(key, m.Status.PUBLISHED, restricted=True)], {}),
    "delete_selected": ("Editor", lambda key: [spare(key)], {"post": "yes"}),
    "merge_selected": ("Editor", lambda key: [spare(key), FACTORIES[key]()], {"apply": "1"}),
}


def action_cases():
    from django.test import RequestFactory

    cases = []
    for record_type in registry.TYPES:
        model_admin = admin.site._registry[record_type.model]
        for role in ("Archivist", "Editor"):
            request = RequestFactory().get("/")
            request.user = _role_user(role)
            cases += [(record_type.key, name) for name in model_admin.get_actions(request)]
    return sorted(set(cases) - {(key, name) for key, name in cases if name in READING_ACTIONS})


def _role_user(role: str):
    """A stand-in user of a role for listing actions at collection time (no database yet)."""
    from archive import roles

    class RoleUser:
        is_active = is_staff = True
        is_superuser = False
        pk = None

        def has_perm(self, perm, obj=None):
            codenames = roles.role_codenames([t.model_name for t in registry.TYPES] + ["citation"])[role]
            return perm.split(".", 1)[1] in codenames

    return RoleUser()


@pytest.mark.parametrize(("key", "action"), action_cases())
def test_admin_bulk_action(world, public, key, action):
    if action not in ACTIONS:
        pytest.fail(f"the write-path walk does not know the admin action {action!r}: teach it (ACTIONS)")
    role, select, extra = ACTIONS[action]
    client = signed_in(role, "actor")
    records = select(key)
    model = registry.get(key).model
    data = {"action": action, "_selected_action": [r.pk for r in records], **extra}
    if action == "merge_selected":
        data["survivor"] = records[0].pk

    def write():
        response = client.post(admin_url(model, "changelist"), data)
        assert response.status_code in {200, 302}
        messages = [str(message) for message in response.wsgi_request._messages]
        assert not any("may not" in text or "cannot" in text for text in messages), messages

    walk(public, write)


# --- The API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", registry.KEYS)
def test_api_create(world, public, key):
    archivist = token("Archivist", "archie")

    def write():
        response = archivist.post(f"/api/v1/{key}/", NEW[key], content_type="application/json")
        assert response.status_code == 201, response.content

    walk(public, write)


@pytest.mark.parametrize("key", registry.KEYS)
def test_api_edit_of_a_public_record(world, public, key):
    editor = token("Editor", "edna")
    record = spare(key)
    field = next(f_.name for f_ in registry.get(key).fields if f_.kind == "text" and f_.name != "url")

    def write():
        response = editor.patch(
            f"/api/v1/{key}/{record.public_id}/", {field: "Walked through the API"}, content_type="application/json"
        )
        assert response.status_code == 200, response.content

    walk(public, write)


@pytest.mark.parametrize("key", registry.KEYS)
def test_api_delete(world, public, key):
    editor = token("Editor", "edna")
    record = spare(key)

    def write():
        assert editor.delete(f"/api/v1/{key}/{record.public_id}/").status_code == 204

    walk(public, write)


@pytest.mark.parametrize(
    ("action", "state", "role"),
    [
        ("submit", {"status": m.Status.DRAFT}, "Archivist"),
        ("publish", {"status": m.Status.IN_REVIEW}, "Editor"),
        ("return-to-draft", {"status": m.Status.IN_REVIEW}, "Editor"),
        ("withdraw", {}, "Editor"),
        ("restrict", {}, "Editor"),
        ("unrestrict", {"restricted": True}, "Editor"),
    ],
)
@pytest.mark.parametrize("key", ["protests", "people"])
def test_api_workflow(world, public, key, action, state, role):
    client = token(role, "actor")
    fields = {name: value for name, value in state.items() if name != "status"}
    record = spare(key) if not state else in_state(key, state.get("status", m.Status.PUBLISHED), **fields)

    def write():
        body = {"action": action, "reason": "Could not be verified."}
        url = f"/api/v1/{key}/{record.public_id}/status/"
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, response.content

    walk(public, write)


# --- Imports, merge, recovery, history revert, fixture loads ----------------------------------------


@pytest.mark.parametrize("key", registry.KEYS)
def test_import(world, public, key):
    row = {k: (" | ".join(v) if isinstance(v, list) else v) for k, v in NEW[key].items()}
    user = f.user_in_role("Archivist", "archie")

    def write():
        report = import_records(key, json.dumps([row]).encode(), file_name="walk.json", user=user)
        assert report.ok, report.messages

    walk(public, write)


@pytest.mark.parametrize("key", [t.key for t in registry.TYPES if t.mergeable])
def test_merge(world, public, key):
    from archive.merge import entity_merge

    editor = f.user_in_role("Editor", "edna")
    survivor, duplicate = spare(key), FACTORIES[key](public_id=f"duplicate-{key}")

    def write():
        entity_merge(survivor=survivor, duplicates=[duplicate], user=editor)

    walk(public, write)


def test_recover_deleted_record(world, public):
    editor = signed_in("Editor", "edna")
    record = spare("organizations")
    pk = record.pk
    record.delete()
    deleted = m.Organization.history.get(id=pk, history_type="-")

    def write():
        response = editor.post(admin_url(m.Organization, "recover", deleted.history_id))
        assert response.status_code == 302

    walk(public, write)


def test_revert_to_an_earlier_version(world, public):
    editor = signed_in("Editor", "edna")
    protest = m.Protest.objects.get(public_id="walk-protest")
    first = protest.history.order_by("history_date").first()
    protest.description = "A second version"
    protest.save()
    url = reverse("admin:archive_protest_simple_history", args=[protest.pk, first.history_id])
    data = form_data(editor.get(url).context)

    def write():
        response = editor.post(url, data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    walk(public, write)


def test_loaddata(world, public, tmp_path):
    protest = m.Protest.objects.get(public_id="walk-protest")
    fixture = tmp_path / "walk.json"
    rows = json.loads(io.StringIO(_dump(protest)).read())
    rows[0]["fields"]["title"] = "Rally in Tabriz, as a fixture says"
    fixture.write_text(json.dumps(rows))

    def write():
        call_command("loaddata", str(fixture), verbosity=0)

    walk(public, write)


def _dump(record) -> str:
    from django.core import serializers

    return serializers.serialize("json", [record])


def test_a_workflow_service_called_directly(world, public):
    editor = f.user_in_role("Editor", "edna")
    protest = m.Protest.objects.get(public_id="walk-protest")
    walk(public, lambda: workflow.record_withdraw(record=protest, user=editor, reason="Duplicate."))

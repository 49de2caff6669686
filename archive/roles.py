"""Roles are Django groups: Archivist and Editor.

- Archivist: creates and edits drafts, submits them for review, imports
  (as drafts) and exports, reads history.
- Editor: everything an archivist does, plus publish / withdraw / restrict
  (the ``publish_<model>`` permissions), deleting records, and reverting
  history.

Groups are created by a data migration and re-synced after every migrate,
so permissions for models added later reach the groups too.

A role is enough to sign in: a user put in a role group (from the user's
form or the group's side) is made staff, which the admin requires.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions

from archive import registry

ARCHIVIST = "Archivist"
EDITOR = "Editor"
ROLES = (ARCHIVIST, EDITOR)

RECORD_MODELS = {record_type.model_name for record_type in registry.TYPES}


def role_codenames(model_names: list[str]) -> dict[str, set[str]]:
    """Permission codenames per role, for the archive app's models."""
    archivist, editor = set(), set()
    for name in model_names:
        if name == "searchentry":
            continue
        if name.startswith("historical"):
            archivist.add(f"view_{name}")
            editor |= {f"view_{name}", f"change_{name}"}
            continue
        archivist |= {f"view_{name}", f"add_{name}", f"change_{name}"}
        editor |= {f"view_{name}", f"add_{name}", f"change_{name}", f"delete_{name}"}
        if name in RECORD_MODELS:
            archivist |= {f"import_{name}", f"export_{name}"}
            editor |= {f"import_{name}", f"export_{name}", f"publish_{name}"}
        elif name != "language":
            # Names, citations, claims and texts are parts of a record: archivists may remove them.
            archivist.add(f"delete_{name}")
    return {ARCHIVIST: archivist, EDITOR: editor}


def sync_role_groups(apps, using="default") -> None:
    """Create the role groups and give each exactly its permissions."""
    archive = apps.get_app_config("archive")
    archive.models_module = getattr(archive, "models_module", None) or True
    create_permissions(archive, apps=apps, verbosity=0, using=using)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    codenames = role_codenames([model._meta.model_name for model in archive.get_models()])
    for role, wanted in codenames.items():
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        permissions = permission_model.objects.using(using).filter(
            content_type__app_label="archive", codename__in=wanted
        )
        group.permissions.set(permissions)


def on_post_migrate(sender, app_config=None, using="default", apps=None, **kwargs) -> None:
    # `flush` (and so every transactional test) sends no `apps`: the installed ones are current then.
    if app_config is not None and app_config.label == "archive":
        sync_role_groups(apps or global_apps, using=using)


def users_make_staff(*, user_ids) -> set:
    """Make staff (able to sign in to the admin) those of `user_ids` who are not yet; their ids."""
    users = get_user_model().objects
    ids = set(users.filter(pk__in=user_ids, is_staff=False).values_list("pk", flat=True))
    if ids:
        users.filter(pk__in=ids).update(is_staff=True)
    return ids


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """m2m_changed on User.groups, both ways (user.groups.add, group.user_set.add): a role lets one sign in.

    Only when a role group is added, and only ever setting is_staff, never clearing it: a user taken out
    of a role may be staff for other reasons, and whether they stop being staff is a superuser's decision
    (one who unticks “staff status” and keeps the role is not overruled by a later unrelated group).
    """
    if action != "post_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(users): the instance is the group
        if instance.name not in ROLES:
            return
        user_ids = pk_set
    else:
        if not model.objects.filter(pk__in=pk_set, name__in=ROLES).exists():
            return
        user_ids = [instance.pk]
    made_staff = users_make_staff(user_ids=user_ids)
    if not reverse and instance.pk in made_staff:
        instance.is_staff = True  # so a later save of this instance keeps it

"""Roles are Django groups: Archivist and Editor.

- Archivist: creates and edits drafts, submits them for review, imports
  (as drafts) and exports, reads history.
- Editor: everything an archivist does, plus publish / withdraw / restrict
  (the ``publish_<model>`` permissions), deleting records, and reverting
  history.

Groups are created by a data migration and re-synced after every migrate,
so permissions for models added later reach the groups too.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from archive import registry

ARCHIVIST = "Archivist"
EDITOR = "Editor"

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

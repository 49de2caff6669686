from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_migrate

        from archive import roles
        from archive.changes import signals

        signals.connect()
        post_migrate.connect(roles.on_post_migrate, sender=self, dispatch_uid="archive-roles")
        post_migrate.connect(_derive_public_documents, sender=self, dispatch_uid="archive-readmodel")
        groups = get_user_model().groups.through
        m2m_changed.connect(roles.on_groups_changed, sender=groups, dispatch_uid="archive-role-staff")


def _derive_public_documents(*, using, **kwargs) -> None:
    """A database migrated to the read model (or restored without it) whose records are public but have no
    public documents yet: derive them, so the public sees what it saw before (archive.readmodel)."""
    from django.db import connections

    from archive import readmodel, registry
    from archive.models import PublicDocument

    if using != "default" or PublicDocument._meta.db_table not in connections[using].introspection.table_names():
        return  # another database, or migrated back to before the read model
    if PublicDocument.objects.using(using).exists():
        return
    if any(t.model.objects.using(using).published().exists() for t in registry.TYPES):
        readmodel.rebuild()

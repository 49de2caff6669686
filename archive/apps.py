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
        groups = get_user_model().groups.through
        m2m_changed.connect(roles.on_groups_changed, sender=groups, dispatch_uid="archive-role-staff")

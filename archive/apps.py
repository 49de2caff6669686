from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from archive import roles
        from archive.changes import signals

        signals.connect()
        post_migrate.connect(roles.on_post_migrate, sender=self, dispatch_uid="archive-roles")

"""Create a superuser for a local demo, with a generated password shown once.

Refuses to run with DEBUG off: production accounts are made deliberately,
with `createsuperuser`.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local-admin-password"


class Command(BaseCommand):
    help = "Create the local demo superuser 'admin' with a generated password (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("createlocaladmin is for local demos only (DEBUG=1). Use createsuperuser in production.")
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            hint = f" (its password is in {PASSWORD_FILE.name})" if PASSWORD_FILE.exists() else ""
            self.stdout.write(f"Admin user {username!r} already exists{hint}.")
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        PASSWORD_FILE.write_text(f"{username}\n{password}\n")
        PASSWORD_FILE.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created admin user {username!r} with password {password}\n"
                f"Sign in at http://127.0.0.1:8000/{settings.ADMIN_PATH} — "
                f"the password is also saved in {PASSWORD_FILE.name}."
            )
        )

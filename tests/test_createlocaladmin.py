import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from archive.management.commands import createlocaladmin

pytestmark = pytest.mark.django_db


def test_creates_a_superuser_once_with_a_generated_password(settings, tmp_path, monkeypatch, capsys):
    settings.DEBUG = True
    password_file = tmp_path / ".local-admin-password"
    monkeypatch.setattr(createlocaladmin, "PASSWORD_FILE", password_file)
    call_command("createlocaladmin")
    username, password = password_file.read_text().split()
    user = get_user_model().objects.get(username=username)
    assert user.is_superuser and user.check_password(password)
    assert password in capsys.readouterr().out
    call_command("createlocaladmin")
    assert get_user_model().objects.count() == 1
    assert password not in capsys.readouterr().out


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("createlocaladmin")

"""Backup and restore: `export_archive` writes everything, `restore_archive` into an empty database gives it back.

The source is the test database, filled with factories. Each test restores into its own new database, a
copy of one migrated once per module: a temporary file on SQLite, a database created for the purpose on
PostgreSQL (dropped afterwards).
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from archive import models as m
from archive import roles, workflow
from archive.backup import BackupError, export_archive, restore_archive, sequences, tables
from archive.backup.archivefile import MANIFEST, SIGNATURE, member_name, sign
from config.env import env_secret
from tests import factories as f

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TARGET = "backup_target"
PASSWORD = "pw-12345!x"  # what factories.user_in_role gives every user


# --- Empty databases to restore into ---------------------------------------------------------------


@contextmanager
def database_alias(alias: str, settings_dict: dict):
    """Make `alias` a connection to another database for the duration."""
    connections.settings[alias] = settings_dict
    try:
        # Django's test case refuses to open a connection to a database it does not wrap in a transaction
        # (one already open it lets through). This database is the test's own, new and dropped afterwards,
        # and a restore must run in it unwrapped, as in production: so open it here.
        connections[alias].connect()
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


class SqliteDatabases:
    """New SQLite databases: copies of a file migrated once."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.template = directory / "template.sqlite3"

    def settings(self, name) -> dict:
        base = connections["default"].settings_dict
        return {**base, "ENGINE": "django.db.backends.sqlite3", "NAME": str(name), "OPTIONS": {}, "TEST": {}}

    def create_template(self) -> None:
        migrate(self.settings(self.template))

    def new(self) -> dict:
        path = self.directory / f"target-{uuid.uuid4().hex}.sqlite3"
        shutil.copyfile(self.template, path)
        return self.settings(path)

    def url(self, settings_dict: dict) -> str:
        return f"sqlite:///{settings_dict['NAME']}"

    def drop(self, settings_dict: dict) -> None:
        Path(settings_dict["NAME"]).unlink(missing_ok=True)

    def finish(self) -> None:
        self.template.unlink(missing_ok=True)


class PostgresDatabases:
    """New PostgreSQL databases on the test server: copies (CREATE DATABASE … TEMPLATE) of one migrated once."""

    def __init__(self):
        self.base = connections["default"].settings_dict
        self.prefix = f"{self.base['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"

    def settings(self, name: str) -> dict:
        return {**self.base, "NAME": name}

    def execute(self, sql: str) -> None:
        server = {"host": self.base["HOST"] or None, "port": self.base["PORT"] or None, "user": self.base["USER"]}
        with psycopg.connect(dbname="postgres", password=self.base["PASSWORD"] or None, autocommit=True, **server) as c:
            c.execute(sql)

    def create_template(self) -> None:
        self.execute(f'CREATE DATABASE "{self.template}"')
        migrate(self.settings(self.template))

    def new(self) -> dict:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.settings(name)

    def url(self, settings_dict: dict) -> str:
        s = settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"

    def drop(self, settings_dict: dict) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')

    def finish(self) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


def migrate(settings_dict: dict) -> None:
    """What an operator does to a new database: `migrate` (the replica router would skip a second alias)."""
    with database_alias("backup_template", settings_dict), override_settings(DATABASE_ROUTERS=[]):
        call_command("migrate", database="backup_template", interactive=False, verbosity=0)


@contextmanager
def empty_databases(vendor: str, directory: Path):
    databases = PostgresDatabases() if vendor == "postgresql" else SqliteDatabases(directory)
    databases.create_template()
    try:
        yield databases
    finally:
        databases.finish()


@pytest.fixture(scope="module")
def empty_databases_module(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        empty_databases(connections["default"].vendor, tmp_path_factory.mktemp("db")) as d,
    ):
        yield d


@pytest.fixture
def target(db, empty_databases_module):
    """The alias of a new, freshly migrated, empty database."""
    settings_dict = empty_databases_module.new()
    try:
        with database_alias(TARGET, settings_dict):
            yield TARGET
    finally:
        empty_databases_module.drop(settings_dict)


@pytest.fixture
def target_url(target, empty_databases_module) -> str:
    """DATABASE_URL of the target database, for manage.py in a subprocess."""
    return empty_databases_module.url(connections[target].settings_dict)


# --- A rich archive ---------------------------------------------------------------------------------


@pytest.fixture
def archive() -> dict:
    """Every kind of row: published, draft, in review, withdrawn and restricted records with their parts and
    links, edits in history with reasons, a deleted record, users in both roles, a token, a tombstone."""
    d = {"archivist": f.user_in_role(roles.ARCHIVIST, "archivist"), "editor": f.user_in_role(roles.EDITOR, "editor")}
    d["editor"].user_permissions.add(Permission.objects.get(codename="view_logentry"))
    d["token"] = Token.objects.create(user=d["editor"])
    en, fa = f.LanguageFactory(code="en"), f.LanguageFactory(code="fa", name="Persian", direction="rtl")
    tabriz = f.PlaceFactory(name="Təbriz", latitude=Decimal("38.08"), longitude=Decimal("46.29"))
    m.PlaceName.objects.create(owner=tabriz, name="تبریز", language=fa)
    d["restricted_person"] = f.PersonFactory(name="Restricted Rəşad", restricted=True, private_note="Lives in Urmia")
    d["at_risk"] = f.PersonFactory(name="Detainee At Risk", at_risk=True)
    m.PersonName.objects.create(owner=d["at_risk"], name="At Risk Alias", language=en)
    org = f.OrganizationFactory(name="GAMAC", status=m.Status.DRAFT)
    outlet = f.MediaOutletFactory(name="Erk", status=m.Status.IN_REVIEW)
    outlet.languages.set([en, fa])
    source = f.SourceFactory(title="Erk report", outlet=outlet)
    protest = d["protest"] = f.ProtestFactory(title="Rally in Tabriz", date_start=dt.date(2020, 10, 1))
    protest.places.set([tabriz])
    protest.organizers.set([org])
    m.ProtestSizeClaim.objects.create(protest=protest, words="hundreds", low=200, source=source)
    f.CitationFactory(record=protest, source=source, footnote=16)
    arrest = f.ArrestFactory(person=d["at_risk"], place=tabriz, protest=protest)
    statement = f.StatementFactory(title="Statement of support", status=m.Status.DRAFT)
    statement.speaker_people.set([d["restricted_person"]])
    statement.about_arrests.set([arrest])
    m.StatementText.objects.create(statement=statement, language=fa, text="ما با شما هستیم", is_original=True)
    edit_in_history(d)
    withdraw_and_delete(d)
    protest_type = ContentType.objects.get_for_model(m.Protest)
    LogEntry.objects.create(user=d["editor"], content_type=protest_type, object_id=protest.pk, action_flag=ADDITION)
    Session.objects.create(session_key="s" * 32, session_data="x", expire_date=timezone.now() + dt.timedelta(days=1))
    return d


def edit_in_history(d) -> None:
    person = d["restricted_person"]
    for number, reason in enumerate(["Corrected the spelling", "Added the source", "Merged a duplicate"], 1):
        person.description = f"Version {number}"
        person._change_reason = reason
        person._history_user = d["archivist"]
        person.save()


def withdraw_and_delete(d) -> None:
    withdrawn = d["withdrawn"] = f.ProtestFactory(title="Duplicate rally")
    workflow.record_withdraw(record=withdrawn, user=d["editor"], reason="A duplicate of the Tabriz rally")
    deleted = f.ProtestFactory(title="Entered by mistake", status=m.Status.DRAFT)
    d["deleted_id"] = deleted.pk
    deleted.delete()  # the highest protest id is now taken by a deleted record


def export(path: Path) -> dict:
    call_command("export_archive", str(path), verbosity=0)
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read(MANIFEST))


def raw_rows(using: str) -> dict[str, list]:
    """Every table's rows as the database driver returns them, all columns (generated ones too), by key."""
    connection = connections[using]
    rows = {}
    with connection.cursor() as cursor:
        for model in tables.backup_models():
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}")  # noqa: S608
            rows[model._meta.db_table] = cursor.fetchall()
    return rows


def fingerprints(using: str) -> dict[str, tuple]:
    return {
        model._meta.db_table: (*tables.db_checksum(model, using), sequences.last_id(model, using))
        for model in tables.backup_models()
    }


def generation_moved_on(using: str) -> bool:
    """The one value a restore changes on purpose: the cache generation moves past the backup's, so no
    answer cached before the restore is served after it. Give back the original's, so the tables compare."""
    original = m.ArchiveState.objects.using("default").get().generation
    restored = m.ArchiveState.objects.using(using).get().generation
    m.ArchiveState.objects.using(using).update(generation=original)
    return restored > original


def only_what_migrate_made(using: str) -> bool:
    return (
        not User.objects.using(using).exists()
        and not m.Protest.objects.using(using).exists()
        and set(Group.objects.using(using).values_list("name", flat=True)) == {roles.ARCHIVIST, roles.EDITOR}
        and ContentType.objects.using(using).exists()
    )


# --- Everything comes back --------------------------------------------------------------------------


def test_restore_reproduces_every_table_exactly(archive, target, tmp_path):
    manifest = export(tmp_path / "backup.zip")
    restore_archive(tmp_path / "backup.zip", using=target)
    assert generation_moved_on(target)
    assert fingerprints(target) == fingerprints("default")
    assert raw_rows(target) == raw_rows("default")  # independent of the backup's own serialisation
    counts = {entry["table"]: entry["rows"] for entry in manifest["tables"]}
    for table in ("auth_user", "auth_user_groups", "authtoken_token", "archive_tombstone", "django_admin_log"):
        assert counts[table] >= 1, table
    assert counts["archive_historicalperson"] >= 4 and counts["archive_searchentry"] >= 5


def test_restored_records_users_and_history_are_the_originals(archive, target, tmp_path):
    export(tmp_path / "backup.zip")
    restore_archive(tmp_path / "backup.zip", using=target)
    person = m.Person.objects.using(target).get(pk=archive["restricted_person"].pk)
    assert (person.name, person.restricted, person.private_note) == ("Restricted Rəşad", True, "Lives in Urmia")
    reasons = person.history.using(target).order_by("history_id").values_list("history_change_reason", flat=True)
    assert list(reasons)[-3:] == ["Corrected the spelling", "Added the source", "Merged a duplicate"]
    assert m.Protest.objects.using(target).get(pk=archive["withdrawn"].pk).withdrawn_reason.startswith("A duplicate")
    assert m.Tombstone.objects.using(target).get(public_id=archive["withdrawn"].public_id).status == "withdrawn"
    assert m.Protest.history.using(target).filter(id=archive["deleted_id"], history_type="-").exists()
    editor = User.objects.using(target).get(username="editor")
    assert editor.check_password(PASSWORD) and not editor.check_password("wrong")
    assert list(editor.groups.values_list("name", flat=True)) == [roles.EDITOR]
    assert set(editor.groups.get().permissions.values_list("codename", flat=True)) >= {"publish_protest"}
    assert list(editor.user_permissions.values_list("codename", flat=True)) == ["view_logentry"]
    assert Token.objects.using(target).get(key=archive["token"].key).user_id == editor.pk
    assert not Session.objects.using(target).exists()  # sign-in sessions are left out on purpose


def test_new_records_after_a_restore_never_reuse_a_deleted_records_id(archive, target, tmp_path):
    export(tmp_path / "backup.zip")
    restore_archive(tmp_path / "backup.zip", using=target)
    language = m.Language.objects.using(target).get(code="en")
    added = m.Protest.objects.using(target).create(
        title="After the restore", kind="rally", date_start=dt.date(2020, 1, 1)
    )
    assert added.pk > archive["deleted_id"]
    assert m.PersonName.objects.using(target).create(owner_id=archive["at_risk"].pk, name="New", language=language).pk


def test_the_file_holds_every_table_but_sessions_and_only_its_owner_may_read_it(archive, tmp_path):
    manifest = export(tmp_path / "backup.zip")
    assert (tmp_path / "backup.zip").stat().st_mode & 0o777 == 0o600
    assert manifest["format_version"] == 1 and manifest["migrations"]["archive"][0] == "0001_initial"
    names = {entry["table"] for entry in manifest["tables"]}
    assert {"django_content_type", "auth_permission", "auth_group_permissions", "archive_historicalprotest"} <= names
    assert "django_session" not in names and "django_session" in manifest["excluded_tables"]
    with zipfile.ZipFile(tmp_path / "backup.zip") as z:
        assert set(z.namelist()) == {MANIFEST, SIGNATURE} | {member_name(name) for name in names}
        people = z.read(member_name("archive_person")).decode()
    assert "Restricted Rəşad" in people and "Lives in Urmia" in people  # the private backup keeps everything
    assert not list(tmp_path.glob(".*partial"))


def test_export_refuses_to_overwrite_a_file_unless_forced(archive, tmp_path):
    (tmp_path / "backup.zip").write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_archive", str(tmp_path / "backup.zip"))
    assert (tmp_path / "backup.zip").read_text() == "an older backup"
    call_command("export_archive", str(tmp_path / "backup.zip"), "--force", verbosity=0)
    assert zipfile.is_zipfile(tmp_path / "backup.zip")


def test_a_failed_export_leaves_no_file(archive, tmp_path, monkeypatch):
    real = tables.db_lines

    def fail_on_people(model, using):
        if model is m.Person:
            raise RuntimeError("disk full")
        return real(model, using)

    monkeypatch.setattr(tables, "db_lines", fail_on_people)
    with pytest.raises(RuntimeError, match="disk full"):
        export_archive(tmp_path / "backup.zip")
    assert list(tmp_path.iterdir()) == []


# --- Bad input: a clear error, and nothing written ---------------------------------------------------


def rewrite(
    path: Path, table: str | None = None, change=None, *, manifest_change=None, fix_checksum=False, key=None
) -> Path:
    """A copy of the backup with one table's lines and/or the manifest changed, signed again with `key`
    (by default the configured one: as if by someone who holds it; pass b"" to leave the old signature)."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    manifest = json.loads(members[MANIFEST])
    if table:
        lines = change(members[member_name(table)].splitlines(keepends=True))
        members[member_name(table)] = b"".join(lines)
        if fix_checksum:  # a file that passes its own checks, but whose rows the database must refuse
            entry = next(entry for entry in manifest["tables"] if entry["table"] == table)
            entry["rows"], entry["sha256"] = len(lines), hashlib.sha256(b"".join(lines)).hexdigest()
    if manifest_change:
        manifest_change(manifest)
    members[MANIFEST] = json.dumps(manifest).encode()
    key = settings.ARCHIVE_BACKUP_KEY.encode() if key is None else key
    if key:
        members[SIGNATURE] = sign(members[MANIFEST], key).encode()
    changed = path.with_name("changed.zip")
    with zipfile.ZipFile(changed, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return changed


@pytest.fixture
def backup(archive, tmp_path) -> Path:
    export(tmp_path / "backup.zip")
    return tmp_path / "backup.zip"


def refused(path: Path, target: str, match: str) -> None:
    with pytest.raises(BackupError, match=match):
        restore_archive(path, using=target)
    assert only_what_migrate_made(target)


def test_a_changed_row_is_refused(backup, target):
    def rename(lines):
        return [line.replace("Restricted Rəşad".encode(), b"Someone Else") for line in lines]

    refused(rewrite(backup, "archive_person", rename), target, r"archive_person .* does not match its checksum")


def test_a_truncated_file_is_refused(backup, target):
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 2])
    refused(backup, target, "not an archive backup, or it is cut short")


def test_a_file_that_is_not_a_backup_is_refused(backup, target, tmp_path):
    (tmp_path / "notes.zip").write_text("not a zip at all")
    refused(tmp_path / "notes.zip", target, "not an archive backup")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("datapackage.json", "{}")
    refused(tmp_path / "other.zip", target, "has no manifest")
    refused(tmp_path / "missing.zip", target, "does not exist")


def test_another_format_version_is_refused(backup, target):
    def future(manifest):
        manifest["format_version"] = 2

    refused(rewrite(backup, manifest_change=future), target, "format version 2; this code reads version 1 only")


def test_another_migration_state_is_refused(backup, target):
    def newer(manifest):
        manifest["migrations"]["archive"].append("0099_from_the_future")

    refused(rewrite(backup, manifest_change=newer), target, r"only in the backup: archive\.0099_from_the_future")


def test_a_database_that_is_not_empty_is_refused(backup, target):
    User.objects.db_manager(target).create_user("someone", password=PASSWORD)
    Group.objects.using(target).create(name="Volunteers")
    with pytest.raises(BackupError, match=r"not empty \(auth_group \(1\), auth_user \(1\)\)"):
        restore_archive(backup, using=target)
    assert list(User.objects.using(target).values_list("username", flat=True)) == ["someone"]
    assert not m.Protest.objects.using(target).exists()


def test_rows_the_database_refuses_roll_back_everything(backup, target):
    def drop_sources(lines):
        return []  # citations and claims now point at sources that are not there

    changed = rewrite(backup, "archive_source", drop_sources, fix_checksum=True)
    refused(changed, target, "The database refused the backup's rows")


def test_an_unreadable_row_rolls_back_everything(backup, target):
    def cut_a_value(lines):
        return [lines[0].replace(b"[", b"[1,", 1), *lines[1:]]

    changed = rewrite(backup, "archive_person", cut_a_value, fix_checksum=True)
    refused(changed, target, "Row 1 of table archive_person cannot be read")


def test_a_restore_that_does_not_end_identical_rolls_back(backup, target, monkeypatch):
    from archive.backup import restore

    real = restore._decoder

    def a_day_late(field, connection):
        if field.get_internal_type() != "DateField":
            return real(field, connection)
        return lambda v: v and field.get_db_prep_save(field.to_python(v) + dt.timedelta(days=1), connection)

    monkeypatch.setattr(restore, "_decoder", a_day_late)
    refused(backup, target, "After restoring, these tables differ from the backup: archive_arrest")


# --- The signature: a file only the key holder could have written ------------------------------------


def unsigned(path: Path) -> Path:
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist() if name != SIGNATURE}
    with zipfile.ZipFile(path.with_name("unsigned.zip"), "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path.with_name("unsigned.zip")


def test_a_table_changed_with_its_checksums_recomputed_is_refused(backup, target):
    def rename(lines):
        return [line.replace("Restricted Rəşad".encode(), b"Someone Else") for line in lines]

    changed = rewrite(backup, "archive_person", rename, fix_checksum=True, key=b"")
    refused(changed, target, "signature of .* does not verify: the file was changed, or signed with another key")


def test_a_file_signed_with_another_key_is_refused(backup, target, settings):
    refused(rewrite(backup, key=b"k" * 32), target, "does not verify")
    settings.ARCHIVE_BACKUP_KEY = "another-operators-key-of-enough-length"
    refused(backup, target, "does not verify")


def test_an_unsigned_file_is_refused_unless_allowed(backup, target):
    refused(unsigned(backup), target, "is not signed.*--allow-unsigned")
    warnings = []
    restore_archive(unsigned(backup), using=target, allow_unsigned=True, warn=warnings.append)
    assert len(warnings) == 1 and "not signed" in warnings[0]
    assert generation_moved_on(target)
    assert fingerprints(target) == fingerprints("default")


def test_allow_unsigned_does_not_let_a_wrong_signature_through(backup, target):
    with pytest.raises(BackupError, match="does not verify"):
        restore_archive(rewrite(backup, key=b"k" * 32), using=target, allow_unsigned=True)
    assert only_what_migrate_made(target)


def test_without_a_key_export_refuses_and_says_how_to_set_one(archive, tmp_path, settings):
    settings.ARCHIVE_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="No backup key is set: set ARCHIVE_BACKUP_KEY") as error:
        call_command("export_archive", str(tmp_path / "backup.zip"))
    assert "\n" not in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_without_a_key_a_signed_file_is_not_restored(backup, target, settings):
    settings.ARCHIVE_BACKUP_KEY = ""
    refused(backup, target, "No backup key is set")


def test_the_key_comes_from_the_environment_or_a_file_and_must_be_long(monkeypatch, tmp_path):
    monkeypatch.delenv("SOME_KEY", raising=False)
    assert env_secret("SOME_KEY", min_length=32) == ""
    monkeypatch.setenv("SOME_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        env_secret("SOME_KEY", min_length=32)
    (tmp_path / "key").write_text("f" * 40 + "\n")
    monkeypatch.setenv("SOME_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_secret("SOME_KEY", min_length=32)
    monkeypatch.delenv("SOME_KEY")
    assert env_secret("SOME_KEY", min_length=32) == "f" * 40
    monkeypatch.setenv("SOME_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        env_secret("SOME_KEY", min_length=32)


# --- The commands --------------------------------------------------------------------------------------


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    environment.pop("DATABASE_REPLICA_URLS", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )


def test_restore_command_restores_and_says_so(backup, target, target_url):
    done = manage("restore_archive", str(backup), database_url=target_url)
    assert done.returncode == 0, done.stderr
    assert "every row count and checksum matches" in done.stdout
    assert generation_moved_on(target)
    assert fingerprints(target) == fingerprints("default")


def test_restore_command_exits_non_zero_with_the_reason(backup, target, target_url):
    backup.write_bytes(backup.read_bytes()[:1000])
    done = manage("restore_archive", str(backup), database_url=target_url)
    assert done.returncode == 1
    assert "Nothing was restored" in done.stderr and "cut short" in done.stderr
    assert only_what_migrate_made(target)


def test_restore_command_refuses_a_tampered_file_in_one_line(backup, target, target_url):
    changed = rewrite(backup, "auth_user", lambda lines: lines[:-1], fix_checksum=True, key=b"")
    done = manage("restore_archive", str(changed), database_url=target_url)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "does not verify" in done.stderr
    assert only_what_migrate_made(target)


def test_restore_command_with_allow_unsigned_warns(backup, target, target_url):
    done = manage("restore_archive", str(unsigned(backup)), "--allow-unsigned", database_url=target_url)
    assert done.returncode == 0, done.stderr
    assert "not signed" in done.stderr and "every row count and checksum matches" in done.stdout


def test_verify_only_checks_the_file_without_a_database(backup):
    out = StringIO()
    call_command("restore_archive", str(backup), "--verify-only", stdout=out)
    assert "Checked" in out.getvalue()
    broken = rewrite(backup, "auth_user", lambda lines: lines[:-1])
    with pytest.raises(CommandError, match=r"auth_user .* does not match its checksum"):
        call_command("restore_archive", str(broken), "--verify-only")


# --- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_generated_search_vector_is_rebuilt_identical(archive, target, tmp_path):
    manifest = export(tmp_path / "backup.zip")
    search = next(entry for entry in manifest["tables"] if entry["table"] == "archive_searchentry")
    assert "vector" not in search["columns"]
    restore_archive(tmp_path / "backup.zip", using=target)

    def vectors(using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT id, vector::text FROM archive_searchentry ORDER BY id")
            return cursor.fetchall()

    assert vectors(target) == vectors("default") and len(vectors(target)) >= 5


@pytest.mark.postgres
def test_a_postgresql_backup_restores_into_sqlite(archive, tmp_path):
    export(tmp_path / "backup.zip")
    with empty_databases("sqlite", tmp_path) as databases, database_alias(TARGET, databases.new()):
        restore_archive(tmp_path / "backup.zip", using=TARGET)
        assert generation_moved_on(TARGET)
        assert fingerprints(TARGET) == fingerprints("default")
        assert User.objects.using(TARGET).get(username="archivist").check_password(PASSWORD)

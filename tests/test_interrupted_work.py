"""Interrupted long work loses nothing.

`import_records`, `rebuild_search_index`, `restore_archive`, `build_datapackage` and `export_archive`
run here as `manage.py` in a subprocess on the test database, are caught in the middle of their work
and killed with SIGKILL: no `finally`, no rollback by the command itself. Each test first stops the
process (SIGSTOP) at a point it can see from outside — its transaction holding writes in
`pg_stat_activity`, a progress line, a half-written file — checks that the work is really unfinished
(the transaction still open, the package not yet swapped in), then kills it. Then every table of the
database must hold exactly the rows it held before (row count and SHA-256 of each, as a backup reads
them), and the previous data package or backup file must be byte for byte the one still there and
served. A full disk (a small tmpfs, if this machine lets us mount one; a write that fails with ENOSPC
otherwise) must give one line saying so, and the same guarantee.

The subprocess must see the data the test made, so these tests commit it (transactional_db) and, for
the killing, need PostgreSQL (marked `postgres`); the full-disk ones run in-process on either database.
"""

import errno
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import RequestFactory

from archive import models as m
from archive import roles, views_data, workflow
from archive.backup import archivefile, restore_archive, sequences, tables
from archive.datapackage import writer
from archive.imports import import_records
from tests import factories as f
from tests.test_backup import PostgresDatabases, database_alias, generation_moved_on

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 2000  # imported into the archive before each test: records, history and search entries to lose
TIMEOUT = 120  # seconds: a machine running CI beside these tests is slow


# --- The archive, and what "as it was" means -------------------------------------------------------------


def people_csv(count: int, start: int = 1) -> bytes:
    lines = ["name,name_language,description"]
    lines += [f"Person {n},en,Activist number {n}" for n in range(start, start + count)]
    return "\n".join(lines).encode()


@pytest.fixture
def archive():
    """Published protests and people, one withdrawn (a tombstone, the archive state), and imported people."""
    roles.sync_role_groups(apps)  # an earlier transactional test's flush took the groups migrate made
    for code, name in [("en", "English"), ("az-Latn", "Azerbaijani"), ("fa", "Persian")]:
        f.LanguageFactory(code=code, name=name)
    editor = f.user_in_role(roles.EDITOR, "editor")
    protests = [f.ProtestFactory(title=f"Rally {n}") for n in range(1, 6)]
    f.PersonFactory(name="Ali Aliyev")
    workflow.record_withdraw(record=protests[0], user=editor, reason="A duplicate of another rally")
    assert import_records(m.Person, people_csv(PEOPLE), file_name="people.csv").ok
    assert m.Tombstone.objects.exists() and m.ArchiveState.objects.exists()
    assert m.SearchEntry.objects.count() > PEOPLE


def fingerprint(using: str = "default") -> dict:
    """Row count and SHA-256 of every table a backup holds: records, parts, history, search entries,
    tombstones, the archive state, users — the whole archive."""
    return {model._meta.db_table: tables.db_checksum(model, using) for model in tables.backup_models()}


def counters(using: str) -> dict:
    """The highest id each table's counter has handed out."""
    return {model._meta.db_table: sequences.last_id(model, using) for model in tables.backup_models()}


def database_url(settings_dict: dict) -> str:
    s = settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


# --- A command in a subprocess, watched and killed ------------------------------------------------------


class Running:
    """`manage.py ARGS` in a subprocess on a database, its output (stdout and stderr) read as it comes.

    Its connection is tagged (application_name) so that pg_stat_activity shows which backend is its.
    """

    def __init__(self, *args: str, database: dict | None = None):
        self.tag = f"interrupted-{uuid.uuid4().hex[:12]}"
        url = database_url(database or connection.settings_dict)
        environment = {**os.environ, "DATABASE_URL": f"{url}?application_name={self.tag}", "DEBUG": "1"}
        environment["PYTHONUNBUFFERED"] = "1"  # progress lines arrive as they are written
        environment.pop("DATABASE_REPLICA_URLS", None)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _drain(self) -> None:
        """Once it has ended: the rest of its output."""
        while (line := self.lines.get(timeout=TIMEOUT)) is not None:
            self.output.append(line)
        self.lines.put(None)

    def _ended(self) -> str:
        self.process.wait(TIMEOUT)
        self._drain()
        return f"it ended first (exit status {self.process.returncode}):\n{''.join(self.output)}"

    def wait_for_line(self, wanted) -> str:
        """The first line of output for which wanted(line) is true."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                self.lines.put(None)
                pytest.fail("waited for a line of output, but " + self._ended())
            self.output.append(line)
            if wanted(line):
                return line
        pytest.fail(f"no such line within {TIMEOUT} s:\n{''.join(self.output)}")

    def wait_until(self, condition) -> None:
        """Poll condition() until it is true, failing if the command ends first."""
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if self.process.poll() is not None:
                pytest.fail("waited for the command to be mid-work, but " + self._ended())
            if time.monotonic() > deadline:
                pytest.fail(f"the command was not mid-work within {TIMEOUT} s")
            time.sleep(0.002)

    def backend(self, using: str = "default") -> dict | None:
        """Its database session: state, whether its transaction has written (has an xid), last query."""
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, backend_xid IS NOT NULL, query FROM pg_stat_activity WHERE application_name = %s",
                [self.tag],
            )
            row = cursor.fetchone()
        return row and {"pid": row[0], "state": row[1], "has_written": row[2], "query": row[3]}

    def stop(self) -> None:
        """Freeze it where it is (SIGSTOP): it can commit, rename or print nothing more."""
        os.kill(self.process.pid, signal.SIGSTOP)
        _pid, status = os.waitpid(self.process.pid, os.WUNTRACED)  # returns once it has really stopped
        assert os.WIFSTOPPED(status), f"it was not stopped but ended (status {status})"

    def kill(self, using: str = "default") -> None:
        """SIGKILL, then wait until the database has noticed and ended its session."""
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(TIMEOUT) == -signal.SIGKILL
        self._drain()
        deadline = time.monotonic() + TIMEOUT
        while self.backend(using) is not None:
            assert time.monotonic() < deadline, "the killed command's database session never ended"
            time.sleep(0.05)

    def in_open_transaction(self, using: str = "default") -> bool:
        """Between two statements of one transaction that has written. (In autocommit, between two
        statements a session is "idle", with nothing written and uncommitted.)"""
        session = self.backend(using)
        return bool(session and session["has_written"] and session["state"] == "idle in transaction")

    def kill_mid_transaction(self, using: str = "default") -> None:
        """Stop it, prove its transaction open and holding uncommitted writes, then kill it."""
        self.stop()
        deadline = time.monotonic() + TIMEOUT
        while (self.backend(using) or {}).get("state") == "active":  # a statement already sent finishes
            assert time.monotonic() < deadline, "its last statement never finished"
            time.sleep(0.01)
        assert self.in_open_transaction(using), f"not inside a writing transaction: {self.backend(using)}"
        self.kill(using)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.output)


# --- Imports ---------------------------------------------------------------------------------------------


def half_done(progress: str) -> bool:
    """Whether a progress line, "Importing: 3000/6000 rows", says half the rows are done."""
    done, total = progress.split()[1].split("/")
    return int(done) * 2 >= int(total)


@pytest.mark.postgres
def test_an_import_killed_halfway_leaves_the_archive_as_it_was(archive, tmp_path):
    upload = tmp_path / "more-people.csv"
    upload.write_bytes(people_csv(6000, start=PEOPLE + 1))
    before = fingerprint()
    command = Running("import_records", "people", str(upload))
    # Progress comes a line per tenth of the rows; rows are written a batch at a time as it goes.
    command.wait_for_line(lambda line: line.startswith("Importing: ") and half_done(line))
    command.kill_mid_transaction()
    assert not command.said("Imported:")
    assert fingerprint() == before
    assert not m.Person.objects.filter(name=f"Person {PEOPLE + 1}").exists()


# --- The search index ------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_search_index_rebuild_killed_halfway_leaves_the_index_as_it_was(archive):
    before = fingerprint()
    command = Running("rebuild_search_index")
    # Its first write empties the index; caught after that, reading records to fill it again (so with
    # at least one more write to make before it can commit).
    command.wait_until(
        lambda: command.in_open_transaction() and command.backend()["query"].lstrip().upper().startswith("SELECT")
    )
    command.kill_mid_transaction()
    assert not command.said("Indexed")
    assert fingerprint() == before
    assert m.SearchEntry.objects.filter(title="Person 1").exists()


# --- Restore ---------------------------------------------------------------------------------------------


@pytest.fixture
def target(archive):
    """A new, freshly migrated, empty database (alias `interrupted_target`), dropped afterwards."""
    databases = PostgresDatabases()
    databases.create_template()
    settings_dict = databases.new()
    try:
        with database_alias("interrupted_target", settings_dict):
            yield "interrupted_target"
    finally:
        databases.drop(settings_dict)
        databases.finish()


@pytest.mark.postgres
def test_a_restore_killed_after_its_last_row_leaves_the_database_as_migrate_made_it(target, tmp_path):
    backup = tmp_path / "backup.zip"
    call_command("export_archive", str(backup), verbosity=0)
    last_table = tables.backup_models()[-1]._meta.db_table
    before, counters_before = fingerprint(target), counters(target)
    command = Running("restore_archive", str(backup), "-v", "2", database=connections[target].settings_dict)
    # A line per table once its rows are in and its id counter set; after the last, it checks them all.
    command.wait_for_line(lambda line: line.startswith(f"  {last_table}: "))
    command.kill_mid_transaction(using=target)
    assert not command.said("Restored")
    assert fingerprint(target) == before
    assert counters(target) == counters_before  # setval would have moved them for good
    # Nothing was left in the way: the same restore, run again, completes.
    restore_archive(backup, using=target)
    assert generation_moved_on(target)  # on purpose: nothing cached before the restore is served after it
    assert fingerprint(target) == fingerprint()


# --- The data package ------------------------------------------------------------------------------------


def served_bytes(view) -> bytes:
    response = view(RequestFactory().get("/data/"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.mark.postgres
def test_a_package_build_killed_halfway_leaves_the_previous_package_served(archive, tmp_path, settings):
    output = settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    call_command("build_datapackage", verbosity=0)
    served = (output / "current").resolve()
    files = {path.name: path.read_bytes() for path in served.iterdir() if path.is_file()}
    command = Running("build_datapackage", "--output", str(output))

    def writing_its_tables() -> bool:
        return any(build != served and any(build.glob("*.csv")) for build in (output / "builds").iterdir())

    command.wait_until(writing_its_tables)
    command.stop()
    assert (output / "current").resolve() == served  # not swapped in: the kill comes mid-build
    command.kill()
    assert not command.said("Wrote")
    assert (output / "current").resolve() == served
    assert {path.name: path.read_bytes() for path in served.iterdir() if path.is_file()} == files
    assert served_bytes(views_data.datapackage_download) == files["datapackage.zip"]
    assert served_bytes(views_data.datapackage_json) == files["datapackage.json"]
    leftovers = [build for build in (output / "builds").iterdir() if build != served]
    assert len(leftovers) == 1  # the killed build's half-written directory, which nothing serves
    # A build killed between staging its link and renaming it leaves that link too: the next build clears both.
    (output / ".current-999999").symlink_to(Path("builds") / leftovers[0].name)
    call_command("build_datapackage", verbosity=0)
    assert [build.name for build in (output / "builds").iterdir()] == [(output / "current").resolve().name]
    assert not list(output.glob(".current-*"))


# --- Backups ---------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_an_export_killed_halfway_leaves_the_previous_backup_and_the_next_clears_its_part(archive, tmp_path):
    backup = tmp_path / "backup.zip"
    call_command("export_archive", str(backup), verbosity=0)
    previous = backup.read_bytes()
    command = Running("export_archive", str(backup), "--force", "-v", "2")
    command.wait_for_line(lambda line: line.startswith("  archive_"))  # a table is in the half-written file
    command.stop()
    assert len(list(tmp_path.glob(".backup.zip.*.partial"))) == 1
    command.kill()
    assert not command.said("Wrote")
    assert backup.read_bytes() == previous
    call_command("export_archive", str(backup), "--force", verbosity=0)
    assert not list(tmp_path.glob(".backup.zip.*.partial"))  # a private copy of the database, gone
    assert backup.read_bytes() != previous


# --- A full disk -----------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB filesystem of its own (tmpfs); skips where mounting is not allowed (not root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if not (mount and umount):
        pytest.skip("no mount command here (the ENOSPC test below still runs)")
    mounted = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()} (the ENOSPC test below still runs)")
    try:
        yield disk
    finally:
        subprocess.run([umount, str(disk)], check=True)


def fill(disk: Path) -> Path:
    """Write to `disk` until it is full."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return filler


def assert_one_line_about(message: str, path: Path) -> None:
    assert "no space left" in message.lower() and str(path) in message and "\n" not in message


def test_a_full_disk_abandons_the_build_and_the_previous_package_stays(archive, small_disk, settings):
    output = settings.ARCHIVE_DATA_DIR = small_disk / "data"
    call_command("build_datapackage", verbosity=0)
    served = (output / "current").resolve()
    files = {path.name: path.read_bytes() for path in served.iterdir() if path.is_file()}
    filler = fill(small_disk)
    with pytest.raises(CommandError) as refused:
        call_command("build_datapackage", verbosity=0)
    assert_one_line_about(str(refused.value), output)
    assert (output / "current").resolve() == served
    assert list((output / "builds").iterdir()) == [served]  # its half-build is gone
    assert served_bytes(views_data.datapackage_download) == files["datapackage.zip"]
    filler.unlink()
    call_command("build_datapackage", verbosity=0)
    assert (output / "current").resolve() != served


def test_a_full_disk_abandons_the_backup_and_the_previous_one_stays(archive, small_disk):
    backup = small_disk / "backup.zip"
    call_command("export_archive", str(backup), verbosity=0)
    previous = backup.read_bytes()
    fill(small_disk)
    with pytest.raises(CommandError) as refused:
        call_command("export_archive", str(backup), "--force", verbosity=0)
    assert_one_line_about(str(refused.value), backup)
    assert backup.read_bytes() == previous
    assert not list(small_disk.glob(".backup.zip.*.partial"))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_write_refused_for_space_is_one_line_and_leaves_the_package(archive, tmp_path, settings, monkeypatch, code):
    """Wherever a build's write fails for space (the disk, or a quota), the same as a real full disk."""
    output = settings.ARCHIVE_DATA_DIR = tmp_path / "data"
    call_command("build_datapackage", verbosity=0)
    served = (output / "current").resolve()
    files = {path.name: path.read_bytes() for path in served.iterdir() if path.is_file()}
    real = writer.write_table

    def full_at_people(table, directory, digests=None):
        if table.name == "people":
            raise OSError(code, os.strerror(code))
        return real(table, directory, digests)

    monkeypatch.setattr(writer, "write_table", full_at_people)
    with pytest.raises(CommandError) as refused:
        call_command("build_datapackage", verbosity=0)
    assert_one_line_about(str(refused.value), output)
    assert list((output / "builds").iterdir()) == [served]
    assert {path.name: path.read_bytes() for path in served.iterdir() if path.is_file()} == files


def test_a_backup_write_refused_for_space_is_one_line_and_leaves_the_previous_backup(archive, tmp_path, monkeypatch):
    backup = tmp_path / "backup.zip"
    call_command("export_archive", str(backup), verbosity=0)
    previous = backup.read_bytes()

    def full(self, manifest):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(archivefile.ArchiveWriter, "finish", full)
    with pytest.raises(CommandError) as refused:
        call_command("export_archive", str(backup), "--force", verbosity=0)
    assert_one_line_about(str(refused.value), backup)
    assert backup.read_bytes() == previous
    assert not list(tmp_path.glob(".backup.zip.*.partial"))

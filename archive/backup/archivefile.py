"""The backup file: a zip holding ``manifest.json`` and one JSON-lines file per table.

Nothing here touches the database. The writer builds the file under a temporary name
(readable by its owner only: it holds password hashes, API tokens and restricted records)
and renames it into place only once complete; the reader refuses anything that is not a
complete, untampered backup of a format it knows.

The manifest holds every table's row count and SHA-256, so it stands for the whole file; it is
signed with HMAC-SHA256 under the operator's key (settings.ARCHIVE_BACKUP_KEY), written beside it as
``manifest.sig``. A SHA-256 alone proves only that a file is intact: anyone who edits a table can
recompute it. The signature proves the file was written by someone who holds the key.

A writer holds a lock on its temporary file while it writes. One killed halfway leaves that file
behind, unlocked; the next backup to the same name deletes it before it starts.
"""

import errno
import fcntl
import glob
import hashlib
import hmac
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

FORMAT = "karabakh-archive-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"  # hex HMAC-SHA256 of manifest.json's bytes
READ_BLOCK = 1024 * 1024
TABLE_KEYS = {"table", "model", "columns", "rows", "sha256", "last_id"}
FULL = {errno.ENOSPC, errno.EDQUOT}  # the disk, or the user's quota, is full


class BackupError(Exception):
    """The backup cannot be written or restored; str() says why, for the person running the command."""


def member_name(table: str) -> str:
    return f"tables/{table}.jsonl"


def backup_key() -> bytes:
    """The operator's signing key, or a BackupError saying how to set one."""
    key = settings.ARCHIVE_BACKUP_KEY
    if not key:
        raise BackupError(
            _(
                "No backup key is set: set ARCHIVE_BACKUP_KEY to a secret of at least 32 characters "
                "(e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))') and keep it "
                "apart from the backups; restoring needs the same key."
            )
        )
    return key.encode()


def sign(manifest: bytes, key: bytes) -> str:
    return hmac.new(key, manifest, hashlib.sha256).hexdigest()


class ArchiveWriter:
    """Write tables one at a time, then the manifest; `finish()` puts the file in place."""

    def __init__(self, path: Path, *, key: bytes, overwrite: bool = False):
        self.path = Path(path)
        self.key = key
        if self.path.exists() and not overwrite:
            raise BackupError(_("%(path)s already exists; choose another name or pass --force.") % {"path": path})
        if not self.path.parent.is_dir():
            raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": self.path.parent})
        clear_partials(self.path)
        handle, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".partial", dir=self.path.parent)
        fcntl.flock(handle, fcntl.LOCK_EX)  # held until closed (or the process dies): see clear_partials
        self.temporary = Path(name)
        self.file = os.fdopen(handle, "wb")  # mkstemp creates it readable and writable by its owner only
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)

    @contextmanager
    def table(self, table: str):
        """A writer for one table's lines; yields a function that takes one line (bytes)."""
        with self.zip.open(member_name(table), "w", force_zip64=True) as member:
            yield member.write

    def finish(self, manifest: dict) -> None:
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        self.zip.writestr(MANIFEST, data)
        self.zip.writestr(SIGNATURE, sign(data, self.key))
        self.zip.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.temporary, self.path)
        folder = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself is on disk
        finally:
            os.close(folder)

    def abort(self) -> None:
        for close in (self.zip.close, self.file.close):
            with suppress(OSError, ValueError, zipfile.BadZipFile):
                close()
        self.temporary.unlink(missing_ok=True)


def clear_partials(path: Path) -> None:
    """Delete temporary files of earlier backups to `path` that no running writer holds: a killed
    export's leftovers, each a private, half-written copy of the database."""
    for partial in path.parent.glob(f".{glob.escape(path.name)}.*.partial"):
        with suppress(OSError), partial.open("rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another export is writing it
            partial.unlink()


def no_space(path: Path) -> BackupError:
    return BackupError(
        _(
            "No space left on device writing %(path)s: no backup was written, and any earlier file of "
            "that name is unchanged."
        )
        % {"path": path}
    )


class ArchiveReader:
    """An opened backup whose manifest's signature, shape and version have been checked.

    A file without a signature is refused unless `allow_unsigned`; then `signed` is False."""

    def __init__(self, path: Path, *, allow_unsigned: bool = False):
        self.path = Path(path)
        self.allow_unsigned = allow_unsigned
        self.signed = False
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise BackupError(_("%(path)s does not exist.") % {"path": path}) from None
        except (zipfile.BadZipFile, OSError) as error:
            raise BackupError(
                _("%(path)s is not an archive backup, or it is cut short (%(error)s).") % {"path": path, "error": error}
            ) from None
        self.manifest = self._read_manifest()

    def close(self) -> None:
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _read_manifest(self) -> dict:
        try:
            data = self._read(MANIFEST)
        except KeyError:
            raise BackupError(
                _("%(path)s has no manifest: it is not an archive backup.") % {"path": self.path}
            ) from None
        self._check_signature(data)
        try:
            manifest = json.loads(data)
        except ValueError:
            raise BackupError(_("The manifest of %(path)s is not valid JSON.") % {"path": self.path}) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(_("%(path)s is not an archive backup.") % {"path": self.path})
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                _("%(path)s is backup format version %(found)s; this code reads version %(known)s only.")
                % {"path": self.path, "found": manifest.get("format_version"), "known": FORMAT_VERSION}
            )
        self._check_shape(manifest)
        return manifest

    def _check_signature(self, manifest: bytes) -> None:
        try:
            signature = self._read(SIGNATURE).strip()
        except KeyError:
            if self.allow_unsigned:
                return
            raise BackupError(
                _("%(path)s is not signed, so nothing proves who wrote it; pass --allow-unsigned to restore it anyway.")
                % {"path": self.path}
            ) from None
        if not hmac.compare_digest(signature, sign(manifest, backup_key()).encode()):
            raise BackupError(
                _("The signature of %(path)s does not verify: the file was changed, or signed with another key.")
                % {"path": self.path}
            )
        self.signed = True

    def _check_shape(self, manifest: dict) -> None:
        tables = manifest.get("tables")
        migrations = manifest.get("migrations")
        valid = isinstance(tables, list) and isinstance(migrations, dict)
        valid = valid and all(isinstance(t, dict) and set(t) >= TABLE_KEYS for t in tables)
        valid = valid and all(isinstance(t["columns"], list) and isinstance(t["rows"], int) for t in tables)
        if not valid:
            raise BackupError(_("The manifest of %(path)s is incomplete or damaged.") % {"path": self.path})

    def _read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise self._damaged(name, error) from None

    def _damaged(self, name: str, error) -> BackupError:
        message = _("%(member)s in %(path)s is damaged (%(error)s).")
        return BackupError(message % {"member": name, "path": self.path, "error": error})

    def verify(self, progress=None) -> None:
        """Check every table file against the manifest's row count and checksum, reading each once."""
        members = set(self.zip.namelist())
        for entry in self.manifest["tables"]:
            name = member_name(entry["table"])
            if name not in members:
                raise BackupError(
                    _("%(path)s has no file for table %(table)s.") % {"path": self.path, "table": entry["table"]}
                )
            digest, count = hashlib.sha256(), 0
            try:
                with self.zip.open(name) as member:
                    while block := member.read(READ_BLOCK):
                        digest.update(block)
                        count += block.count(b"\n")
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
                raise self._damaged(name, error) from None
            if count != entry["rows"] or digest.hexdigest() != entry["sha256"]:
                raise BackupError(
                    _("Table %(table)s in %(path)s does not match its checksum: the file is damaged or was changed.")
                    % {"table": entry["table"], "path": self.path}
                )
            if progress:
                progress(entry["table"], count)

    def lines(self, table: str) -> Iterator[bytes]:
        name = member_name(table)
        try:
            with self.zip.open(name) as member:
                yield from member
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise self._damaged(name, error) from None

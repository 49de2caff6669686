"""Backup and restore of the whole archive: every record (drafts, restricted and withdrawn ones
included), every part and link, history, the search index, tombstones, users with their password
hashes, groups, permissions and API tokens.

``manage.py export_archive <file>`` writes one zip file: ``manifest.json`` (format version, time,
the migrations applied per app, and per table its columns, row count, SHA-256 of its rows and the
highest id its counter has handed out) and ``tables/<table>.jsonl`` (one JSON array of column values
per row, by primary key), with ``manifest.sig``, the manifest's HMAC-SHA256 under the operator's key
(settings.ARCHIVE_BACKUP_KEY). ``manage.py restore_archive <file>`` verifies the signature, puts it
back into a freshly migrated, empty database and proves the result equal, table by table. See
`tables.EXCLUDED` for what is left out and why.

The file is private: it holds password hashes, API tokens, restricted records and private notes.
The public data package (archive/datapackage.py) is the public dump.
"""

from archive.backup.archivefile import FORMAT_VERSION, BackupError
from archive.backup.export import export_archive
from archive.backup.restore import restore_archive, verify_archive

__all__ = ["FORMAT_VERSION", "BackupError", "export_archive", "restore_archive", "verify_archive"]

"""Dated releases of the data package: each build is also kept as ``<output>/releases/<YYYY-MM-DD>/``.

A release holds the build's ``datapackage.zip``, its ``changes.csv`` (what changed since the previous
release), ``release.json`` (date, version, created, size, sha256, counts of changes) and the record
digests the next build compares with (``records.csv``, not served). A second build on the same day
replaces that day's release; only the last ``ARCHIVE_DATA_RELEASES`` days are kept. ``releases/index.json``
lists them, newest first.

A release is written into a fresh directory under ``releases/.store/`` and only then does the link
``releases/<date>`` move to it in one rename, so a reader sees the old release or the new one. Everything
here runs under the build's lock (archive.datapackage.writer.build_lock).

A release stops being served (its zip is deleted, the index says it is withheld) once a record it holds
has stopped being public for any reason other than a rename or a merge — withdrawn, restricted,
unpublished, deleted, or a person marked at risk: an old release must not keep public what the
archive took back. Its changes and its entry in the index stay, so the chain of changes is unbroken.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from archive.datapackage import changes

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ZIP, INFO, INDEX = "datapackage.zip", "release.json", "index.json"
SERVED = (ZIP, changes.CHANGES, INFO)  # what /data/releases/<date>/ serves of a release
KEPT_REASONS = {"renamed", "merged"}  # a record gone for these reasons took nothing back from the public


def directory(output: Path) -> Path:
    return output / "releases"


def keep() -> int:
    return settings.ARCHIVE_DATA_RELEASES


def dates(output: Path) -> list[str]:
    """The days that have a release, newest first."""
    folder = directory(output)
    if not folder.is_dir():
        return []
    found = [p.name for p in folder.iterdir() if DATE.fullmatch(p.name) and p.is_symlink()]
    return sorted(found, reverse=True)


def read_info(output: Path, day: str) -> dict | None:
    try:
        return json.loads((directory(output) / day / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def previous(output: Path, day: str) -> dict | None:
    """The newest release before `day` (a second build on one day compares with the day before)."""
    for earlier in dates(output):
        if earlier < day and (info := read_info(output, earlier)) is not None:
            return info
    return None


def previous_digests(output: Path, info: dict | None) -> dict:
    if info is None:
        return {}
    return changes.read_digests(directory(output) / info["date"] / changes.RECORDS)


def sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _place(source: Path, target: Path) -> None:
    """A hard link where the disk allows one (a release shares the build's bytes), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_json(data: dict, path: Path) -> None:
    """Write to a temporary name, flush, then rename: a reader never sees half a file."""
    staged = path.with_name(f".{path.name}-{os.getpid()}")
    with staged.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staged, path)


def publish(output: Path, build: Path, descriptor: dict, counts: dict) -> dict:
    """Keep `build` as the release of its day, withhold and prune older ones, rewrite the index."""
    created = dt.datetime.fromisoformat(descriptor["created"]).astimezone(dt.UTC)
    day = created.date().isoformat()
    folder = directory(output)
    store = folder / ".store"
    store.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix=f"{day}-", dir=store))
    target.chmod(0o755)
    for name in (ZIP, changes.CHANGES, changes.RECORDS):
        _place(build / name, target / name)
    info = {
        "date": day,
        "version": descriptor["version"],
        "created": descriptor["created"],
        "bytes": (target / ZIP).stat().st_size,
        "sha256": sha256(target / ZIP),
        "changes": counts,
        "previous": (descriptor.get("previous_release") or {}).get("date"),
        "withheld": False,
    }
    write_json(info, target / INFO)
    staged = folder / f".{day}-{os.getpid()}"
    staged.unlink(missing_ok=True)
    staged.symlink_to(Path(".store") / target.name, target_is_directory=True)
    os.replace(staged, folder / day)
    withhold(output, changes.read_digests(target / changes.RECORDS), day)
    prune(output)
    write_json({"releases": [read_info(output, d) for d in dates(output)]}, folder / INDEX)
    return info


def withhold(output: Path, current: dict, newest: str) -> None:
    """Stop serving every older release that holds a record the public may no longer see."""
    for day in dates(output):
        info = read_info(output, day)
        if day == newest or info is None or info.get("withheld"):
            continue
        held = changes.read_digests(directory(output) / day / changes.RECORDS)
        gone = changes.tombstones(held.keys() - current.keys())
        taken_back = [key for key in held.keys() - current.keys() if gone.get(key, ("",))[0] not in KEPT_REASONS]
        if taken_back:
            (directory(output) / day / ZIP).unlink(missing_ok=True)
            write_json({**info, "withheld": True}, directory(output) / day / INFO)


def prune(output: Path) -> None:
    """Keep the newest `keep()` days; delete the rest, and whatever no day points to (a killed build's)."""
    folder = directory(output)
    for day in dates(output)[keep() :]:
        (folder / day).unlink()
    kept = {(folder / day).resolve() for day in dates(output)}
    for stored in (folder / ".store").iterdir():
        if stored.resolve() not in kept:
            shutil.rmtree(stored, ignore_errors=True)
    for staged in folder.glob(".????-??-??-*"):
        staged.unlink(missing_ok=True)


def index(output: Path) -> list[dict]:
    """The releases as the index lists them, newest first; empty before the first."""
    try:
        return json.loads((directory(output) / INDEX).read_text(encoding="utf-8"))["releases"]
    except (OSError, ValueError, KeyError):
        return []

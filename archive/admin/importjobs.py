"""The admin's imports run as background jobs: a request never runs for minutes.

The preview (a dry run) and the confirmed import each start a job on a thread of the web process and answer
at once; a small file is usually done within `WAIT` seconds and its result is shown straight away, a larger one
gets a page with a progress bar that asks for the job's state (a CSP-safe script,
archive/static/archive/admin-import-job.js, polling the page's `?state` form) and shows the result when done.
Import and preview are the same `archive.imports.import_records` that `manage.py import_records` runs, one
transaction each: a job that fails or dies with its process writes nothing.

A job's state is a small JSON file beside the uploaded files (the import's temporary folder), so any worker
process of the same server can answer for it; the finished report is kept next to it (pickled: written and
read only by this module, never from a request's data). A running job touches its state every `BEAT` seconds;
one not touched for `STALE` seconds died with its process (a restart): it is reported as stopped, nothing
written. Files older than a day are removed as new jobs start.
"""

from __future__ import annotations

import json
import logging
import os
import pickle  # reports this module wrote itself, in a folder only the app writes
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connections
from django.utils import translation
from django.utils.translation import gettext as _

from archive.imports import ImportFileError, ImportReport

logger = logging.getLogger(__name__)

WAIT = 2.0  # seconds the starting request waits for a job before showing the progress page
BEAT = 5.0  # seconds between a running job's signs of life
STALE = 60.0  # seconds without one after which a running job is taken for dead
KEEP = 24 * 3600  # seconds a finished job's files are kept
PROGRESS_EVERY = 0.5  # seconds between progress writes
JOB_ID = re.compile(r"^[0-9a-f]{32}$")


def job_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "archive-import-jobs"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _state_path(job_id: str) -> Path:
    return job_dir() / f"{job_id}.json"


def _report_path(job_id: str) -> Path:
    return job_dir() / f"{job_id}.report"


def _write_state(job_id: str, state: dict) -> None:
    path = _state_path(job_id)
    temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, path)


def _update(job_id: str, **changes) -> None:
    state = read(job_id) or {}
    _write_state(job_id, {**state, **changes, "beat": time.time()})


def read(job_id: str) -> dict | None:
    """A job's state: status (running, done, failed), rows done and in all, kind, user, message."""
    if not JOB_ID.match(job_id or ""):
        return None
    try:
        state = json.loads(_state_path(job_id).read_text())
    except (OSError, ValueError):
        return None
    if state.get("status") == "running" and time.time() - state.get("beat", 0) > STALE:
        state["status"] = "failed"
        state["message"] = _(
            "The import stopped before it finished (the server restarted); nothing was written. Upload the file again."
        )
    return state


def owned(job_id: str, user) -> dict | None:
    """The job's state if `user` started it; None for anyone else (as for a job that does not exist)."""
    state = read(job_id)
    return state if state is not None and state.get("user") == user.pk else None


def report(job_id: str) -> ImportReport | None:
    try:
        with _report_path(job_id).open("rb") as file:
            return pickle.load(file)  # noqa: S301 - written by _run below, never from outside
    except (OSError, pickle.PickleError, EOFError, AttributeError):
        return None


def start(*, user, kind: str, work: Callable[[Callable[[int, int], None]], ImportReport], **extra) -> str:
    """Start `work(progress)` (an `import_records` call) as a job; its id."""
    _sweep()
    job_id = secrets.token_hex(16)
    _write_state(
        job_id,
        {"id": job_id, "user": user.pk, "kind": kind, "status": "running", "rows": 0, "total": 0, "beat": time.time()}
        | extra,
    )
    spawn(lambda: _run(job_id, work, translation.get_language()))
    return job_id


def spawn(target: Callable[[], None]) -> None:
    """Run a job on a thread of its own (tests run it in place: their database is not another thread's)."""
    threading.Thread(target=target, name="archive-import-job", daemon=True).start()


def wait(job_id: str, seconds: float | None = None) -> dict | None:
    """The job's state once it is done, or after `seconds` (`WAIT`), whichever comes first."""
    deadline = time.monotonic() + (WAIT if seconds is None else seconds)
    while True:
        state = read(job_id)
        if state is None or state["status"] != "running" or time.monotonic() >= deadline:
            return state
        time.sleep(0.1)


def _run(job_id: str, work, language: str) -> None:
    stop = threading.Event()
    last = [0.0]

    def progress(row: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            _update(job_id, rows=row, total=total)

    def beat() -> None:
        while not stop.wait(BEAT):
            _update(job_id)

    threading.Thread(target=beat, name="archive-import-job-beat", daemon=True).start()
    try:
        with translation.override(language):
            result = work(progress)
        with _report_path(job_id).open("wb") as file:
            pickle.dump(result, file)
        stop.set()
        _update(job_id, status="done", rows=_rows(result), total=_rows(result))
    except ImportFileError as error:
        stop.set()
        _update(job_id, status="failed", message=str(error))
    except Exception:
        logger.exception("import job %s failed", job_id)
        stop.set()
        with translation.override(language):
            _update(job_id, status="failed", message=_("The import failed unexpectedly; nothing was written."))
    finally:
        stop.set()
        if threading.current_thread().name == "archive-import-job":
            connections.close_all()  # the job's own connection (a test runs it in place, on the test's)


def _rows(result: ImportReport) -> int:
    return len(getattr(result.result, "rows", ()) or ())


def _sweep() -> None:
    cutoff = time.time() - KEEP
    for path in job_dir().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def discard(job_id: str) -> None:
    for path in (_state_path(job_id), _report_path(job_id)):
        path.unlink(missing_ok=True)

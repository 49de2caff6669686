"""Downloads of the whole published archive, as built by ``manage.py build_datapackage``.

Two variants of every table: ``/data/<table>.csv`` (the package's resources, text exactly as recorded,
for data tools) and ``/data/excel/<table>.csv`` (formula-escaped, with a byte-order mark, for
spreadsheets); ``datapackage.zip`` and ``datapackage-excel.zip`` hold each. Dated releases are served
from ``/data/releases/`` (archive.datapackage.releases).

Each response opens the file first and takes its ETag and Last-Modified from
that open file, so a build swapped in mid-request cannot mix two versions.

A package is refused (503, try again later) once a record the public could see has changed since
it read the database: it may still hold a name, an alias, a quote or a whole record the public may
no longer read. The write path (archive.changes) marks the time of every such change in
``ArchiveState``; a record newly published changes nothing the package holds, so it leaves the
package served (it joins the next build). The request that finds the package out of date starts a
rebuild on a thread of its process (one per process; the writer's lock keeps a second process's out),
and is answered 503 with Retry-After; once the new package is swapped in, it is served.
"""

import datetime as dt
import json
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path

from django.db import connections
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotFound, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import datapackage
from archive.datapackage import changes, releases, writer
from archive.models import ArchiveState

logger = logging.getLogger(__name__)
RETRY_AFTER = "600"  # seconds
_rebuilding = threading.Lock()  # held while this process builds


def not_built() -> str:
    return _("No data package has been built yet. Please try again later.") + "\n"


def stale() -> str:
    return _("The data package is being rebuilt after published records changed. Please try again later.") + "\n"


@lru_cache(maxsize=4)
def _snapshot_time(path: str, mtime_ns: int) -> dt.datetime | None:
    """When the package at `path` read the database (its descriptor's `created`); one read per build."""
    try:
        with open(path, encoding="utf-8") as handle:
            return dt.datetime.fromisoformat(json.load(handle)["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _outdated() -> bool:
    """Whether a record the public could see changed, lost a part or stopped being public at or after the
    moment the served package read the database: the package may still show what it was."""
    path = datapackage.current_file(datapackage.DESCRIPTOR)
    try:
        mtime_ns = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return False  # nothing built: _serve says so
    taken = _snapshot_time(str(path), mtime_ns)
    changed = ArchiveState.last_public_change()
    return taken is None or (changed is not None and changed >= taken)


def wants_bom(request) -> bool:
    """`?bom=1`: asked for a table to open in a spreadsheet."""
    return request.GET.get("bom") == "1"


def _in_thread(work) -> None:
    def run():
        try:
            work()
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=run, name="datapackage-rebuild", daemon=True).start()


start = _in_thread  # tests run the rebuild in the request instead


def rebuild() -> None:
    """Start building a fresh package unless this process is building one already."""
    if not _rebuilding.acquire(blocking=False):
        return

    def work():
        try:
            writer.build(datapackage.output_dir().resolve())
        except writer.BuildInProgress:
            pass  # another process is building it
        except Exception:
            logger.exception("Rebuilding the data package failed")
        finally:
            _rebuilding.release()

    try:
        start(work)
    except BaseException:
        _rebuilding.release()
        raise


def _refused():
    rebuild()
    response = HttpResponse(stale(), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = RETRY_AFTER
    return response


def _serve(request, path: Path, content_type: str, download_name: str | None = None, missing=not_built):
    if _outdated():
        return _refused()
    try:
        handle = path.open("rb")
    except (FileNotFoundError, NotADirectoryError):
        return HttpResponseNotFound(missing(), content_type="text/plain; charset=utf-8")
    stat = os.fstat(handle.fileno())
    headers = {
        "ETag": quote_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}"),
        "Last-Modified": http_date(stat.st_mtime),
        "Cache-Control": "public, no-cache",  # caches may keep it, but must ask whether it changed
    }
    not_modified = get_conditional_response(request, etag=headers["ETag"], last_modified=int(stat.st_mtime))
    if not_modified is not None:
        handle.close()
        response = not_modified
    else:
        response = FileResponse(
            handle, content_type=content_type, as_attachment=download_name is not None, filename=download_name or ""
        )
    for header, value in headers.items():
        response[header] = value
    return response


CSV = "text/csv; charset=utf-8"


@require_safe
def datapackage_download(request):
    """The latest package as a zip: datapackage.json and every CSV, text exactly as recorded."""
    return _serve(request, datapackage.current_file(datapackage.ZIP_NAME), "application/zip", f"{datapackage.NAME}.zip")


@require_safe
def excel_download(request):
    """The latest package's tables for spreadsheets: formula-escaped, with a byte-order mark."""
    name = f"{datapackage.NAME}-excel.zip"
    return _serve(request, datapackage.current_file(writer.EXCEL_ZIP), "application/zip", name)


@require_safe
def datapackage_json(request):
    """The latest package's descriptor: tables, schemas, foreign keys, source, the Excel variant."""
    return _serve(request, datapackage.current_file(datapackage.DESCRIPTOR), "application/json")


@require_safe
def datapackage_file(request, filename: str):
    """One CSV of the latest package, by the path its descriptor gives it: text exactly as recorded.
    `?bom=1` (how a spreadsheet user asked for a table before there were two variants) is sent to the
    Excel variant, so that a link made for a spreadsheet stays safe to open in one."""
    if filename not in datapackage.file_names():
        raise Http404("No such table.")
    if wants_bom(request):
        return HttpResponsePermanentRedirect(reverse("datapackage-excel-file", args=[filename]))
    return _serve(request, datapackage.current_file(filename), CSV)


@require_safe
def excel_file(request, filename: str):
    """One CSV of the latest package for spreadsheets: formula-escaped, with a byte-order mark."""
    if filename not in datapackage.file_names():
        raise Http404("No such table.")
    return _serve(request, datapackage.current_file(f"{writer.EXCEL}/{filename}"), CSV)


# --- Dated releases ---------------------------------------------------------------------------------


def no_release() -> str:
    return _("There is no release of that day, or it is no longer served.") + "\n"


RELEASE_TYPES = {releases.ZIP: "application/zip", changes.CHANGES: CSV, releases.INFO: "application/json"}


@require_safe
def releases_json(request):
    """Every kept release, newest first: date, version, size, sha256, changes, withheld."""
    path = releases.directory(datapackage.output_dir()) / releases.INDEX
    return _serve(request, path, "application/json", missing=no_release)


@require_safe
def releases_page(request):
    """The kept releases as a page, with their downloads."""
    if _outdated():
        return _refused()
    listed = releases.index(datapackage.output_dir())
    for release in listed:
        release["size"] = filesizeformat(release["bytes"])
    return render(request, "archive/releases.html", {"releases": listed, "keep": releases.keep()})


@require_safe
def release_file(request, day: str, name: str):
    """A file of one day's release; 404 for a day without one or a file a release does not serve."""
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day.") from None
    if not releases.DATE.fullmatch(day) or name not in releases.SERVED:
        raise Http404("No such file.")
    path = releases.directory(datapackage.output_dir()) / day / name
    download = f"{datapackage.NAME}-{day}.zip" if name == releases.ZIP else None
    return _serve(request, path, RELEASE_TYPES[name], download, missing=no_release)

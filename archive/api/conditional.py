"""Conditional requests: ETag and Last-Modified on reads, 304 Not Modified, and If-Match on writes.

Django's `get_conditional_response` decides reads (weak comparison for If-None-Match, so `W/"x"` — the form a
gzipped answer carries, ours or a proxy's — matches `"x"`; `*`; lists of tags; If-Modified-Since). Writes
compare If-Match weakly too (`require_current`). What this module adds is the validators:

- a record's: its type, public id and `updated`, which the write path moves whenever the record's
  public form changes (an edit, a removed alias, quote, slogan or text, a linked record renamed…);
- a list's: the type-wide version — the newest `updated` among public records of the type, the newest
  tombstone and the archive's last public change — and the exact request (filters, page, format).

Both also depend on the representation asked for (JSON or the browsable API, and the language of the
dates' display), so two different bodies never share a strong ETag.
"""

import functools
import hashlib
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Subquery
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_etags, quote_etag
from django.utils.translation import get_language, gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException

from archive import dialect, models


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "The record changed since you read it (If-Match or If-Unmodified-Since): read it again, then retry."
    )
    default_code = "precondition_failed"


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: int  # seconds since the epoch, as HTTP dates have them

    def stamp(self, response):
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        return response


def _validators(request, version, *identity) -> Validators:
    renderer = getattr(getattr(request, "accepted_renderer", None), "format", "")
    text = "|".join(str(part) for part in (version.isoformat(), *identity, renderer, get_language()))
    return Validators(quote_etag(hashlib.sha256(text.encode()).hexdigest()[:32]), int(version.timestamp()))


def for_record(request, record_type, public_id: str, updated) -> Validators:
    return _validators(request, updated, record_type.key, public_id)


def for_list(request, model) -> Validators | None:
    """The type-wide version of a list (None while there is nothing to version it by)."""
    alias = router.db_for_read(model)
    sql, params = _version_query(model, alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:  # nothing has gone through the write path yet
        found = (model.objects.published().order_by("-updated").values_list("updated", flat=True).first(),)
    version = max(filter(None, map(dialect.aware, found)), default=None)
    return None if version is None else _validators(request, version, request.get_full_path())


@functools.cache
def _version_query(model, alias: str) -> tuple[str, tuple]:
    """The version's query, compiled once per type and database: every list asks it, and compiling it took
    most of its time (1.0 of 1.5 ms; PostgreSQL answers in 0.2)."""
    # Only public records: a hidden record's edit must not move Last-Modified (a timing oracle).
    # One query: the two newest times as subqueries of the archive's state row (through their indexes).
    newest = model.objects.published().order_by("-updated").values("updated")[:1]
    buried = models.Tombstone.objects.order_by("-removed_at").values("removed_at")[:1]
    row = models.ArchiveState.objects.using(alias).filter(pk=1)
    row = row.values_list(Subquery(newest), Subquery(buried), "public_changed")
    return row.query.get_compiler(using=alias).as_sql()


def respond(request, validators: Validators | None, produce):
    """304 if the client's copy is current (412 if an If-Match fails), else `produce()`, stamped if a 200."""
    if validators is None:
        return produce()
    early = get_conditional_response(request, etag=validators.etag, last_modified=validators.last_modified)
    if early is not None and early.status_code == status.HTTP_412_PRECONDITION_FAILED:
        raise PreconditionFailed()
    if early is not None:
        return validators.stamp(early)
    response = produce()
    if response.status_code == status.HTTP_200_OK:
        validators.stamp(response)
    return response


def require_current(request, validators: Validators) -> None:
    """Before a write: PreconditionFailed (412) if the client's If-Match / If-Unmodified-Since says it read
    an older version. With neither header the write proceeds.

    If-Match is compared weakly here, unlike RFC 9110's strong comparison: our tag names a version of the
    record, not a body's bytes, and a client that read the record gzipped (from us or through a proxy such as
    nginx) only ever saw the weak form `W/"…"`. If-Match present, If-Unmodified-Since is ignored (RFC 9110
    13.2.2)."""
    if_match = request.META.get("HTTP_IF_MATCH")
    if if_match is None:
        refused = get_conditional_response(request, etag=validators.etag, last_modified=validators.last_modified)
        if refused is not None:
            raise PreconditionFailed()
        return
    tags = parse_etags(if_match)
    if tags != ["*"] and _opaque(validators.etag) not in {_opaque(tag) for tag in tags}:
        raise PreconditionFailed()


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/")

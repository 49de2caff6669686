"""Keyset (cursor) paging, shared by the site's lists and the API: stable while records are added,
as fast on page 10,000 as on page 1, and never a COUNT(*).

A page is read after (or before) the position of the last (first) record of the page before, on
the list's ordering plus the primary key, through the ordering's index. The cursor is that
position and the ordering it belongs to, sealed into an opaque token (`seal`): encrypted and
authenticated with a key derived from SECRET_KEY, so a client can neither read a position (a
primary key would tell how many hidden records were made between two public ones) nor forge one.
A cursor that is not one this module made, or made for another ordering, is a `CursorError` (a 400
with a message); so is every cursor after SECRET_KEY changes (clients start again from page one).

Undated records sort last either way round: a cursor cannot point at NULL, so a nullable date is
paged by a stand-in past every real date (the models' `undated_last_indexes` serve it).
"""

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DateField, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
STAND_IN_SUFFIX = "_or_undated"


class CursorError(ValueError):
    """A cursor or page size that cannot be used; str() says why, for the client."""

    def __init__(self, message: str, parameter: str = "cursor"):
        super().__init__(message)
        self.parameter = parameter


def invalid_cursor() -> CursorError:
    return CursorError(_("This cursor is not valid; start again from the first page."))


def page_size(raw: str | None, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page size a client asked for (capped), or CursorError."""
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,18}", raw) or int(raw) < 1:  # any larger whole number gets the maximum
        raise CursorError(_("Give a whole number from 1 to %d.") % MAX_PAGE_SIZE, "page_size")
    return min(int(raw), MAX_PAGE_SIZE)


@dataclass(frozen=True)
class Key:
    """One sort key: a model field (or the pk), descending or not."""

    field: object
    name: str  # what the query orders by (a stand-in for a nullable date)
    descending: bool
    attribute: str  # where a record, or a row of `values_list(named=True)`, holds the field's value
    undated: object = None  # the stand-in's value for a record without the date

    def value(self, record):
        """The record's position on this key: the stand-in's value where it has no date, as the query sorts it."""
        value = getattr(record, self.attribute)
        return self.undated if value is None else value

    def parse(self, text):
        """A position value back from the cursor, or ValueError if it is no value of this field."""
        if text is None or "\x00" in str(text):  # no stored value holds a NUL; PostgreSQL refuses one
            raise ValueError(text)
        try:
            value = self.field.to_python(text)
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                # Our cursors hold UTC; PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows.
                value = value.astimezone(dt.UTC)
            self.field.get_db_prep_value(value, connection)
        except (ValidationError, TypeError, OverflowError) as error:
            raise ValueError(text) from error
        if value is None:
            raise ValueError(text)
        return value


@dataclass
class Page:
    records: list
    next_cursor: str | None
    previous_cursor: str | None


def _keys(model, ordering) -> tuple[list[Key], dict]:
    keys, stand_ins = [], {}
    for name in [*ordering, "pk"] if "pk" not in [o.lstrip("-") for o in ordering] else ordering:
        descending, bare = name.startswith("-"), name.lstrip("-")
        field = model._meta.pk if bare == "pk" else model._meta.get_field(bare)
        query_name, last = bare, None
        if field.null and field.get_internal_type() == "DateField":
            query_name = bare + STAND_IN_SUFFIX
            last = dt.date.min if descending else dt.date.max
            stand_ins[query_name] = Coalesce(bare, Value(last, output_field=DateField()))
        keys.append(Key(field, query_name, descending, bare, last))
    return keys, stand_ins


def _after(keys: list[Key], position: list, backwards: bool) -> Q:
    """Records strictly after `position` in the ordering (before it, `backwards`)."""
    condition = Q()
    for i in reversed(range(len(keys))):
        key = keys[i]
        later = key.descending == backwards  # ascending forwards: greater values come later
        step = Q(**{f"{key.name}__{'gt' if later else 'lt'}": position[i]})
        equal = Q(**{keys[j].name: position[j] for j in range(i)})
        condition = (equal & step) | condition if i else step | condition
    return condition


def _encode(ordering: tuple, position: list, backwards: bool) -> str:
    payload = {"o": list(ordering), "p": [v.isoformat() if hasattr(v, "isoformat") else v for v in position]}
    if backwards:
        payload["b"] = 1
    return seal(json.dumps(payload, separators=(",", ":"), default=str).encode())


def _decode(cursor: str, ordering: tuple, keys: list[Key]) -> tuple[list, bool]:
    try:
        payload = json.loads(unseal(cursor))
        if payload.get("o") != list(ordering) or len(payload.get("p", ())) != len(keys):
            raise ValueError(cursor)
        position = [key.parse(text) for key, text in zip(keys, payload["p"], strict=True)]
    except (ValueError, TypeError, AttributeError, binascii.Error, UnicodeError, RecursionError):
        raise invalid_cursor() from None
    return position, bool(payload.get("b"))


# --- sealing: deterministic authenticated encryption (SIV with HMAC-SHA256) -------------------------
# The tag is an HMAC of the plain text and doubles as the nonce of an HMAC-SHA256 counter-mode key
# stream; opening decrypts and recomputes the tag. The same position always seals to the same cursor
# (pages stay cacheable); nothing but "these two cursors are equal" can be learned from one.

TAG_BYTES = 16


@cache
def _seal_keys(secret: str) -> tuple[bytes, bytes]:
    root = hashlib.sha256(b"archive.paging.cursor\x00" + secret.encode()).digest()
    return hmac.digest(root, b"tag", "sha256"), hmac.digest(root, b"stream", "sha256")


def _stream(key: bytes, tag: bytes, length: int) -> bytes:
    blocks = (hmac.digest(key, tag + n.to_bytes(4, "big"), "sha256") for n in range((length + 31) // 32))
    return b"".join(blocks)[:length]


def seal(plain: bytes) -> str:
    return seal_with(settings.SECRET_KEY, plain)


def seal_with(secret: str, plain: bytes) -> str:
    """`seal` under a given SECRET_KEY (the benchmark writes deep-page cursors for the server it starts)."""
    tag_key, stream_key = _seal_keys(secret)
    tag = hmac.digest(tag_key, plain, "sha256")[:TAG_BYTES]
    hidden = bytes(a ^ b for a, b in zip(plain, _stream(stream_key, tag, len(plain)), strict=True))
    return base64.urlsafe_b64encode(tag + hidden).decode().rstrip("=")


def unseal(token: str) -> bytes:
    """The plain text `seal` sealed, or ValueError for anything else (a forged or altered token)."""
    if not isinstance(token, str) or len(token) > 4096:
        raise ValueError("not a cursor")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    tag, hidden = raw[:TAG_BYTES], raw[TAG_BYTES:]
    if len(tag) < TAG_BYTES:
        raise ValueError("not a cursor")
    tag_key, stream_key = _seal_keys(settings.SECRET_KEY)
    plain = bytes(a ^ b for a, b in zip(hidden, _stream(stream_key, tag, len(hidden)), strict=True))
    if not hmac.compare_digest(hmac.digest(tag_key, plain, "sha256")[:TAG_BYTES], tag):
        raise ValueError("not a cursor")
    return plain


def paginate(queryset, *, ordering: tuple[str, ...], cursor: str | None, size: int) -> Page:
    """One page of `queryset` in `ordering` (field names, "-" for descending; the pk is added last): its records,
    or its rows if it is a `values_list(..., named=True)` holding the ordering's fields and the pk."""
    ordering = tuple(ordering)
    keys, stand_ins = _keys(queryset.model, ordering)
    queryset = queryset.annotate(**stand_ins)
    backwards = False
    if cursor:
        position, backwards = _decode(cursor, ordering, keys)
        queryset = queryset.filter(_after(keys, position, backwards))
    order = [("-" if key.descending != backwards else "") + key.name for key in keys]
    rows = list(queryset.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page([], None, None)
    first, last = [k.value(rows[0]) for k in keys], [k.value(rows[-1]) for k in keys]
    has_next = more if not backwards else True
    has_previous = bool(cursor) if not backwards else more
    return Page(
        rows,
        _encode(ordering, last, False) if has_next else None,
        _encode(ordering, first, True) if has_previous else None,
    )

"""The public read model: every public record's finished public document, in each language.

One row per public record and language (``PublicDocument``): the JSON the API's detail gives, derived
by the record's read serializer, with the dates, labels and names of that language, its CSV line, and its
title and date as search lists them (`listed`). The write path
(archive.changes) re-derives the rows of every record whose public form a change touched, in the
change's own transaction, and deletes the rows of records that stopped being public: a hidden record
has no row. Public reads take documents as stored — one indexed query, no model instances, no prefetch.

Links to other records are stored as paths (``"url": "/api/places/…/"``); `absolute()` makes them the
request's addresses as a document is served. ``manage.py rebuild_public`` derives every row afresh;
`differences()` compares what is stored with what would be derived now (tests/test_readmodel.py).
"""

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from archive import dialect, registry, translations
from archive.models import PublicDocument, PublicPlace
from archive.readmodel import periods, places

CHUNK = 500
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Where a stored document names another record's address: a path, made absolute as it is served. An
# unescaped `"url": "/` in JSON text can only be that key and the start of its value (a quote inside a
# text is escaped), so replacing it cannot touch what a record says.
_PATH_LINK = '"url":"/'


def language_of(code: str | None = None) -> str:
    """The read model's language for an active language code (fa-IR → fa); English if none."""
    code = code or translation.get_language() or settings.LANGUAGE_CODE
    if code in LANGUAGES:
        return code
    base = code.split("-")[0].lower()
    return base if base in LANGUAGES else settings.LANGUAGE_CODE


def encode(data) -> str:
    """Compact JSON, as the API's renderer writes it."""
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"))


def derive(model, pks: Iterable[int]) -> list[PublicDocument]:
    """The rows of these records as they would be derived now: the public ones, in every language."""
    from archive.api import csv_export  # the API's CSV columns and read serializers define the rows
    from archive.api.serializers import SERIALIZERS

    record_type = registry.of(model)
    serializer = SERIALIZERS[record_type.key]
    select, prefetch = serializer.reads()
    pks = sorted(set(pks))
    rows = []
    for start in range(0, len(pks), CHUNK):
        records = list(
            model.objects.published()
            .filter(pk__in=pks[start : start + CHUNK])
            .select_related(*select)
            .prefetch_related(*prefetch)
            .order_by("pk")
        )
        lines_by_language = csv_export.lines_in(model, [record.pk for record in records], LANGUAGES)
        for language in LANGUAGES:
            lines = lines_by_language[language]
            with translation.override(language):
                documents = serializer(records, many=True, context={"request": None}).data
                labels = [_label(record_type, record) for record in records]
            rows += [
                PublicDocument(
                    record_type=record_type.key,
                    object_id=record.pk,
                    language=language,
                    public_id=record.public_id,
                    updated=record.updated,
                    document=encode(document),
                    title=title,
                    date=date,
                    csv=lines.get(record.pk, ""),
                )
                for record, document, (title, date) in zip(records, documents, labels, strict=True)
            ]
    return rows


def _label(record_type, record) -> tuple[str, str]:
    """(title, date) of a record as search lists it in the active language: its name, title or label in the
    reader's language where the record has one, and how its date reads ("" for a type without dates)."""
    return translations.title_in(record), (record.date_display if record_type.dated else "")


def refresh(model, pks: Iterable[int], *, rebuilding: bool = False) -> int:
    """Re-derive the rows and place keys of these records (none for those no longer public); returns the
    documents written. A place that changed where it lies, or whether it is public, re-keys what is in it.

    Rows are upserted, and rows of records no longer public deleted: two writes that re-derive the same record
    (two edits of protests in one place both re-derive the place) both succeed, the later one's rows kept."""
    key = registry.key_of(model)
    pks = sorted(set(pks))
    if not rebuilding:
        _wait_for_rebuild()
    parents = places.public_parents() if places.paths_of(model) else {}
    written = 0
    moved = []
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        rows = derive(model, chunk)
        now_public = {row.object_id for row in rows}
        if rebuilding:  # into emptied tables, which no one else writes meanwhile (`rebuild`)
            was_public = set()
            _copy(rows)
        else:
            stored = PublicDocument.objects.filter(record_type=key, object_id__in=chunk)
            was_public = set(stored.filter(language=settings.LANGUAGE_CODE).values_list("object_id", flat=True))
            stored.exclude(object_id__in=now_public).delete()
            PublicDocument.objects.bulk_create(
                rows, batch_size=CHUNK, update_conflicts=True, unique_fields=UNIQUE, update_fields=UPDATED
            )
        moved += places.refresh(model, chunk, parents, was_public=was_public, now_public=now_public)
        written += len(rows)
    if not rebuilding:  # (while rebuilding, every record is derived anyway)
        places.beneath(moved, parents)
    return written


UNIQUE = ["record_type", "language", "object_id"]
UPDATED = ["public_id", "updated", "document", "title", "date", "csv"]
COLUMNS = (*UNIQUE, *UPDATED)
# Held (exclusively) by `rebuild` until it commits, (shared) by each write re-deriving rows: a write waits for a
# rebuild to finish and then sees its rows, so it neither keeps a row the rebuild wrote for a record the write
# hides, nor collides with one.
LOCK_KEY = 0x0A8C_5EAD


def _wait_for_rebuild() -> None:
    connection = connections[router.db_for_write(PublicDocument)]
    if dialect.is_postgres(connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])


def _copy(rows: list[PublicDocument]) -> None:
    """Rows into the emptied table: on PostgreSQL by COPY (a quarter of a rebuild's time went to INSERTs)."""
    connection = connections[router.db_for_write(PublicDocument)]
    if rows and dialect.is_postgres(connection):
        values = [tuple(getattr(row, column) for column in COLUMNS) for row in rows]
        dialect.copy_new_rows(connection, PublicDocument._meta.db_table, list(COLUMNS), values, returning=None)
    else:
        PublicDocument.objects.bulk_create(rows, batch_size=CHUNK)


def remove(model, pks: Iterable[int]) -> None:
    key = registry.key_of(model)
    pks = sorted(set(pks))
    for start in range(0, len(pks), CHUNK):
        PublicDocument.objects.filter(record_type=key, object_id__in=pks[start : start + CHUNK]).delete()
        places.remove(model, pks[start : start + CHUNK])


def rebuild(*, progress=None) -> int:
    """Every row afresh, in one transaction (readers see the old rows until it commits); returns the rows."""
    written = 0
    with transaction.atomic():
        connection = connections[router.db_for_write(PublicDocument)]
        if dialect.is_postgres(connection):
            with connection.cursor() as cursor:  # writes wait until this commits (see LOCK_KEY)
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        PublicDocument.objects.all().delete()
        PublicPlace.objects.all().delete()
        for record_type in registry.TYPES:
            model = record_type.model
            periods.refresh(model)  # keys a write that bypassed the write path left off (bulk SQL)
            pks = list(model.objects.published().order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), CHUNK * 4):
                written += refresh(model, pks[start : start + CHUNK * 4], rebuilding=True)
                if progress:
                    progress(record_type.key, written)
    return written


def differences(limit: int = 20) -> list[str]:
    """How the stored rows differ from rows derived now (at most `limit` lines); [] when they agree. Read in
    one transaction, so from one database and one moment."""
    with transaction.atomic():
        return _differences(limit)


def _differences(limit: int) -> list[str]:
    found: list[str] = []
    for record_type in registry.TYPES:
        model = record_type.model
        stored = {
            (row.object_id, row.language): row for row in PublicDocument.objects.filter(record_type=record_type.key)
        }
        pks = list(model.objects.published().order_by("pk").values_list("pk", flat=True))
        fresh = {(row.object_id, row.language): row for row in derive(model, pks)}
        found += periods.differences(model, limit)
        found += places.differences(model, pks, places.public_parents())
        for key in sorted(stored.keys() - fresh.keys()):
            found.append(f"{record_type.key} {stored[key].public_id} [{key[1]}]: stored, but the record is not public")
        for key in sorted(fresh.keys() - stored.keys()):
            found.append(f"{record_type.key} {fresh[key].public_id} [{key[1]}]: public, but has no row")
        for key in sorted(stored.keys() & fresh.keys()):
            old, new = stored[key], fresh[key]
            if [getattr(old, column) for column in UPDATED] != [getattr(new, column) for column in UPDATED]:
                found.append(f"{record_type.key} {new.public_id} [{key[1]}]: stored document differs")
        if len(found) >= limit:
            break
    return found[:limit]


# --- reading -------------------------------------------------------------------------------------------


def chunked(records: Iterable, size: int = CHUNK):
    """Lists of up to `size` records from an iterator (a streamed export reads their documents a chunk at a time)."""
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def absolute(document: str, request=None) -> str:
    """A stored document with its links made the request's addresses (left as paths without a request)."""
    return absolute_all([document], request)[0]


def absolute_all(documents: Iterable[str], request=None) -> list[str]:
    """`absolute` of each document, the request's origin worked out once."""
    if request is None:
        return list(documents)
    link = f'"url":"{request.build_absolute_uri("/")[:-1]}/'
    return [document.replace(_PATH_LINK, link) for document in documents]


def with_documents(queryset, key: str, language: str | None = None):
    """A list's records each with its stored document (`public_document`, None if it has none) read in the
    same query: a page of a list is one query returning ready documents."""
    stored = PublicDocument.objects.filter(record_type=key, language=language_of(language), object_id=OuterRef("pk"))
    return queryset.annotate(public_document=Subquery(stored.values("document")[:1]))


@dataclass(frozen=True)
class Stored:
    """A published record's key, `updated` and stored document, as `one` reads them."""

    pk: int
    public_id: str
    updated: object
    public_document: str


def one(model, public_id: str, language: str | None = None) -> Stored | None:
    """The published record with this id (its key and `updated`) with its stored document, or None. Through the
    public gate as well as the read model: a record hidden by a write that bypassed the write path (bulk SQL) is
    not served, even before `rebuild_public` removes its rows. One query, compiled once (`_one_query`)."""
    alias = router.db_for_read(model)
    sql, params, slot = _one_query(model, alias, language_of(language))
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, (*params[:slot], public_id, *params[slot + 1 :]))
        found = cursor.fetchone()
    if found is None or found[3] is None:
        return None
    pk, found_id, updated, document = found
    return Stored(pk, found_id, dialect.aware(updated), document)


@functools.cache
def _one_query(model, alias: str, language: str) -> tuple[str, tuple, int]:
    """`one`'s query, compiled once per type, database and language, and where in its parameters the public id
    goes: every record detail asks it, and building and compiling the queryset took most of its time."""
    published = model.objects.published().filter(public_id=_ID_SLOT).order_by()
    query = with_documents(published, registry.key_of(model), language)
    query = query.values_list("pk", "public_id", "updated", "public_document")[:1]
    sql, params = query.query.get_compiler(using=alias).as_sql()
    (slot,) = [i for i, value in enumerate(params) if value == _ID_SLOT]
    return sql, tuple(params), slot


# Stands for the public id while `one`'s query is compiled: no public id can be it (ids are letters and digits).
_ID_SLOT = "\x00public id\x00"


@dataclass(frozen=True)
class Listed:
    """How a public record is listed among search results, as stored in the reader's language."""

    public_id: str
    title: str
    date: str


def listed(keys: Iterable[tuple[str, int]], language: str | None = None) -> dict[tuple[str, int], Listed]:
    """{(type, record id): Listed} for the public records among these keys, in one query. Through the public
    gate as well as the read model, as `one` is: a record hidden by a write that bypassed the write path (bulk SQL)
    has no entry, even before `rebuild_public` removes its rows."""
    by_type: dict[str, list[int]] = {}
    for key, pk in keys:
        by_type.setdefault(key, []).append(pk)
    if not by_type:
        return {}
    wanted = Q()
    for key, pks in by_type.items():
        public = registry.get(key).model.objects.published().filter(pk__in=pks).values("pk")
        # The ids themselves too, so that each type's rows are found through the (type, id) index.
        wanted |= Q(record_type=key, object_id__in=pks) & Q(object_id__in=public)
    rows = PublicDocument.objects.filter(wanted, language=language_of(language))
    return {
        (key, pk): Listed(public_id, title, date)
        for key, pk, public_id, title, date in rows.values_list(
            "record_type", "object_id", "public_id", "title", "date"
        )
    }


@dataclass(frozen=True)
class Changed:
    """A public record among those changed last, as stored in the reader's language."""

    record_type: str
    public_id: str
    title: str
    updated: object


def newest(keys: Iterable[str], limit: int, language: str | None = None) -> list[Changed]:
    """The `limit` public records of these types whose public form changed last, newest first, read in order from
    the `(language, updated)` index. Through the public gate as well as the read model, as `listed` is, asked of
    the candidates only: gating every row in the one query made PostgreSQL hash every public record first (82 ms
    at M, against 2 ms for both queries)."""
    language = language_of(language)
    rows = PublicDocument.objects.filter(record_type__in=list(keys), language=language)
    # A total order (two types share ids, and one change stamps many records alike), so that windows never overlap.
    rows = rows.order_by("-updated", "record_type", "-object_id")
    rows = rows.values_list("record_type", "object_id", "public_id", "title", "updated")
    found: list[Changed] = []
    start, size = 0, limit
    while len(found) < limit:  # again only if rows of records hidden by bulk SQL are among the newest
        candidates = list(rows[start : start + size])
        public = listed([(key, pk) for key, pk, *_rest in candidates], language)
        found += [Changed(key, *rest) for key, pk, *rest in candidates if (key, pk) in public]
        if len(candidates) < size:
            break
        start, size = start + size, size * 2  # many hidden (a batch unpublished by SQL): few queries still
    return found[:limit]


def csv_lines(key: str, ordered_ids, language: str | None = None, *, using: str | None = None):
    """The stored CSV lines of these records in the order given, a chunk (one query) at a time, from the
    database the ids came from (`using`); hidden records have none."""
    rows = PublicDocument.objects.using(using).filter(record_type=key, language=language_of(language))
    for chunk in chunked(ordered_ids, CHUNK * 2):
        found = dict(rows.filter(object_id__in=chunk).values_list("object_id", "csv"))
        yield "".join(found[pk] for pk in chunk if pk in found)

"""The public read model: every public record's finished public document, in each language.

One row per public record and language (``PublicDocument``): the JSON the API's detail gives, derived
by the record's read serializer, with the dates, labels and names of that language. The write path
(archive.changes) re-derives the rows of every record whose public form a change touched, in the
change's own transaction, and deletes the rows of records that stopped being public: a hidden record
has no row. Public reads take documents as stored — one indexed query, no model instances, no prefetch.

Links to other records are stored as paths (``"url": "/api/places/…/"``); `absolute()` makes them the
request's addresses as a document is served. ``manage.py rebuild_public`` derives every row afresh;
`differences()` compares what is stored with what would be derived now (tests/test_readmodel.py).
"""

import json
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, transaction
from django.db.models import OuterRef, Subquery
from django.utils import translation
from rest_framework.utils.encoders import JSONEncoder

from archive import dialect, registry
from archive.models import PublicDocument, PublicPlace
from archive.readmodel import places

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
        for language in LANGUAGES:
            with translation.override(language):
                documents = serializer(records, many=True, context={"request": None}).data
                lines = csv_export.lines_of(model, [record.pk for record in records])
            rows += [
                PublicDocument(
                    record_type=record_type.key,
                    object_id=record.pk,
                    language=language,
                    public_id=record.public_id,
                    updated=record.updated,
                    document=encode(document),
                    csv=lines.get(record.pk, ""),
                )
                for record, document in zip(records, documents, strict=True)
            ]
    return rows


def refresh(model, pks: Iterable[int], *, cascade: bool = True) -> int:
    """Re-derive the rows and place keys of these records (none for those no longer public); returns the
    documents written. A place that changed where it lies, or whether it is public, re-keys what is in it."""
    key = registry.key_of(model)
    pks = sorted(set(pks))
    parents = places.public_parents() if places.paths_of(model) else {}
    written = 0
    moved = []
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        rows = derive(model, chunk)
        stored = PublicDocument.objects.filter(record_type=key, object_id__in=chunk)
        was_public = set(stored.filter(language=settings.LANGUAGE_CODE).values_list("object_id", flat=True))
        stored.delete()
        insert(rows)
        now_public = {row.object_id for row in rows}
        moved += places.refresh(model, chunk, parents, was_public=was_public, now_public=now_public)
        written += len(rows)
    if cascade:  # (not while every record is being derived anyway: `rebuild`)
        places.beneath(moved, parents)
    return written


COLUMNS = ("record_type", "object_id", "language", "public_id", "updated", "document", "csv")


def insert(rows: list[PublicDocument]) -> None:
    """New rows: on PostgreSQL by COPY (a quarter of a rebuild's time went to INSERT statements)."""
    connection = connections[PublicDocument.objects.db]
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
        PublicDocument.objects.all().delete()
        PublicPlace.objects.all().delete()
        for record_type in registry.TYPES:
            model = record_type.model
            pks = list(model.objects.published().order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), CHUNK * 4):
                written += refresh(model, pks[start : start + CHUNK * 4], cascade=False)
                if progress:
                    progress(record_type.key, written)
    return written


def differences(limit: int = 20) -> list[str]:
    """How the stored rows differ from rows derived now (at most `limit` lines); [] when they agree."""
    found: list[str] = []
    for record_type in registry.TYPES:
        model = record_type.model
        stored = {
            (row.object_id, row.language): row for row in PublicDocument.objects.filter(record_type=record_type.key)
        }
        pks = list(model.objects.published().order_by("pk").values_list("pk", flat=True))
        fresh = {(row.object_id, row.language): row for row in derive(model, pks)}
        found += places.differences(model, pks, places.public_parents())
        for key in sorted(stored.keys() - fresh.keys()):
            found.append(f"{record_type.key} {stored[key].public_id} [{key[1]}]: stored, but the record is not public")
        for key in sorted(fresh.keys() - stored.keys()):
            found.append(f"{record_type.key} {fresh[key].public_id} [{key[1]}]: public, but has no row")
        for key in sorted(stored.keys() & fresh.keys()):
            old, new = stored[key], fresh[key]
            if (old.public_id, old.updated, old.document, old.csv) != (
                new.public_id,
                new.updated,
                new.document,
                new.csv,
            ):
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
    if request is None:
        return document
    origin = request.build_absolute_uri("/")[:-1]
    return document.replace(_PATH_LINK, f'"url":"{origin}/')


def with_documents(queryset, key: str, language: str | None = None):
    """A list's records each with its stored document (`public_document`, None if it has none) read in the
    same query: a page of a list is one query returning ready documents."""
    stored = PublicDocument.objects.filter(record_type=key, language=language_of(language), object_id=OuterRef("pk"))
    return queryset.annotate(public_document=Subquery(stored.values("document")[:1]))


def one(key: str, public_id: str, language: str | None = None) -> PublicDocument | None:
    """The stored document of one public record, or None if there is no public record of that id."""
    rows = PublicDocument.objects.filter(record_type=key, language=language_of(language), public_id=public_id)
    return rows.only("document", "updated", "public_id").first()


def csv_lines(key: str, ordered_ids, language: str | None = None):
    """The stored CSV lines of these records in the order given, a chunk (one query) at a time; hidden records
    have none."""
    rows = PublicDocument.objects.filter(record_type=key, language=language_of(language))
    for chunk in chunked(ordered_ids, CHUNK * 2):
        found = dict(rows.filter(object_id__in=chunk).values_list("object_id", "csv"))
        yield "".join(found[pk] for pk in chunk if pk in found)


def many(key: str, object_ids: Iterable[int], language: str | None = None) -> dict[int, str]:
    """The stored documents of these records, by internal id (one query); hidden records have none."""
    rows = PublicDocument.objects.filter(
        record_type=key, language=language_of(language), object_id__in=list(object_ids)
    )
    return dict(rows.values_list("object_id", "document"))

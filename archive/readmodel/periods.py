"""Period keys: the first and last day each dated record's date may stand for, on the record's own row.

`period_first` and `period_last` are `dates.period_of(date_start, date_end, date_precision)`: what the date
filter compares (two comparisons, `dates.overlaps_q`) and what a list's timeline counts, instead of a condition
per precision in every query. The write path keeps them: every change to a dated record ends in `refresh`
(archive.changes), whoever wrote the row — a form, an import's bulk write, a fixture load. Every record has
them, public or not. `rebuild_public` sets any that are off; `differences` names them (`rebuild_public --check`).
"""

from collections.abc import Iterable

from django.db import connections, router

from archive import registry
from archive.dates import period_of

CHUNK = 1000
_COLUMNS = ("pk", "date_start", "date_end", "date_precision", "period_first", "period_last")


def kept(model) -> bool:
    """Whether records of this model have period keys: the dated record types."""
    return registry.of(model).dated


def _stale(model, pks: list[int] | None):
    """(pk, first, last) of the records whose stored keys are not their date's period; all records if `pks` is
    None, read a chunk at a time."""
    rows = model._base_manager.order_by("pk")
    if pks is not None:
        for start in range(0, len(pks), CHUNK):
            yield from _compare(rows.filter(pk__in=pks[start : start + CHUNK]).values_list(*_COLUMNS))
        return
    yield from _compare(rows.values_list(*_COLUMNS).iterator(chunk_size=CHUNK * 2))


def _compare(rows):
    for pk, start, end, precision, first, last in rows:
        wanted = period_of(start, end, precision)
        if (first, last) != wanted:
            yield pk, *wanted


def refresh(model, pks: Iterable[int] | None = None) -> int:
    """Set the keys of these records (every record with None) where they are not their date's period: one read,
    and one UPDATE per record whose date changed (sent together). Returns the records re-keyed."""
    if not kept(model):
        return 0
    stale = list(_stale(model, None if pks is None else sorted(set(pks))))
    if stale:
        connection = connections[router.db_for_write(model)]
        quote = connection.ops.quote_name
        meta = model._meta
        first, last = (quote(meta.get_field(name).column) for name in ("period_first", "period_last"))
        sql = f"UPDATE {quote(meta.db_table)} SET {first} = %s, {last} = %s WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        with connection.cursor() as cursor:
            day = connection.ops.adapt_datefield_value
            cursor.executemany(sql, [(day(a), day(b), pk) for pk, a, b in stale])
    return len(stale)


def differences(model, limit: int = 20) -> list[str]:
    """A line for each record (at most `limit`) whose stored keys are not its date's period."""
    if not kept(model):
        return []
    key = registry.key_of(model)
    found = []
    for pk, first, last in _stale(model, None):
        found.append(f"{key} #{pk}: period keys stored are not its date's period ({first} – {last})")
        if len(found) >= limit:
            break
    return found

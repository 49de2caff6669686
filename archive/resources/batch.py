"""Writing imported rows a batch at a time.

Each row is read and validated on its own (`archive.resources.base`); what it
writes — the record, its many-to-many relations, its parts (claims, other
names, texts) and any new slogan — waits here until a batch is full, and is then
written with a few bulk queries per table instead of a few dozen queries per row.
A batch writes what saving each row would have:

- one history row per record, part and new slogan, with the importing user and
  “Imported from FILE”, and for records the snapshot of their many-to-many
  relations that django-simple-history keeps;
- a report of every record written to the write path (archive.changes), which
  checks the importing user may write it and derives, once for the whole
  import, everything that follows (search entries, tombstones, `updated` of the
  records that show them, the response cache).

The model signals do not fire for these writes, so the batch reports them to
the write path itself: the same service the signals call, with many ids. A
refusal of the write path (PermissionDenied) is, like a database error, found
again row by row and reported against its row.

Rows are written in file order. The resource writes a batch early when a row
needs what an earlier row writes: the same public id again, or a reference to
a record an earlier row adds or renames (`holds`, `may_name`). A batch the
database refuses is rolled back and written again row by row, each in a
savepoint, so that the error names its row.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from archive import changes, public_ids
from archive.resources.sql import copy_history, in_params, insert_objects, insert_rows, update_objects, where_in

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
CHUNK = 1000  # ids per `IN (…)` list


@dataclass(eq=False)
class Entry:
    """One row's writes, and where to report them."""

    instance: object
    created: bool
    pending: object  # archive.resources.fields.Pending
    number: int = 0
    row: dict | None = None
    result: object = None  # the row's RowResult, once import-export has made it
    before: changes.State | None = None  # an existing record's state as the import read it; None: a new one
    keys: set = field(default_factory=set)  # names a reference to this record may use, folded


def fold_key(text: str) -> set[str]:
    """Forms of a name to compare with a reference: over-matching only writes a batch early."""
    return {text.casefold(), text.upper()}


def _insert_pairs(through, source: str, target: str, pairs: list) -> None:
    """Relation rows, two ids each, in multi-row INSERTs: nothing for the ORM to prepare."""
    columns = [through._meta.get_field(source).column, through._meta.get_field(target).column]
    insert_rows(through._meta.db_table, columns, pairs)


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class BatchWriter:
    """Collects the rows of one import (`add`) and writes them a batch at a time (`flush`)."""

    def __init__(self, model, *, user=None, reason="", size=BATCH_SIZE, on_flush=None):
        self.model, self.user, self.reason, self.size = model, user, reason, size
        self.on_flush = on_flush
        self.entries: list[Entry] = []
        self.failed: list[tuple[Entry, Exception]] = []
        self._ids: set[str] = set()
        self._keys: set[str] = set()
        self._new: list = []
        self._removed: list = []  # (part, its pk) deleted by the batch being written
        self._last_date = None

    # --- buffering -----------------------------------------------------------------------------

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self._ids.add(entry.instance.public_id)
        if entry.before is not None:
            self._ids.add(entry.before.public_id)
        self._keys |= entry.keys

    @property
    def full(self) -> bool:
        return len(self.entries) >= self.size

    def holds(self, public_id: str) -> bool:
        """Whether a row waiting to be written is this record."""
        return public_id in self._ids

    def may_name(self, text: str) -> bool:
        """Whether `text` may refer to a record that rows waiting to be written add or change."""
        return text in self._ids or bool(fold_key(text) & self._keys)

    def flush(self) -> None:
        entries, self.entries = self.entries, []
        self._ids, self._keys = set(), set()
        if not entries:
            return
        try:
            self._attempt(entries)
        except Exception:  # found again below, and reported against its row
            for entry in entries:
                try:
                    self._attempt([entry])
                except Exception as error:  # what the database or the write path refuses is that row's error
                    logger.info("Import row %s could not be written", entry.number, exc_info=error)
                    self.failed.append((entry, error))
        if self.on_flush is not None:
            self.on_flush(entries)

    # --- writing -------------------------------------------------------------------------------

    def _attempt(self, entries: list[Entry]) -> None:
        self._new, self._removed = [], []
        try:
            with transaction.atomic():
                self._write(entries)
        except Exception:
            for obj in self._new:  # rolled back: they must be inserted again
                obj.pk = None
                obj._state.adding = True
            for obj, pk in self._removed:  # rolled back: they are there to delete again
                obj.pk = pk
            raise

    def _write(self, entries: list[Entry]) -> None:
        now = self._now()
        related = {id(obj): obj for e in entries for objs in e.pending.relations.values() for obj in objs}
        new_related = [obj for obj in related.values() if obj.pk is None]
        if new_related:  # slogans new to the archive
            self._save(type(new_related[0]), new_related, [], now)
        creates = [e.instance for e in entries if e.created]
        updates = [e.instance for e in entries if not e.created]
        # The records' state as the database has it now, not as the rows read it: a record published
        # meanwhile is then refused as published (an UPDATE below writes every field back).
        changes.capture(self.model, [obj.pk for obj in updates])
        self._unique_public_ids(creates)
        self._save(self.model, creates, updates, now, history=False)
        self._relations(entries)
        self._parts(entries, now)
        self._history(self.model, creates, updates, now)  # after the relations: it copies them too
        after = {obj.pk: changes.state_of(obj) for obj in creates + updates}
        changes.records_changed(self.model, [obj.pk for obj in creates], created=True, saved=True, after=after)
        changes.records_changed(self.model, [obj.pk for obj in updates], saved=True, after=after)

    def _now(self):
        """The batch's time: its history rows are found again by it, so no two batches share one."""
        now = timezone.now()
        if self._last_date is not None and now <= self._last_date:
            now = self._last_date + dt.timedelta(microseconds=1)
        self._last_date = now
        return now

    def _unique_public_ids(self, creates: list) -> None:
        """A generated public id that another writer took since the row was read gets the next free one (a
        public id a row gives is never taken: the row would have updated that record)."""
        if not creates:
            return
        ids = [obj.public_id for obj in creates]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('public_id')} FROM {quote(self.model._meta.db_table)} "  # noqa: S608
                f"WHERE {where_in(quote('public_id'), ids)}",
                in_params(ids),
            )
            taken = {row[0] for row in cursor.fetchall()}
        for obj in creates:
            while obj.public_id in taken:
                obj.public_id = public_ids.readable(obj, also_taken=taken)
            taken.add(obj.public_id)

    def _save(self, model, creates: list, updates: list, now, history: bool = True) -> None:
        if creates:
            insert_objects(model, creates)
            self._new += creates
        if updates:
            update_objects(model, updates)
        if history:
            self._history(model, creates, updates, now)

    def _relations(self, entries: list[Entry]) -> None:
        """Many-to-many rows: the relations each row names, exactly (like `manager.set()`)."""
        attributes = dict.fromkeys(a for e in entries for a in e.pending.relations)
        for attribute in attributes:
            m2m = self.model._meta.get_field(attribute)
            through = m2m.remote_field.through
            source = through._meta.get_field(m2m.m2m_field_name()).attname
            target = through._meta.get_field(m2m.m2m_reverse_field_name()).attname
            wanted = {
                e.instance.pk: dict.fromkeys(obj.pk for obj in e.pending.relations[attribute])
                for e in entries
                if attribute in e.pending.relations
            }
            existing: dict[int, dict[int, int]] = defaultdict(dict)
            updated = [e.instance.pk for e in entries if not e.created and attribute in e.pending.relations]
            for chunk in _chunks(updated):
                rows = through.objects.filter(**{f"{source}__in": chunk}).values_list("pk", source, target)
                for pk, owner, other in rows:
                    existing[owner][other] = pk
            stale = [pk for owner, rows in existing.items() for other, pk in rows.items() if other not in wanted[owner]]
            for chunk in _chunks(stale):
                through.objects.filter(pk__in=chunk).delete()
            added = [
                (owner, other) for owner, others in wanted.items() for other in others if other not in existing[owner]
            ]
            _insert_pairs(through, source, target, added)

    def _parts(self, entries: list[Entry], now) -> None:
        by_model: dict[type, tuple[list, list]] = {}
        removed = []
        for entry in entries:
            for part in entry.pending.parts:
                if not part.changed:
                    continue
                if part.delete:
                    removed.append(part.obj)
                    continue
                setattr(part.obj, part.owner_field, entry.instance)
                creates, updates = by_model.setdefault(type(part.obj), ([], []))
                (creates if part.obj.pk is None else updates).append(part.obj)
        for obj in removed:  # rare (a claim a row's list leaves out): deleted one by one, as the admin does,
            # so that the history row simple-history writes has the importing user and reason
            obj._history_user, obj._change_reason, obj._history_date = self.user, self.reason, now
            self._removed.append((obj, obj.pk))
            obj.delete()
        for model, (creates, updates) in by_model.items():
            self._save(model, creates, updates, now)

    def _history(self, model, creates: list, updates: list, now) -> None:
        """One history row per object, as a save would write, with the many-to-many snapshot."""
        options = {"date": now, "user": self.user, "reason": self.reason}
        copy_history(model, [obj.pk for obj in creates], history_type="+", **options)
        copy_history(model, [obj.pk for obj in updates], history_type="~", **options)

"""A changeset: what one write changed (a form with its inlines, an API call, an import, a merge…),
and what follows from it, derived once, at its end, inside the write's transaction.

- `capture` notes, before anything changes, each record's state (public or not, its public id) and,
  if it is public, which records show it;
- `change` checks that the acting user may make the change (on the owning record) and notes it;
- `apply` derives every side effect: a dated record's period keys (archive.readmodel.periods), tombstones
  for records that stopped being public, a new `updated` for every record whose public form changed (the
  changed records, the records that showed them before and those that show them now), their search
  entries, their public documents
  (archive.readmodel: re-derived, or removed for records no longer public), the mark that tells the
  data package it may be out of date, and a new generation of the response cache.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from archive import cache, readmodel, registry, search
from archive.changes.state import State, refusal, states
from archive.models import ArchiveState, Tombstone
from archive.readmodel import periods
from archive.registry import graph

CHUNK = 1000


class Changeset:
    def __init__(self, user=None, *, fresh: bool = False):
        self._user = user  # a user, a function giving one (a request's, once authenticated), or None
        # Filling an empty archive (generate_archive): every record is new, so nothing that existed
        # before shows any of them, and the records that show them are new too: no one to touch.
        self.fresh = fresh
        self.before: dict[type, dict[int, State | None]] = defaultdict(dict)
        self.shown_before: dict[type, set[int]] = defaultdict(set)
        self.changed: dict[type, set[int]] = defaultdict(set)
        self.deleted: dict[type, set[int]] = defaultdict(set)
        self.saved: dict[type, set[int]] = defaultdict(set)  # own row written: `updated` already new
        self.merged: dict[type, dict[int, int]] = defaultdict(dict)  # merged-away pk → the kept record's pk
        self.wrote = False
        self.discarded = False
        self._marks: list[tuple] = []  # what was noted when each nested recording began

    def discard(self) -> None:
        """Derive nothing of what the innermost open recording noted: it is being rolled back (a dry
        run, an import with errors). Outermost, the whole changeset derives nothing."""
        if self._marks:
            self._restore(self._marks[-1])
        else:
            self.discarded = True

    def enter(self) -> None:
        """A nested recording begins: remember what was noted so far."""
        self._marks.append(self._snapshot())

    def leave(self, *, rolled_back: bool) -> None:
        mark = self._marks.pop()
        if rolled_back:
            self._restore(mark)

    def _snapshot(self) -> tuple:
        parts = (self.before, self.shown_before, self.changed, self.deleted, self.saved, self.merged)
        return (self.wrote, *({model: type(values)(values) for model, values in part.items()} for part in parts))

    def _restore(self, mark: tuple) -> None:
        self.wrote, *mark = mark
        for part, saved in zip(
            (self.before, self.shown_before, self.changed, self.deleted, self.saved, self.merged), mark, strict=True
        ):
            part.clear()
            part.update({model: type(values)(values) for model, values in saved.items()})

    @property
    def user(self):
        return self._user() if callable(self._user) else self._user

    # --- before ------------------------------------------------------------------------------------

    def capture(self, model, ids, *, known: dict | None = None) -> None:
        """Note the state of records about to change, and who shows the public ones (once per record).

        `known` gives states already in hand ({pk: State}); pks missing from the database (and from
        `known`) are records about to be created."""
        first = [pk for pk in ids if pk is not None and pk not in self.before[model]]
        if not first:
            return
        found = dict(known) if known is not None else states(model, first)
        for pk in first:
            self.before[model][pk] = found.get(pk)
        public = [pk for pk in first if found.get(pk) is not None and found[pk].is_public]
        for shower, pks in graph.dependents(model, public).items():
            self.shown_before[shower] |= pks

    def created(self, model, ids) -> None:
        """Note records that did not exist before this changeset."""
        for pk in ids:
            self.before[model].setdefault(pk, None)

    def merged_into(self, model, pk: int, survivor_pk: int) -> None:
        """Note that record `pk` is being merged into `survivor_pk`: its tombstone points there."""
        self.merged[model][pk] = survivor_pk

    # --- the change --------------------------------------------------------------------------------

    def change(
        self, model, ids, *, deleted: bool = False, part: bool = False, saved: bool = False, after: dict | None = None
    ) -> None:
        """Records of `model` changed (or one of their parts, with `part`), or were deleted. `saved`: their
        own rows were written (their `updated` is already new; it is left as the save set it).

        Raises PermissionDenied if the acting user may not make the change: the caller's transaction
        rolls back with it, so nothing is written.
        """
        ids = [pk for pk in ids if pk is not None]
        if not ids:
            return
        self.wrote = True
        self._check(model, ids, deleted=deleted, part=part, after=after)
        (self.deleted if deleted else self.changed)[model].update(ids)
        if saved:
            self.saved[model].update(ids)

    def _check(self, model, ids, *, deleted: bool, part: bool, after: dict | None) -> None:
        user = self.user
        if user is None:  # the system itself: a management command, a fixture load
            return
        if after is None:
            after = {} if deleted else states(model, ids)
        for pk in ids:
            now = None if deleted else after.get(pk)
            before = self.before[model].get(pk, now)
            if part:
                action = "change"
            elif deleted:
                action = "delete"
            else:
                action = "add" if pk in self.before[model] and before is None else "change"
            reason = refusal(model, before, now if not deleted else before, user, action)
            if reason:
                raise PermissionDenied(reason)

    # --- after -------------------------------------------------------------------------------------

    def apply(self) -> None:
        """Derive every side effect of the changes, in the current transaction."""
        if not self.wrote or self.discarded:
            return
        now = timezone.now()
        touch: dict[type, set[int]] = defaultdict(set)  # a new `updated`
        reindex: dict[type, set[int]] = defaultdict(set)
        burials: dict[tuple[str, str], tuple[str, str, str]] = {}  # (type, id) → (status, reason, merged into)
        revived: dict[str, set[str]] = defaultdict(set)
        returned: dict[str, dict[str, str]] = defaultdict(dict)  # type → {public id: status}, see _write
        stale = False
        for model, ids in self.deleted.items():
            key = registry.key_of(model)
            for pk in ids:
                before = self.before[model].get(pk)
                if before is not None and before.is_public:
                    burials[(key, before.public_id)] = self._deleted(model, pk)
                    stale = True
        for model, ids in self.changed.items():
            ids = ids - self.deleted[model]
            key = registry.key_of(model)
            after = states(model, ids)
            shown_now = []
            for pk, now_state in after.items():
                before = self.before[model].get(pk, now_state)
                if before is not None and before.is_public:
                    stale = True
                    if before.public_id != now_state.public_id:
                        burials[(key, before.public_id)] = ("renamed", "", "")
                    if not now_state.is_public:
                        status = now_state.tombstone_status()
                        reason = now_state.withdrawn_reason if status == "withdrawn" else ""
                        burials[(key, now_state.public_id)] = (status, reason, "")
                if now_state.is_public:
                    revived[key].add(now_state.public_id)
                    shown_now.append(pk)
                elif pk in self.before[model] and self.before[model][pk] is None and not self.fresh:
                    returned[key][now_state.public_id] = now_state.tombstone_status()
            periods.refresh(model, after)  # a dated record's own row: its period keys first
            touch[model] |= set(after) - self.saved[model]
            reindex[model] |= set(after)
            for shower, pks in ({} if self.fresh else graph.dependents(model, shown_now)).items():
                touch[shower] |= pks
        for model, pks in self.shown_before.items():
            touch[model] |= pks
        for model in list(touch):
            created = {pk for pk, state in self.before.get(model, {}).items() if state is None}
            reindex[model] |= touch[model] - self.deleted.get(model, set())
            # A record created in this change was written just now: its `updated` is already new.
            touch[model] -= self.deleted.get(model, set()) | created
        _write(now, touch, reindex, self.deleted, burials, revived, returned)
        if stale:
            ArchiveState.mark_public_change(now)
            # Again once committed: a package built between `now` and the commit read the old rows.
            transaction.on_commit(lambda: ArchiveState.mark_public_change(timezone.now()))
        cache.bump()  # in this transaction: the cached answers it makes stale retire as it commits

    def _deleted(self, model, pk: int) -> tuple[str, str, str]:
        """The tombstone of a deleted public record: a merged one names the record it went into."""
        survivor = self.merged[model].get(pk)
        if survivor is None:
            return ("deleted", "", "")
        state = states(model, [survivor]).get(survivor)
        return ("merged", "", state.public_id if state is not None else "")


def _write(now, touch: dict, reindex: dict, deleted: dict, burials: dict, revived: dict, returned: dict) -> None:
    for model, pks in touch.items():
        ordered = sorted(pks)
        for start in range(0, len(ordered), CHUNK):
            model._base_manager.filter(pk__in=ordered[start : start + CHUNK]).update(updated=now)
    for model, pks in deleted.items():
        search.remove_records(model, pks)
        readmodel.remove(model, pks)
    for model, pks in reindex.items():
        search.reindex_records(model, pks)
        readmodel.refresh(model, pks)
    for key, public_ids in revived.items():
        ids = sorted(public_ids)
        for start in range(0, len(ids), CHUNK):
            Tombstone.objects.filter(record_type=key, public_id__in=ids[start : start + CHUNK]).delete()
    # A merged-away record back under its id (recovered), not public: its tombstone no longer points to
    # the kept record (its link stops redirecting there) and says what it is now.
    for key, statuses in returned.items():
        ids = sorted(statuses)
        for start in range(0, len(ids), CHUNK):
            merged = Tombstone.objects.filter(
                record_type=key, public_id__in=ids[start : start + CHUNK], status="merged"
            )
            for public_id in merged.values_list("public_id", flat=True):
                Tombstone.objects.filter(record_type=key, public_id=public_id).update(
                    status=statuses[public_id], reason="", merged_into="", removed_at=now
                )
    for (key, public_id), (status, reason, merged_into) in burials.items():
        defaults = {"status": status, "reason": reason, "merged_into": merged_into, "removed_at": now}
        Tombstone.objects.update_or_create(record_type=key, public_id=public_id, defaults=defaults)

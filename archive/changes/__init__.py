"""The one write path: every change to a record or to one of its parts ends in `records_changed`.

Whoever changes records — admin forms and inlines, part admins, bulk actions, workflow, merge,
recovery, history revert, API writes, imports, fixture loads, deletes, many-to-many changes — ends
in `records_changed(model, ids, …)`, in the same transaction. It refuses what the acting user may
not do (on the owning record: anything touching a published record is an editor's act) and then,
once per write, derives every side effect (`Changeset.apply`): tombstones, `updated` of every record
whose public form changed, search entries, public documents (archive.readmodel), the data package's
staleness mark, the cache generation.

Model signals only call it (`archive.changes.signals`). A bulk writer that bypasses them calls it
itself, with many ids:

    with changes.recording(user=user):             # one changeset, applied at the end
        changes.capture(Protest, existing_ids)     # before writing
        ... write rows ...
        changes.records_changed(Protest, ids, user=user)

HTTP writes run inside `recording(user=request.user)` (archive.middleware.WriteMiddleware), so the
signals know who acts; writes with no user (commands, fixture loads) are the system's own.
"""

import contextlib
import contextvars

from django.db import transaction

from archive.changes.changeset import Changeset
from archive.changes.state import State, refusal, state_of, states

_current: contextvars.ContextVar[Changeset | None] = contextvars.ContextVar("archive_changeset", default=None)


def current() -> Changeset | None:
    return _current.get()


@contextlib.contextmanager
def recording(*, user=None, discard: bool = False, fresh: bool = False):
    """One changeset for everything written inside, applied on the way out, in one transaction.

    Nested inside another, it joins it (and only the outermost applies); if the nested part fails or
    is discarded, what it noted is forgotten with it. `user` may be a function giving the user (a
    request's, known only once authentication ran). With `discard` nothing is derived (a dry run,
    rolled back anyway). `fresh`: filling an empty archive (see Changeset).
    """
    outer = _current.get()
    if outer is not None:
        if user is not None and outer._user is None:
            outer._user = user
        outer.enter()
        try:
            with transaction.atomic():  # a savepoint: a part that fails rolls back alone
                yield outer
        except BaseException:
            outer.leave(rolled_back=True)  # what it noted was rolled back with its savepoint
            raise
        outer.leave(rolled_back=False)
        return
    changeset = Changeset(user, fresh=fresh)
    token = _current.set(changeset)
    try:
        with transaction.atomic():
            yield changeset
            if not discard:
                changeset.apply()
    finally:
        _current.reset(token)


def capture(model, ids, *, known: dict | None = None) -> None:
    """Before changing records in bulk: note their state (see Changeset.capture)."""
    changeset = _current.get()
    if changeset is None:
        raise RuntimeError("changes.capture() needs an open changes.recording() around the write")
    changeset.capture(model, ids, known=known)


def records_changed(
    model, ids, *, user=None, deleted=False, part=False, created=False, saved=False, after=None
) -> None:
    """Records of `model` (or one of their parts, with `part`) changed, were created or were deleted;
    `saved` if their own rows were written (their `updated` is already new).

    Inside `recording()` it is noted and applied at the end; outside, it is applied at once (a
    record saved on its own, by a command or a test).
    """
    changeset = _current.get()
    if changeset is None:
        with recording(user=user) as changeset:
            _note(changeset, model, ids, deleted=deleted, part=part, created=created, saved=saved, after=after)
        return
    _note(changeset, model, ids, deleted=deleted, part=part, created=created, saved=saved, after=after)


def _note(changeset, model, ids, *, deleted, part, created, saved, after) -> None:
    ids = list(ids)
    if created:
        changeset.created(model, ids)
    changeset.change(model, ids, deleted=deleted, part=part, saved=saved, after=after)


__all__ = ["Changeset", "State", "capture", "current", "recording", "records_changed", "refusal", "state_of", "states"]

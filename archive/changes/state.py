"""What the write path needs to know of a record before and after a change: is it public, under
which id, and who may change it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from archive.models import Status

LOCKED = frozenset({Status.PUBLISHED, Status.WITHDRAWN})
CHUNK = 1000


@dataclass(frozen=True, slots=True)
class State:
    public_id: str
    status: str
    restricted: bool
    at_risk: bool = False
    withdrawn_reason: str = ""

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and not self.restricted and not self.at_risk

    @property
    def locked(self) -> bool:
        """Published or withdrawn: only an editor changes it or anything that belongs to it."""
        return self.status in LOCKED

    def tombstone_status(self) -> str:
        """What mirrors are told about a record that stopped being public. Only a withdrawal says so (its
        reason is public); a restriction or a person marked at risk reads "unpublished", like a return to
        draft, since that a record was restricted or a person is at risk is itself not public."""
        if self.status == Status.WITHDRAWN and not self.restricted and not self.at_risk:
            return "withdrawn"
        return "unpublished"


def _fields(model) -> tuple[str, ...]:
    names = ["pk", "public_id", "status", "restricted", "withdrawn_reason"]
    if any(f.name == "at_risk" for f in model._meta.concrete_fields):
        names.append("at_risk")
    return tuple(names)


def state_of(record) -> State:
    return State(
        record.public_id,
        record.status,
        record.restricted,
        getattr(record, "at_risk", False),
        record.withdrawn_reason,
    )


def states(model, ids) -> dict[int, State]:
    """The current state of each record of `model` that exists among `ids`, a thousand per query."""
    ids = sorted(set(ids))
    fields = _fields(model)
    found = {}
    for start in range(0, len(ids), CHUNK):
        rows = model._base_manager.filter(pk__in=ids[start : start + CHUNK]).values(*fields)
        for row in rows:
            found[row["pk"]] = State(
                row["public_id"],
                row["status"],
                row["restricted"],
                row.get("at_risk", False),
                row["withdrawn_reason"],
            )
    return found


def refusal(model, before: State | None, after: State | None, user, action: str) -> str:
    """Why `user` may not make this change to a record of `model` ("" if they may).

    `action` is "add", "change" or "delete" (a change to one of a record's parts is a "change" of the
    record). Anything touching a published or withdrawn record, publishing, withdrawing, restricting
    or lifting a restriction, and clearing a person's at-risk flag are an editor's acts.
    """
    opts = model._meta
    if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
        return _("You may not change %(kind)s records.") % {"kind": opts.verbose_name}
    editor = user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")
    if editor:
        return ""
    if (before and before.locked) or (after and after.locked):
        return _("Published and withdrawn records, and everything that belongs to them, are changed by an editor.")
    if before and after and before.restricted != after.restricted:
        return _("Only an editor may restrict or unrestrict.")
    if before and after and before.at_risk and not after.at_risk:
        return _("Only an editor may lift the protection of a person marked at risk.")
    return ""

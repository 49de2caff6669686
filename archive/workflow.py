"""Editorial workflow: draft → in review → published → withdrawn, and restriction.

Every status change goes through these functions, whichever path asks for it
(admin action, API, command). They check permissions and the publishing rules,
save with the acting user and reason recorded in history — through the write
path (archive.changes), which checks the user again and derives what follows —
and raise WorkflowError with a message for the person who asked (NotAllowed
when the person may not do it at all).
"""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from archive import changes
from archive.models import Record, Status

# Fields whose change is a workflow decision, not an edit of the record's content.
WORKFLOW_FIELDS = {"status", "withdrawn_reason", "restricted", "updated"}
# A change of translations only, which the two-person rule lets pass unless the editors ask otherwise.
TRANSLATION_FIELDS = {"translations"}


class WorkflowError(Exception):
    """The change is not allowed; str() says why."""


class NotAllowed(WorkflowError, PermissionDenied):
    """The person may not make this change at all (a 403, where a broken rule is a 400)."""


def _service(function):
    """Run a workflow service as one change of the write path, by its user."""

    @functools.wraps(function)
    def run(*, record: Record, user, **kwargs):
        with changes.recording(user=user):
            return function(record=record, user=user, **kwargs)

    return run


def can_publish(user, record: Record) -> bool:
    opts = record._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def can_edit(user, record: Record) -> bool:
    opts = record._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def last_editor_id(record: Record) -> int | None:
    """Who last changed the record's content (not only its status, nor, unless settings ask for it, only
    its translations), from history."""
    passed = (
        WORKFLOW_FIELDS if settings.ARCHIVE_TRANSLATIONS_NEED_SECOND_PERSON else WORKFLOW_FIELDS | TRANSLATION_FIELDS
    )
    records = list(record.history.order_by("-history_date", "-history_id")[:50])
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if older is None:
            return newer.history_user_id
        delta = newer.diff_against(older, foreign_keys_are_objs=False)
        if set(delta.changed_fields) - passed:
            return newer.history_user_id
    return None


def _save(record: Record, user, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason[:100] if reason else ""
    record.save()


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


def _allowed(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


@_service
def record_submit(*, record: Record, user, reason: str = "") -> None:
    """An archivist sends a draft to the editors."""
    _allowed(can_edit(user, record), _("You may not edit this record."))
    _require(record.status == Status.DRAFT, _("Only a draft can be submitted for review."))
    record.status = Status.IN_REVIEW
    _save(record, user, reason or _("Submitted for review"))


@_service
def record_return_to_draft(*, record: Record, user, reason: str = "") -> None:
    """An editor sends a record back for more work (or unpublishes it quietly)."""
    _allowed(can_publish(user, record), _("Only an editor may return a record to draft."))
    _require(
        record.status in {Status.IN_REVIEW, Status.WITHDRAWN},
        _("Only records in review or withdrawn can go back to draft."),
    )
    record.status = Status.DRAFT
    _save(record, user, reason or _("Returned to draft"))


@_service
def record_publish(*, record: Record, user, reason: str = "") -> None:
    """An editor publishes a record that has at least one citation."""
    _allowed(can_publish(user, record), _("Only an editor may publish."))
    _require(
        record.status in {Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN},
        _("This record is already published."),
    )
    _require(record.citations.exists(), _("A record without a citation cannot be published: add its source first."))
    if settings.ARCHIVE_TWO_PERSON_RULE:
        _require(
            last_editor_id(record) != user.pk,
            _("You changed this record last; another editor must publish it (two-person rule)."),
        )
    record.status = Status.PUBLISHED
    record.withdrawn_reason = ""
    _save(record, user, reason or _("Published"))


@_service
def record_withdraw(*, record: Record, user, reason: str) -> None:
    """An editor withdraws a published record; the reason is shown to the public."""
    _allowed(can_publish(user, record), _("Only an editor may withdraw."))
    _require(record.status == Status.PUBLISHED, _("Only a published record can be withdrawn."))
    _require(bool(reason and reason.strip()), _("Give the public reason for withdrawing it."))
    record.status = Status.WITHDRAWN
    record.withdrawn_reason = reason.strip()
    _save(record, user, _("Withdrawn"))


@_service
def record_set_restricted(*, record: Record, user, restricted: bool, reason: str = "") -> None:
    """An editor restricts a record (never public) or lifts the restriction."""
    _allowed(can_publish(user, record), _("Only an editor may restrict or unrestrict."))
    _require(record.restricted != restricted, _("Nothing to change."))
    record.restricted = restricted
    _save(record, user, reason or (_("Restricted") if restricted else _("Restriction lifted")))

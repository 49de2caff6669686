"""Parts of a record (other names, claims, texts, roles, citations, slogans) are changed only by
someone who may change the record they belong to: on a published record, an editor.

The write path (archive.changes) refuses any other change with a 403 whatever page sends it; these
mixins make the admin say so before anyone types: a part whose record the user may not change is
shown read-only, on its record's page and on its own.
"""

from archive import changes
from archive.changes.signals import owners


def record_refusal(request, model, pk) -> str:
    """Why the acting user may not change the stored record (or one of its parts), "" if they may.
    Asked several times per page, so answered once per request and record."""
    if pk is None:
        return ""
    known = request.__dict__.setdefault("_archive_refusals", {})
    if (model, pk) not in known:
        state = changes.states(model, [pk]).get(pk)
        known[(model, pk)] = changes.refusal(model, state, state, request.user, "change") if state else ""
    return known[(model, pk)]


def part_refusal(request, part) -> str:
    """Why the acting user may not change this part: the first refusal among the records it belongs to."""
    for model, pk in owners(part):
        reason = record_refusal(request, model, pk)
        if reason:
            return reason
    return ""


class OwnedPartInline:
    """An inline of a record's parts: read-only when the user may not change the record itself."""

    def _locked(self, request, obj) -> bool:
        return obj is not None and bool(record_refusal(request, type(obj), obj.pk))

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not self._locked(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)


class OwnedPartAdmin:
    """A part's own admin page (a citation, a slogan): read-only, and not deletable, when the user may
    not change a record it belongs to. A forged POST gets the write path's 403."""

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not part_refusal(request, obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not part_refusal(request, obj))

"""A record's history in the admin, in the words curators use.

Its own versions, and every change to its parts — other names, claims, texts, roles, citations — with
who, when and the reason given. Changes read as the admin's labels and as dates are written: "Status:
In review → Published", "Date: October 2020 → mid-October 2020", not `in_review → published` and
`2020-10-01`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models as dj
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from archive import dates, models, registry

DATE_FIELDS = ("date_start", "date_end", "date_precision")
MAX_CHARS = 120
KINDS = {"+": gettext_lazy("added"), "~": gettext_lazy("changed"), "-": gettext_lazy("removed")}


def _value(field, value) -> str:
    """One stored value as the admin shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):  # many-to-many: the related objects (or their ids)
        return ", ".join(_value(field, item) for item in value) or "—"
    if isinstance(value, dict):  # many-to-many rows as dicts of ids
        return ", ".join(str(v) for v in value.values())
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, dj.BooleanField):
        return _("yes") if value else _("no")
    return Truncator(str(value)).chars(MAX_CHARS)


def _date(version) -> str:
    start = getattr(version, "date_start", None)
    precision = getattr(version, "date_precision", None)
    if start is None and precision in (None, dates.DatePrecision.UNDATED):
        return str(dates.DatePrecision.UNDATED.label)
    return dates.render(start, getattr(version, "date_end", None), precision)


def describe(model, delta) -> list[dict]:
    """A delta between two versions of `model` as rows of {field, old, new} in human words; the three
    stored date columns become one "Date" row as the date is written."""
    rows, dated = [], False
    for change in delta.changes:
        if change.field in DATE_FIELDS:
            dated = True
            continue
        field = model._meta.get_field(change.field)
        rows.append(
            {
                "field": capfirst(field.verbose_name),
                "old": _value(field, change.old),
                "new": _value(field, change.new),
            }
        )
    if dated:
        rows.insert(0, {"field": _("Date"), "old": _date(delta.old_record), "new": _date(delta.new_record)})
    return rows


class HumanDelta(HistoricalRecordContextHelper):
    """simple-history's delta rows for the record's own versions, in human words (see `describe`)."""

    def context_for_delta_changes(self, delta) -> list[dict]:
        return describe(self.model, delta)


@dataclass
class PartChange:
    when: object
    who: object
    kind: str  # added, changed, removed
    part: str  # "Size claim", "Citation"…
    label: str  # the part as it reads after the change (or before, if removed)
    reason: str
    changes: list


def _part_versions(record) -> list[tuple[type, object]]:
    """(part model, its historical versions belonging to this record) for each kind of part."""
    owner = type(record)
    found = []
    for part in registry.of(record).parts:
        model = part.model(owner)
        found.append((model, model.history.filter(**{f"{part.owner_field(owner)}_id": record.pk})))
    content_type = ContentType.objects.get_for_model(owner)
    found.append((models.Citation, models.Citation.history.filter(content_type=content_type, object_id=record.pk)))
    return found


def part_changes(record, limit: int = 200) -> list[PartChange]:
    """Every change to the record's parts, newest first: each version compared with the one before it."""
    changes = []
    for model, versions in _part_versions(record):
        previous_of: dict = {}
        for version in versions.select_related("history_user").order_by("history_date", "history_id"):
            previous = previous_of.get(version.id)
            rows = []
            if version.history_type == "~" and previous is not None:
                rows = describe(model, version.diff_against(previous, foreign_keys_are_objs=True))
                if not rows:
                    previous_of[version.id] = version
                    continue
            changes.append(
                PartChange(
                    when=version.history_date,
                    who=version.history_user,
                    kind=str(KINDS.get(version.history_type, version.history_type)),
                    part=capfirst(model._meta.verbose_name),
                    label=Truncator(str(version.instance)).chars(MAX_CHARS),
                    reason=version.history_change_reason or "",
                    changes=rows,
                )
            )
            previous_of[version.id] = version
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]

"""A record's count claims in its import/export file (a protest's size, an arrest's number detained, a
statement's signatories).

Two ways to write them, one part (`ClaimPart`) reading both:

- the flat columns (`size_as_written`, `size_low`, `size_high`, `size_claimed_by`, `size_claimant_kind`,
  `size_source`, `size_footnote`, `size_note`; a statement's `signatories` names the group) hold one
  claim, for spreadsheet users: a row updates the record's claim by the same claimant (or group), or
  adds one; an export writes the first claim there;
- the list column (`size_claims`, `number_claims`, `signatories_claims`) holds every claim as a JSON
  list of objects with the same fields, authoritative when filled in (archive.resources.lists): the
  record's claims become exactly that list (a claim equal in every field is kept, one by the same claimant
  or group updated, others added, and those the list leaves out removed). An export writes it, so
  export → import gives back every claim of a record.

A row giving both must have them agree: the flat columns then describe the list's claim by the same
claimant (or group), or its first claim.
"""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from archive import claimants
from archive.models import ClaimantKind, Source
from archive.resources.cells import ChoiceWidget, IntegerWidget, as_written, cell_text
from archive.resources.fields import PendingPart, _related
from archive.resources.lists import ListPart, pair_up, shown, written
from archive.resources.refs import RecordWidget

NUMBERS = ("low", "high", "footnote")


class ClaimPart(ListPart):
    """A record's count claims: one in flat columns, all of them in a JSON list column."""

    def __init__(self, relation: str, prefix: str, group: bool = False):
        self.relation, self.prefix = relation, prefix
        self.match = "group" if group else "claimant"  # which claim a row updates: the same group or claimant
        self.columns = {"words": f"{prefix}_as_written", "low": f"{prefix}_low", "high": f"{prefix}_high"}
        if group:  # the group that signed is the `prefix` column itself (`signatories`)
            self.columns = {"group": prefix, **self.columns}
        # Who gives the figure and where it comes from; a blank kind is “unknown”, as in the admin.
        self.columns |= {
            "claimant": f"{prefix}_claimed_by",
            "claimant_kind": f"{prefix}_claimant_kind",
            "source": f"{prefix}_source",
            "footnote": f"{prefix}_footnote",
            "note": f"{prefix}_note",
        }
        self.list_column = f"{prefix}_claims"
        self.keys = tuple(self.columns)

    @property
    def prefetch(self) -> tuple[str, ...]:
        return (self.relation, f"{self.relation}__source")

    # --- reading -------------------------------------------------------------------------------

    def plan(self, instance, row) -> list[PendingPart]:
        text = self.list_cell(row)
        if text:
            return self.plan_list(instance, row, text)
        return self._plan_one(instance, row)

    def _clean(self, key, raw):
        if key in NUMBERS:
            return IntegerWidget().clean(raw)
        if key == "claimant_kind":
            return ChoiceWidget(ClaimantKind.choices).clean(raw) or ClaimantKind.UNKNOWN
        if key == "source":
            return RecordWidget(Source).clean(raw)
        return cell_text(raw)

    def _flat_values(self, row) -> tuple[dict, dict]:
        """The flat columns the row has (key → cell) and their values; bad cells are errors in their column."""
        given = {key: row[column] for key, column in self.columns.items() if column in row}
        values, errors = {}, {}
        for key, raw in given.items():
            try:
                values[key] = self._clean(key, raw)
            except ValueError as error:
                errors[self.columns[key]] = [str(error)]
        if errors:
            raise ValidationError(errors)
        return given, values

    def _described(self, values) -> str | None:
        """The first column saying something about a claim beyond its figure (who, where from)."""
        for key in dict.fromkeys((self.match, "claimant", "claimant_kind", "source", "footnote", "note")):
            value = values.get(key)
            if value not in (None, "", ClaimantKind.UNKNOWN):
                return self.columns[key]
        return None

    def _no_figure(self, values) -> bool:
        return not values.get("words") and values.get("low") is None and values.get("high") is None

    def _plan_one(self, instance, row) -> list[PendingPart]:
        """The flat columns: update the claim by the same claimant (or group), or the first, or add one."""
        given, values = self._flat_values(row)
        if not given:
            return []
        if self._no_figure(values):
            column = self._described(values)
            if column:
                raise ValidationError(
                    {
                        column: _("Give the figure as written (%(words)s) or a low figure (%(low)s).")
                        % {"words": self.columns["words"], "low": self.columns["low"]}
                    }
                )
            return []
        claims = _related(instance, self.relation)
        if self.match in values:
            existing = next((c for c in claims if _same(getattr(c, self.match), values[self.match])), None)
        else:
            existing = claims[0] if claims else None
        claim = existing or self.part_model(type(instance))()
        changed = self._assign(claim, values, kind_given=bool(cell_text(given.get("claimant_kind"))))
        return [PendingPart(claim, self.owner_field(type(instance)), dict(self.columns), changed or existing is None)]

    def _assign(self, claim, values: dict, kind_given: bool) -> bool:
        """Set the values on the claim; whether that changed it."""
        changed = False
        for key, value in values.items():
            if getattr(claim, key) != value:
                setattr(claim, key, value)
                changed = True
        if claim.claimant and claim.claimant_kind == ClaimantKind.UNKNOWN and not kind_given:
            # No kind in the file: the claimant's words suggest one, as in the admin (archive.claimants).
            suggested = claimants.suggest(claim.claimant)
            if suggested:
                claim.claimant_kind, changed = suggested, True
        return changed

    # --- the list column (archive.resources.lists) ----------------------------------------------

    def not_a_list(self, text: str) -> str:
        example = {"words": "about a hundred", "low": 80, "high": 120, "claimant": "Erk", "source": "…"}
        if self.match == "group":
            example = {"group": "musicians", **example}
        return _("“%(cell)s” is not a JSON list of claims; write e.g. %(example)s.") % {
            "cell": as_written(text),
            "example": json.dumps([example], ensure_ascii=False),
        }

    def label(self, number: int, item) -> str:
        return _("Claim %(number)s (%(item)s)") % {"number": number, "item": shown(item)}

    def item_values(self, item) -> tuple[dict, bool]:
        """One object of the list as model values, and whether it gives a claimant kind."""
        if not isinstance(item, dict) or set(item) - set(self.columns):
            raise ValueError(
                _("write each claim as an object with the keys %(keys)s.") % {"keys": ", ".join(self.columns)}
            )
        values, problems = {}, []
        for key in self.columns:
            raw = item.get(key)
            if isinstance(raw, dict | list) or (isinstance(raw, bool) and key in NUMBERS):
                problems.append(_("“%(key)s” is not a text or a number.") % {"key": key})
                continue
            try:
                values[key] = self._clean(key, raw)
            except ValueError as error:
                problems.append(str(error))
        if not problems and self._no_figure(values):
            problems.append(_("give the figure as written (“words”) or a low figure (“low”)."))
        if problems:
            raise ValueError(" ".join(problems))
        return values, bool(cell_text(item.get("claimant_kind")))

    def check_agreement(self, row, wanted: list) -> None:
        self._check_agreement(row, [values for values, _kind in wanted])

    def matches(self, parts: list, wanted: list) -> list:
        """First a claim equal in every field, then one by the same claimant (or group)."""

        def same_values(claim, item):
            return all(getattr(claim, key) == value for key, value in item[0].items())

        def same_match(claim, item):
            return _same(getattr(claim, self.match), item[0].get(self.match))

        return pair_up(parts, wanted, (same_values, same_match))

    def assign(self, obj, values) -> bool:
        return self._assign(obj, *values)

    def _check_agreement(self, row, wanted: list[dict]) -> None:
        """Flat columns beside a list must describe one of its claims: the one by the same claimant (or
        group), else the first. A flat cell that says otherwise is an error in its column."""
        given, values = self._flat_values(row)
        if not any(cell_text(raw) for raw in given.values()):
            return
        if cell_text(given.get(self.match)):
            target = next((w for w in wanted if _same(w.get(self.match), values[self.match])), None)
        else:
            target = wanted[0] if wanted else None
        if target is None:  # reported once, where the flat columns name the claim
            key = self.match if cell_text(given.get(self.match)) else next(k for k, v in given.items() if cell_text(v))
            raise ValidationError({self.columns[key]: self._disagrees(given[key], None, missing=True)})
        errors = {}
        for key, raw in given.items():
            if key == "claimant_kind" and not cell_text(raw):
                continue  # a blank kind says nothing (an import would suggest one)
            theirs = target.get(key)
            if values[key] != theirs and not (key == self.match and _same(values[key], theirs)):
                errors[self.columns[key]] = [self._disagrees(raw, theirs, missing=False)]
        if errors:
            raise ValidationError(errors)

    def _disagrees(self, raw, theirs, missing: bool) -> str:
        cell = as_written(cell_text(raw)) or _("(empty)")
        if missing:
            message = _("“%(cell)s” describes a claim that is not in %(list)s.")
        else:
            message = _("“%(cell)s” disagrees with %(list)s, which gives “%(theirs)s” for this claim.")
        shown = getattr(theirs, "public_id", theirs)
        shown = _("(empty)") if shown in (None, "") else as_written(str(shown))
        advice = _("When a row has %(list)s, leave the %(prefix)s_… columns empty or make them agree with it.")
        return " ".join(
            [
                message % {"cell": cell, "list": self.list_column, "theirs": shown},
                advice % {"list": self.list_column, "prefix": self.prefix},
            ]
        )

    # --- writing -------------------------------------------------------------------------------

    def export(self, instance, key):
        claims = _related(instance, self.relation)
        if key is None:  # the list column: every claim, every field
            return written([{k: self._exported(claim, k) for k in self.columns} for claim in claims])
        value = self._exported(claims[0], key) if claims else None
        return "" if value is None else str(value)

    @staticmethod
    def _exported(claim, key):
        value = getattr(claim, key)
        if key == "source":
            return value.public_id if value is not None else None
        return value


def _same(one, other) -> bool:
    """Two claimants (or groups) are the same when they read the same in any letter case."""
    return (one or "").casefold() == (other or "").casefold()

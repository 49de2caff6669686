"""A list column: every part of one kind of a record (its count claims, other names, texts) as a JSON
list of objects in one cell, each object with the part's fields.

A non-empty list cell is authoritative: the record's parts become exactly that list — parts kept where
they match, updated in place, added, and removed when the list leaves them out (`[]` removes them all),
each change in the record's history. An empty cell, or a file without the column, changes nothing: the
part's flat columns work as they always did, and beside a list they must agree with it. An export writes
the list, so export → import gives back every part with every field.

`ListPart` reads the cell and turns the wanted items into pending writes; each part says how one item
reads (`item_values`), which items a list may not hold together (`conflicts`), which existing part an
item is (`matches`) and how flat columns must agree with the list (`check_agreement`).
"""

import json
from abc import ABC, abstractmethod

from django.core.exceptions import ValidationError

from archive.resources.cells import as_written, cell_text
from archive.resources.fields import Part, PartColumn, PendingPart, _related


def read_list(text: str) -> list | None:
    """The cell's JSON list, or None if it is not one."""
    try:
        items = json.loads(text)
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def shown(item) -> str:
    """One item of a list as an error message quotes it."""
    return as_written(json.dumps(item, ensure_ascii=False) if isinstance(item, dict | list) else str(item))


def written(items: list[dict]) -> str:
    """A list cell as an export writes it: empty when the record has no such parts."""
    return json.dumps(items, ensure_ascii=False) if items else ""


class ListPart(Part, ABC):
    """A part with a JSON list column (`list_column`) besides any flat columns."""

    list_column: str
    #: The model fields of the part an item of the list gives, by the key the item names them with.
    keys: tuple[str, ...]

    def column_fields(self) -> dict[str, PartColumn]:
        return {**super().column_fields(), self.list_column: PartColumn(self, None, self.list_column)}

    def list_cell(self, row) -> str:
        """The row's list cell as text; empty when the file has no such column or the cell is blank."""
        return cell_text(row.get(self.list_column)) if self.list_column in row else ""

    # --- what each part says ------------------------------------------------------------------

    @abstractmethod
    def not_a_list(self, text: str) -> str:
        """The error for a cell that is not a JSON list, quoting it."""

    @abstractmethod
    def label(self, number: int, item) -> str:
        """Which item of the list (“Claim 2 (…)”), put before its errors."""

    @abstractmethod
    def item_values(self, item):
        """One item of the list as what `assign` sets; ValueError with the item's problems."""

    def conflicts(self, wanted: list) -> dict[int, str]:
        """Items the list may not hold beside an earlier one: {index: problem}."""
        return {}

    def check_agreement(self, row, wanted: list) -> None:
        """Flat columns beside the list must agree with it: a ValidationError in the flat column if not."""

    @abstractmethod
    def matches(self, parts: list, wanted: list) -> list:
        """For each wanted item, the existing part it keeps or updates (None: a new part); each serves once."""

    @abstractmethod
    def assign(self, obj, values) -> bool:
        """Set an item's values on a part; whether that changed it."""

    # --- reading the list ---------------------------------------------------------------------

    def plan_list(self, instance, row, text: str) -> list[PendingPart]:
        """The parts the record will have: exactly those of the list, every other one removed."""
        items = read_list(text)
        if items is None:
            raise ValidationError({self.list_column: self.not_a_list(text)})
        wanted, problems = [], {}
        for index, item in enumerate(items):
            try:
                wanted.append(self.item_values(item))
            except ValueError as error:
                problems[index] = str(error)
        if not problems:
            problems = self.conflicts(wanted)
        if problems:
            raise ValidationError(
                {self.list_column: [f"{self.label(i + 1, items[i])}: {problems[i]}" for i in sorted(problems)]}
            )
        self.check_agreement(row, wanted)
        owner, model = self.owner_field(type(instance)), self.part_model(type(instance))
        columns = dict.fromkeys(self.keys, self.list_column)
        existing = _related(instance, self.relation)
        pending = []
        for index, (values, found) in enumerate(zip(wanted, self.matches(existing, wanted), strict=True)):
            obj = found if found is not None else model()
            changed = self.assign(obj, values) or found is None
            pending.append(PendingPart(obj, owner, columns, changed, label=self.label(index + 1, items[index])))
        kept = {id(part.obj) for part in pending}
        pending += [PendingPart(obj, owner, columns, True, delete=True) for obj in existing if id(obj) not in kept]
        return pending


def pair_up(parts: list, wanted: list, tests) -> list:
    """For each wanted item, the first free part passing a test (tests tried in order: the first for every
    item, then the next); None where none does. Each part serves once."""
    free, found = list(parts), [None] * len(wanted)
    for test in tests:
        for index, values in enumerate(wanted):
            if found[index] is None:
                part = next((p for p in free if test(p, values)), None)
                if part is not None:
                    found[index] = part
                    free.remove(part)
    return found

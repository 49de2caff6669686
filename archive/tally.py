"""How many records a list finds, in all and by the values of some of its columns, counted in one query.

A list page asks the records it finds several counts: how many there are, how many of each kind and status (its
choice facets' options) and how many in each period of its timeline. Each used to be a query that found the
list's records again; at scale M, for a province and three months, five scans of the same 25,000 place keys
against the protests, 40–50 ms each. A `Tally` finds them once and groups them every way asked
(`dialect.grouping_sets`: PostgreSQL's `GROUPING SETS`, the same sums on SQLite), the first time any count is
asked for; a count that ran out of its time budget is asked again by the next caller, in its own budget.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import EmptyResultSet

from archive import dialect, readmodel

Columns = tuple[str, ...]


class Tally:
    """Counts of `records` (a queryset), in all and grouped by each of `groupings` (tuples of its model's
    column names): `total()`, `groups(columns)` -> {values: how many}, each record counted once per group, all
    in one query; and `places()`, how many the type's place filter finds at each public place (one more)."""

    def __init__(self, records, groupings: Iterable[Columns] = ()):
        self.records = records
        self.groupings: list[Columns] = list(dict.fromkeys(tuple(g) for g in groupings if g))
        self._counted: dict[Columns, dict[tuple, int]] | None = None
        self._places: dict[int, int] | None = None

    def total(self) -> int:
        return sum(self._counts()[()].values())

    def groups(self, columns: Sequence[str]) -> dict[tuple, int]:
        """{(value, …) of `columns`: how many records have it}. A grouping not asked for up front is counted by
        itself, in a query of its own."""
        columns = tuple(columns)
        if columns not in self.groupings:
            return Tally(self.records, [columns]).groups(columns)
        return self._counts()[columns]

    def places(self) -> dict[int, int]:
        """For each public place, how many of the records the type's place filter finds there or within it
        (the read model's place keys: `archive.readmodel.places.counts`); a list's place options and its map
        both ask."""
        if self._places is None:
            self._places = readmodel.places.counts(self.records)
        return self._places

    def _counts(self) -> dict[Columns, dict[tuple, int]]:
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def _count(self) -> dict[Columns, dict[tuple, int]]:
        columns = list(dict.fromkeys(column for grouping in self.groupings for column in grouping))
        # Each record once, by its key: a filter through a many-to-many relation joins rows (then DISTINCT).
        selected = ["pk", *columns]
        found = self.records.order_by().values(*selected)
        sets = [*self.groupings, ()]
        counted: dict[Columns, dict[tuple, int]] = {grouping: {} for grouping in sets}
        try:
            sql, params = found.query.get_compiler(using=found.db).as_sql()
        except EmptyResultSet:  # a filter that can find nothing (an unknown place): no query at all
            return counted
        fields = {column: self.records.model._meta.get_field(column) for column in columns}
        for index, values, n in dialect.grouping_sets(sql, params, selected, sets, found.db):
            grouping = sets[index]
            key = tuple(fields[column].to_python(value) for column, value in zip(grouping, values, strict=True))
            counted[grouping][key] = n
        return counted

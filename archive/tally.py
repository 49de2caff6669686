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

from archive import dialect

Columns = tuple[str, ...]


class Tally:
    """Counts of `records` (a queryset), in all and grouped by each of `groupings` (tuples of its model's
    column names): `total()`, `groups(columns)` -> {values: how many}. Each record counts once per group."""

    def __init__(self, records, groupings: Iterable[Columns] = ()):
        self.records = records.order_by()
        self.groupings: list[Columns] = list(dict.fromkeys(tuple(g) for g in groupings if g))
        self._counted: dict[Columns, dict[tuple, int]] | None = None

    def total(self) -> int:
        return sum(self._counts()[()].values())

    def groups(self, columns: Sequence[str]) -> dict[tuple, int]:
        """{(value, …) of `columns`: how many records have it}; only groupings asked for up front."""
        columns = tuple(columns)
        if columns not in self.groupings:
            raise KeyError(f"{columns} was not among this tally's groupings {self.groupings}")
        return self._counts()[columns]

    def _counts(self) -> dict[Columns, dict[tuple, int]]:
        if self._counted is None:
            self._counted = self._count()
        return self._counted

    def _count(self) -> dict[Columns, dict[tuple, int]]:
        columns = list(dict.fromkeys(column for grouping in self.groupings for column in grouping))
        # Each record once, by its key: a filter through a many-to-many relation joins rows (then DISTINCT).
        selected = ["pk", *columns]
        found = self.records.values(*selected)
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

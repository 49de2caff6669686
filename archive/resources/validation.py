"""The admin form's model validation for an imported row, with each error tied to a column.

Django reports a violated check constraint as a non-field error (“Constraint
… is violated.”); here each constraint is checked on its own and its error
goes to the column holding the fields it reads, in words an archivist knows.
"""

import operator
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils.translation import gettext as _

# Messages for the archive's constraints, by the end of the constraint name, and the
# field whose column the error belongs to (the one that is “later” or missing).
CONSTRAINT_MESSAGES = {
    "_date_end_after_start": ("The end of the date range is before its start.", "date_end"),
    "_undated_iff_no_date": ("Give a date, or write “undated”.", "date_start"),
    "_low_lte_high": ("The low figure is higher than the high figure.", "high"),
    "_words_or_figure": ("Give the figure as written or a low figure.", "words"),
    "_dissolved_after_founded": ("The year dissolved is before the year founded.", "dissolved_year"),
    "_active_until_after_from": ("The last year active is before the first.", "active_until"),
    "_person_or_group": ("Name the detainee (person) or describe the group detained (group_description).", "person"),
    "_outcome_after_arrest": ("The outcome date is before the arrest.", "outcome_date"),
    "_coordinates_valid": ("Give both latitude (−90 to 90) and longitude (−180 to 180), or neither.", "latitude"),
    "_not_own_parent": ("A record cannot be part of itself.", "parent"),
    "_wikidata_qid_format": ("A Wikidata id looks like Q123.", "wikidata_qid"),
    "_withdrawn_has_reason": ("A withdrawn record needs a reason.", None),
    "_valid": ("This is not one of the allowed values.", None),
}


def _known(constraint) -> tuple[str, str | None] | None:
    return next((known for suffix, known in CONSTRAINT_MESSAGES.items() if constraint.name.endswith(suffix)), None)


def _q_fields(node) -> list[str]:
    names = []
    for child in getattr(node, "children", []):
        if isinstance(child, Q):
            names += _q_fields(child)
            continue
        lookup, value = child
        names.append(lookup.split("__")[0])
        if isinstance(value, F):
            names.append(value.name.split("__")[0])
    return names


def constraint_fields(constraint) -> list[str]:
    """The model fields a constraint reads, in order."""
    if isinstance(constraint, UniqueConstraint):
        names = list(constraint.fields)
    else:
        names = _q_fields(getattr(constraint, "condition", None))
    return list(dict.fromkeys(names))


def constraint_message(constraint, error: ValidationError) -> str:
    default = getattr(constraint, "default_violation_error_message", None)
    known = _known(constraint)
    if known is None or (constraint.violation_error_message and constraint.violation_error_message != default):
        return " ".join(error.messages)  # the model's own wording
    return _(known[0])


def constraint_column(constraint, column_for: Callable[[str], str], present) -> str:
    """The column to report a violated constraint in: its “later” field's, else the first in the row."""
    known = _known(constraint)
    if known and known[1]:
        return column_for(known[1])
    columns = [column_for(name) for name in constraint_fields(constraint) if name != "pk"]
    columns = list(dict.fromkeys(columns)) or [column_for(NON_FIELD_ERRORS)]
    return next((c for c in columns if c in present), columns[0])


class _Unsupported(Exception):
    """The condition uses something the Python evaluator does not know; ask the database."""


_COMPARE = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda left, right: left in right,
    "startswith": lambda left, right: str(left).startswith(str(right)),
}


def _field_value(obj, name: str):
    if name == "pk":
        return obj.pk
    try:
        return getattr(obj, obj._meta.get_field(name).attname)
    except (FieldDoesNotExist, AttributeError):
        raise _Unsupported from None


def _lookup(obj, key: str, value):
    name, _sep, op = key.partition("__")
    op = op or "exact"
    left = _field_value(obj, name)
    if op == "isnull":
        return (left is None) == bool(value)
    if op == "exact" and value is None:
        return left is None  # Django turns exact=None into IS NULL
    if isinstance(value, F):
        value = _field_value(obj, value.name)
    elif hasattr(value, "resolve_expression"):
        raise _Unsupported
    if op not in _COMPARE:
        raise _Unsupported
    if left is None or value is None:
        return None  # SQL's unknown
    try:
        return _COMPARE[op](left, value)
    except TypeError:
        raise _Unsupported from None


def _evaluate(obj, q: Q):
    """A Q on one instance with SQL's three-valued logic: True, False or None (unknown)."""
    results = [_evaluate(obj, child) if isinstance(child, Q) else _lookup(obj, *child) for child in q.children]
    if q.connector == Q.AND:
        result = False if False in results else None if None in results else True
    elif q.connector == Q.OR:
        result = True if True in results else None if None in results else False
    else:
        raise _Unsupported
    return (None if result is None else not result) if q.negated else result


def _validate(constraint, obj, exclude, using) -> None:
    """constraint.validate(), with simple check constraints evaluated in Python instead of one query each."""
    if isinstance(constraint, CheckConstraint) and isinstance(constraint.condition, Q):
        if set(constraint_fields(constraint)) & set(exclude):
            return
        try:
            passes = _evaluate(obj, constraint.condition) is not False  # like the database, unknown passes
        except _Unsupported:
            pass
        else:
            if not passes:
                raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            return
    constraint.validate(type(obj), obj, exclude=exclude, using=using)


def model_errors(obj, column_for: Callable[[str], str], exclude=(), present=()) -> dict[str, list[str]]:
    """full_clean() of `obj` (fields, clean(), uniqueness, every constraint) as {column: [messages]}.

    `column_for` maps a model field name to its column; `exclude` names
    fields not to check (already wrong, or set later such as the owner of a
    part); `present` lists the row's columns, preferred when a constraint
    reads several.
    """
    errors: dict[str, list[str]] = {}
    failed = set(exclude)
    try:
        obj.full_clean(exclude=failed, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field != NON_FIELD_ERRORS:
                failed.add(field)
            errors.setdefault(column_for(field), []).extend(messages)
    using = router.db_for_write(type(obj), instance=obj)
    for _model, constraints in obj.get_constraints():
        for constraint in constraints:
            try:
                _validate(constraint, obj, failed, using)
            except ValidationError as error:
                column = constraint_column(constraint, column_for, present)
                errors.setdefault(column, []).append(constraint_message(constraint, error))
    return errors

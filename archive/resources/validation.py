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


def _attname(model, name: str) -> str:
    if name == "pk":
        return model._meta.pk.attname
    try:
        return model._meta.get_field(name).attname
    except (FieldDoesNotExist, AttributeError):
        raise _Unsupported from None


def _compile_lookup(model, key: str, value) -> Callable:
    """One `field__op=value` of a condition as a function of an instance: True, False or None (unknown)."""
    name, _sep, op = key.partition("__")
    op = op or "exact"
    left = _attname(model, name)
    if op == "isnull":
        wanted = bool(value)
        return lambda obj: (getattr(obj, left) is None) == wanted
    if op == "exact" and value is None:
        return lambda obj: getattr(obj, left) is None  # Django turns exact=None into IS NULL
    if isinstance(value, F):
        other = _attname(model, value.name)
        right = lambda obj: getattr(obj, other)  # noqa: E731
    elif hasattr(value, "resolve_expression") or op not in _COMPARE:
        raise _Unsupported
    else:
        right = lambda obj: value  # noqa: E731
    compare = _COMPARE[op]

    def lookup(obj):
        a, b = getattr(obj, left), right(obj)
        if a is None or b is None:
            return None  # SQL's unknown
        try:
            return compare(a, b)
        except TypeError:
            raise _Unsupported from None

    return lookup


def _compile(model, q: Q) -> Callable:
    """A Q as a function of an instance, with SQL's three-valued logic: True, False or None (unknown)."""
    parts = [_compile(model, child) if isinstance(child, Q) else _compile_lookup(model, *child) for child in q.children]
    if q.connector not in (Q.AND, Q.OR):
        raise _Unsupported
    conjunction, negated = q.connector == Q.AND, q.negated

    def evaluate(obj):
        results = [part(obj) for part in parts]
        if conjunction:
            result = False if False in results else None if None in results else True
        else:
            result = True if True in results else None if None in results else False
        return (None if result is None else not result) if negated else result

    return evaluate


# (model, constraint) -> (fields it reads, its condition compiled, or None to ask the database).
_COMPILED: dict[tuple[type, int], tuple[frozenset, Callable | None]] = {}


def _compiled(model, constraint) -> tuple[frozenset, Callable | None]:
    key = (model, id(constraint))
    if key not in _COMPILED:
        try:
            evaluate = _compile(model, constraint.condition)
        except _Unsupported:
            evaluate = None
        _COMPILED[key] = (frozenset(constraint_fields(constraint)), evaluate)
    return _COMPILED[key]


def _validate(constraint, obj, exclude, using) -> None:
    """constraint.validate(), with simple check constraints evaluated in Python instead of one query each."""
    if isinstance(constraint, CheckConstraint) and isinstance(constraint.condition, Q):
        fields, evaluate = _compiled(type(obj), constraint)
        if not fields.isdisjoint(exclude):
            return
        if evaluate is not None:
            try:
                passes = evaluate(obj) is not False  # like the database, unknown passes
            except _Unsupported:
                pass
            else:
                if not passes:
                    raise ValidationError(
                        constraint.get_violation_error_message(), code=constraint.violation_error_code
                    )
                return
    if isinstance(constraint, UniqueConstraint) and not set(constraint.fields or ()).isdisjoint(exclude):
        return  # as Django's validate() would, before building a query
    constraint.validate(type(obj), obj, exclude=exclude, using=using or router.db_for_write(type(obj), instance=obj))


def _existing_references(obj) -> set[str]:
    """Foreign keys set to a record read from the database (an import's cached lookups).

    Such a record exists, so full_clean's query per foreign key to check that is
    skipped; a simple `limit_choices_to` (country: kind=country) is checked here instead.
    """
    names = set()
    for f in obj._meta.concrete_fields:
        if not f.many_to_one:
            continue
        related = f.get_cached_value(obj, None)
        if related is None or related._state.adding or related.pk is None or related.pk != getattr(obj, f.attname):
            continue
        limit = f.remote_field.limit_choices_to
        if limit and not (
            isinstance(limit, dict) and all("__" not in key and getattr(related, key) == v for key, v in limit.items())
        ):
            continue
        names.add(f.name)
    return names


_CONSTRAINTS: dict[type, list] = {}


def _constraints(model) -> list:
    """Every constraint of the model and its parents (Model.get_constraints), listed once per model."""
    if model not in _CONSTRAINTS:
        classes = [model, *(parent for parent in model._meta.all_parents if parent._meta.constraints)]
        _CONSTRAINTS[model] = [c for klass in classes for c in klass._meta.constraints]
    return _CONSTRAINTS[model]


_UNIQUE: dict[type, frozenset] = {}


def _unique_fields(model) -> frozenset:
    """Fields `validate_unique` checks (unique fields and unique_together), worked out once per model."""
    if model not in _UNIQUE:
        names = {f.name for f in model._meta.fields if f.unique and not f.primary_key}
        for klass in (model, *model._meta.get_parent_list()):
            names |= {name for together in klass._meta.unique_together for name in together}
        _UNIQUE[model] = frozenset(names)
    return _UNIQUE[model]


def _add(errors: dict, failed: set, error: ValidationError, column_for) -> None:
    for field, messages in error.message_dict.items():
        if field != NON_FIELD_ERRORS:
            failed.add(field)
        errors.setdefault(column_for(field), []).extend(messages)


def model_errors(
    obj, column_for: Callable[[str], str], exclude=(), present=(), unique_known=()
) -> dict[str, list[str]]:
    """full_clean() of `obj` (fields, clean(), uniqueness, every constraint) as {column: [messages]}.

    `column_for` maps a model field name to its column; `exclude` names
    fields not to check (already wrong, or set later such as the owner of a
    part); `present` lists the row's columns, preferred when a constraint
    reads several; `unique_known` names unique fields the caller has already
    made sure of (an import finds records by public id, so a public id it
    writes is never another record's).
    """
    errors: dict[str, list[str]] = {}
    failed = set(exclude)
    try:
        obj.full_clean(exclude=failed | _existing_references(obj), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        _add(errors, failed, error, column_for)
    if _unique_fields(type(obj)) - failed - set(unique_known):
        try:
            obj.validate_unique(exclude=failed | set(unique_known))
        except ValidationError as error:
            _add(errors, failed, error, column_for)
    for constraint in _constraints(type(obj)):
        try:
            _validate(constraint, obj, failed, None)
        except ValidationError as error:
            column = constraint_column(constraint, column_for, present)
            errors.setdefault(column, []).append(constraint_message(constraint, error))
    return errors

"""A record type's admin options, derived from its definition in the registry (archive.registry).

`RecordAdmin` (common.py) fills each option a record admin does not set itself from these functions,
so a field added to a type's spec shows in its form, and a column added to its `admin_list` in its
list, with no edit in the admin.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from archive.admin.filters import place_within_filter
from archive.admin.inlines import CitationInline, part_inline
from archive.registry import Claims, Kind

RECORD_FIELDSET = (
    _("Publishing"),
    {
        "fields": (
            "public_id",
            "status",
            "withdrawn_reason",
            "restricted",
            "wikidata_qid",
            "public_note",
            "private_note",
        )
    },
)
DATE_FIELDSET = (_("Date"), {"fields": ("date_text", "date_calendars", "date_note")})
# Relations picked by typing a name rather than from a list of every record or language.
PICKED = (Kind.RECORD, Kind.RECORDS, Kind.LANGUAGE, Kind.LANGUAGES, Kind.SLOGANS)
# How a type's `admin_filters` names a list filter other than the default for its field.
FILTER_CLASSES = {None: None, "related_only": admin.RelatedOnlyFieldListFilter}


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def fieldsets(record_type) -> list:
    """Every field of the spec (the date as its own fieldset), then the publishing fields."""
    main = tuple(f.name for f in record_type.fields if f.kind != Kind.DATE)
    found = [(None, {"fields": main})]
    if record_type.dated:
        found.append(DATE_FIELDSET)
    return [*found, RECORD_FIELDSET]


def autocomplete_fields(record_type) -> tuple[str, ...]:
    return tuple(f.name for f in record_type.fields_of(*PICKED))


def protective_fields(record_type) -> tuple[str, ...]:
    """Flags whose lifting is an editor's act (a person's at-risk flag)."""
    return tuple(f.name for f in record_type.fields if f.protective)


# --- the list ------------------------------------------------------------------------------------------


def _names_column(field):
    @admin.display(description=field.verbose_name)
    def column(obj) -> str:
        return ", ".join(str(item) for item in getattr(obj, field.name).all())

    column.__name__ = field.name
    return column


def _claims_column(model, accessor: str):
    @admin.display(description=_model_field(model, accessor).related_model._meta.verbose_name_plural)
    def column(obj) -> str:
        return "; ".join(str(claim) for claim in getattr(obj, accessor).all())

    column.__name__ = accessor
    return column


def _claims(record_type) -> set[str]:
    return {part.accessor for part in record_type.parts if isinstance(part, Claims)}


def list_display(record_type) -> tuple:
    """The type's `admin_list`: a many-to-many relation shows its names, claims show as written."""
    columns = []
    for name in record_type.admin_list:
        field = _model_field(record_type.model, name)
        if name in _claims(record_type):
            columns.append(_claims_column(record_type.model, name))
        elif field is not None and field.many_to_many:
            columns.append(_names_column(field))
        else:
            columns.append(name)
    return tuple(columns)


def list_prefetch(record_type) -> tuple[str, ...]:
    """What the list's columns read through many-to-many relations and claims: fetched once per page."""
    return tuple(
        name
        for name in record_type.admin_list
        if name in _claims(record_type) or getattr(_model_field(record_type.model, name), "many_to_many", False)
    )


def list_select_related(record_type) -> tuple[str, ...]:
    """The records the list shows through foreign keys (a record's label may read one: an arrest's detainee)."""
    names = [*record_type.admin_list, *(record_type.label_paths if "__str__" in record_type.admin_list else ())]
    return tuple(
        name for name in dict.fromkeys(names) if getattr(_model_field(record_type.model, name), "many_to_one", False)
    )


def place_paths(record_type) -> tuple[str, ...]:
    """The relations the type's public `place` filter searches (with the places inside a place)."""
    filterset = import_string(record_type.filterset)
    place = filterset.base_filters.get("place")
    return tuple(getattr(place, "paths", ()))


def list_filter(record_type) -> tuple:
    """Kinds and languages the list shows, the date's precision, the place (with the places in it), the
    type's own extras, then status and restriction."""
    shown = set(record_type.admin_list)
    filters = [f.name for f in record_type.fields_of(Kind.CHOICE, Kind.LANGUAGE) if f.name in shown]
    if record_type.dated:
        filters.append("date_precision")
    paths = place_paths(record_type)
    if paths:
        filters.append(place_within_filter(*paths))
    for path, how in record_type.admin_filters:
        filters.append((path, FILTER_CLASSES[how]) if how else path)
    return (*filters, "status", "restricted")


def inlines(record_type, extra=()) -> list:
    """An inline per part of the type (other names, claims, texts, roles), then `extra`, then citations."""
    return [*(part_inline(record_type.model, part) for part in record_type.parts), *extra, CitationInline]


def actions(record_type, workflow_actions) -> list[str]:
    return [*workflow_actions, *(["merge_selected"] if record_type.mergeable else [])]

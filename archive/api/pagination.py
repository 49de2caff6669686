"""Cursor pagination: stable while records are added, fast at any depth, no COUNT(*)."""

import datetime as dt
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import DateField, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 500
# A cursor cannot point at NULL, so a nullable date is paged by a stand-in for it (see _stand_ins).
STAND_IN_SUFFIX = "_or_undated"


def _field(model, name: str):
    name = name.removeprefix("-").removesuffix(STAND_IN_SUFFIX)
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _needs_stand_in(field) -> bool:
    return field.null and field.get_internal_type() == "DateField"


def _stand_ins(model, ordering) -> dict:
    """An undated record has no position to resume from: order it by a date past every real one, so
    it comes last either way round (after the latest date ascending, after the earliest descending)."""
    stand_ins = {}
    for name in ordering:
        field = _field(model, name)
        if _needs_stand_in(field):
            last = dt.date.min if name.startswith("-") else dt.date.max
            stand_ins[field.name + STAND_IN_SUFFIX] = Coalesce(field.name, Value(last, output_field=DateField()))
    return stand_ins


class ArchiveCursorPagination(CursorPagination):
    page_size = 50
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    ordering = "pk"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) < 1:
            raise ValidationError({"page_size": [_("Give a whole number from 1 to %d.") % MAX_PAGE_SIZE]})
        return min(int(raw), MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        queryset = queryset.annotate(**_stand_ins(self.model, super().get_ordering(request, queryset, view)))
        return super().paginate_queryset(queryset, request, view)

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        return tuple(
            name + STAND_IN_SUFFIX if _needs_stand_in(_field(queryset.model, name)) else name for name in ordering
        )

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except (NotFound, ValueError, OverflowError, UnicodeError):
            raise self.invalid_cursor() from None
        if cursor is not None and cursor.position is not None and not self.position_is_valid(cursor.position):
            raise self.invalid_cursor()
        return cursor

    def position_is_valid(self, position: str) -> bool:
        """A tampered cursor may hold anything: it must be a value the ordering field can compare with."""
        if "\x00" in position:  # no stored value holds a NUL, and PostgreSQL refuses one in a query
            return False
        field = _field(self.model, self.ordering[0])
        try:
            field.get_db_prep_value(field.to_python(position), connection)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            return False
        return True

    @staticmethod
    def invalid_cursor() -> ValidationError:
        return ValidationError({"cursor": [_("This cursor is not valid; start again from the first page.")]})

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["page_size"] = self.page_size
        return response

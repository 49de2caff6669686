"""Cursor pagination: stable while records are added, fast at any depth, no COUNT(*)."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 500


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

    def decode_cursor(self, request):
        from rest_framework.exceptions import NotFound

        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {"cursor": [_("This cursor is not valid; start again from the first page.")]}
            ) from None
        except (ValueError, OverflowError, UnicodeError):
            raise ValidationError(
                {"cursor": [_("This cursor is not valid; start again from the first page.")]}
            ) from None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["page_size"] = self.page_size
        return response

"""The API's paging: `archive.paging`'s keyset pages in DRF's envelope.

`{"next", "previous", "results", "page_size"}`, and the same two pages in a `Link` header
(`rel="next"`, `rel="prev"`; RFC 8288) for clients that follow headers; a cursor or page size that
cannot be used is a 400 naming the parameter. No request counts the table. Without a view it pages in `ordering`.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from archive import paging, readmodel

# The shared component (archive.api.fields.TombstoneSerializer), which archive.api.docs registers with each list.
TOMBSTONE = {"$ref": "#/components/schemas/Tombstone"}


class ArchiveCursorPagination(BasePagination):
    """Pages in the view's ordering (its ordering filter's, else `ordering`), resumed by an opaque cursor."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering: tuple[str, ...] = ("pk",)

    def paginate_queryset(self, queryset, request, view=None) -> list:
        self.request = request
        params = request.query_params
        try:
            self.page_size = paging.page_size(params.get(self.page_size_query_param))
            self.page = paging.paginate(
                queryset,
                ordering=self.get_ordering(request, queryset, view),
                cursor=params.get(self.cursor_query_param),
                size=self.page_size,
            )
        except paging.CursorError as error:
            raise ValidationError({error.parameter: [str(error)]}) from None
        return self.page.records

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        for backend in getattr(view, "filter_backends", ()):
            if hasattr(backend, "get_ordering"):
                return tuple(backend().get_ordering(request, queryset, view))
        return tuple(self.ordering)

    def fields(self, request, queryset, view) -> list[str]:
        """The columns a page's records need: their position in the ordering (the documents come from elsewhere)."""
        return list(dict.fromkeys(["pk", *(name.lstrip("-") for name in self.get_ordering(request, queryset, view))]))

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.page.next_cursor)

    def get_previous_link(self) -> str | None:
        return self._link(self.page.previous_cursor)

    def _links(self) -> tuple[str | None, str | None, dict | None]:
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        links = [f'<{url}>; rel="{rel}"' for url, rel in ((next_link, "next"), (previous_link, "prev")) if url]
        return next_link, previous_link, {"Link": ", ".join(links)} if links else None

    def get_paginated_response(self, data) -> Response:
        next_link, previous_link, headers = self._links()
        return Response(
            {"next": next_link, "previous": previous_link, "results": data, "page_size": self.page_size},
            headers=headers,
        )

    def get_stored_response(self, documents: list[str], tombstones: list | None = None) -> HttpResponse:
        """The same page as `get_paginated_response`, its results the stored JSON texts of the public read model
        written as they are (archive.readmodel)."""
        next_link, previous_link, headers = self._links()
        envelope = {"next": next_link, "previous": previous_link, "results": None, "page_size": self.page_size}
        if tombstones is not None:
            envelope["tombstones"] = tombstones
        head, tail = readmodel.encode(envelope).split('"results":null', 1)
        body = "".join([head, '"results":[', ",".join(documents), "]", tail])
        return HttpResponse(body.encode(), content_type="application/json", headers=headers)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results", "page_size"],
            "properties": {
                "next": {**link, "description": _("The next page; null on the last.")},
                "previous": {**link, "description": _("The page before; null on the first.")},
                "results": schema,
                "page_size": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": paging.MAX_PAGE_SIZE,
                    "description": _("Records per page, as asked for (or the default)."),
                },
                "tombstones": {
                    "type": "array",
                    "items": TOMBSTONE,
                    "description": _(
                        "On the first page of a list asked for with `updated_since`: records that stopped "
                        "being public since then (remove them from a mirror)."
                    ),
                },
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": _("Where a page starts: take it from `next` or `previous`."),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": _("Records per page (%(default)d unless given; at most %(most)d).")
                % {"default": paging.DEFAULT_PAGE_SIZE, "most": paging.MAX_PAGE_SIZE},
                "schema": {"type": "integer", "minimum": 1, "maximum": paging.MAX_PAGE_SIZE},
            },
        ]

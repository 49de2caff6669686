"""The API's record endpoints: one named viewset per record type, each derived from its registry entry.

Reads go through the public gate for everyone; writes are archivists' and editors' (see writes.py).
Formats: JSON (paged by cursor), and whole filtered results streamed as JSON (`?format=json-all`), CSV (`?format=csv` or
`Accept: text/csv`) or, for places and protests, GeoJSON (`?format=geojson` or
`Accept: application/geo+json`); a detail is JSON only (another format is a 400 naming the formats).
With `updated_since`, the first page also lists tombstones of records that stopped being public after
that time. Reads answer conditional requests (ETag, Last-Modified, 304); PATCH, DELETE and status changes
honour If-Match (412 when stale). A method a route does not offer is a 405 with `Allow` for everyone
(checked before authentication: an anonymous PUT on a list is not a 401).
"""

from __future__ import annotations

import itertools
import json

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotAcceptable, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from archive import cache, merge, models, paging, readmodel, registry, workflow
from archive.api import conditional, docs, errors, export, negotiation, serializers, writes
from archive.api.export import STREAM_REQUESTS, StreamRequest
from archive.api.jsonstream import json_stream
from archive.api.pagination import ArchiveCursorPagination
from archive.filters import filterset_for, is_for_filters
from archive.registry import RecordType

JSON_AND_CSV = ("json", "json-all", "csv")
WITH_GEOJSON = ("json", "json-all", "csv", "geojson")
READS = {"GET", "HEAD", "OPTIONS"}


class ArchiveFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds and validates the list's FilterSet only when the request has a
    parameter for it to read or refuse: a plain page of a list (cursor, page size, ordering) costs no form."""

    def filter_queryset(self, request, queryset, view):
        if not any(is_for_filters(name) for name in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(filters.OrderingFilter):
    """Ordering on anything but the listed, indexed fields is a 400."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if not raw:
            return ["pk"]
        fields = [f.strip() for f in raw.split(",") if f.strip()]
        bad = [f for f in fields if f.removeprefix("-") not in view.ordering_fields]  # "--pk" is no field
        if bad or len(fields) > 2:
            message = _("Order by one or two of: %s (prefix - to reverse).") % ", ".join(view.ordering_fields)
            raise ValidationError({"ordering": [message]})
        bare = list(dict.fromkeys(f.removeprefix("-") for f in fields))
        fields = [next(f for f in fields if f.removeprefix("-") == name) for name in bare]
        return fields if "pk" in bare else [*fields, "pk"]

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.ordering_param,
                "in": "query",
                "required": False,
                "description": _(
                    "Order by %s (prefix - to reverse; by pk unless given). Two, comma-separated, also work: "
                    "the second breaks ties."
                )
                % ", ".join(view.ordering_fields),
                "schema": {"type": "string", "enum": [f"{s}{f}" for f in view.ordering_fields for s in ("", "-")]},
            }
        ]


class RecordViewSet(viewsets.ModelViewSet):
    """A subclass names its `record_type`, serializers and formats; queries, filters and ordering come from
    the registry."""

    record_type: RecordType
    write_serializer_class: type
    formats: tuple[str, ...] = JSON_AND_CSV

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [writes.ArchivePermissions]
    lookup_field = "public_id"
    lookup_value_regex = "[A-Za-z0-9_-]{1,64}"
    filter_backends = [ArchiveFilterBackend, StrictOrderingFilter]
    pagination_class = ArchiveCursorPagination
    schema = docs.RecordSchema()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        record_type = cls.record_type
        cls.model = record_type.model
        cls.filterset_class = filterset_for(record_type.model)
        cls.ordering_fields = list(record_type.ordering_fields)
        streams = [STREAM_REQUESTS[fmt] for fmt in cls.formats if fmt in STREAM_REQUESTS]
        cls.renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, *streams]
        docs.document(cls)

    def initial(self, request, *args, **kwargs):
        # Before authentication and permissions: a method this route lacks is a 405 for everyone.
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        negotiation.use_requested_language(request)
        super().initial(request, *args, **kwargs)

    # --- what is read and written ------------------------------------------------------------------

    def writing(self) -> bool:
        return self.request is not None and self.request.method not in READS

    def get_serializer_class(self):
        return self.write_serializer_class if self.writing() else self.serializer_class

    def get_queryset(self):
        """Writes find any record; reads find which public records a list holds, in its order — their
        documents come from the public read model (`documents`)."""
        if self.writing():
            return self.model.objects.all()
        return self.model.objects.published()

    def stored_documents(self, records) -> list[str]:
        """The public documents of these records (read with them: `readmodel.with_documents`), in their order, in
        the reader's language, as stored JSON text with the request's addresses. A record with no document is not
        public (archive.readmodel)."""
        texts = (record.public_document for record in records)
        return readmodel.absolute_all((text for text in texts if text is not None), self.request)

    def documents(self, records) -> list[dict]:
        return [json.loads(text) for text in self.stored_documents(records)]

    # --- reads -------------------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        validators = conditional.for_list(request, self.model)
        return conditional.respond(
            request, validators, lambda: cache.cached_response(request, lambda: self.fresh_list(request))
        )

    def fresh_list(self, request):
        fmt = self.requested_format()
        queryset = self.filter_queryset(self.get_queryset())
        if fmt != "json":
            return self.stream(queryset, fmt)
        fields = self.paginator.fields(request, queryset, self)
        listed = readmodel.with_documents(queryset, self.record_type.key)
        # Rows, not model instances (a quarter of a millisecond a page): their position and stored document.
        page = self.paginate_queryset(listed.values_list(*fields, "public_document", named=True))
        tombstones = None
        if request.query_params.get("updated_since") and not request.query_params.get("cursor"):
            tombstones = self.tombstones(self.filterset_class(request.query_params).form)
        if request.accepted_renderer.format == "json":  # the stored text as it is, not parsed and written again
            return self.paginator.get_stored_response(self.stored_documents(page), tombstones)
        response = self.get_paginated_response(self.documents(page))
        if tombstones is not None:
            response.data["tombstones"] = tombstones
        return response

    def requested_format(self) -> str:
        """`?format=` if given, else what `Accept` chose (JSON unless it asked for CSV or GeoJSON)."""
        fmt = self.request.query_params.get("format")
        if fmt is None:
            renderer = getattr(self.request, "accepted_renderer", None)
            return renderer.format if isinstance(renderer, StreamRequest) else "json"
        if fmt not in self.formats:
            message = _("Use one of: %s.") % ", ".join(sorted(self.formats))
            raise ValidationError({"format": [message]}, code="unsupported_format")
        return fmt

    def require_json_detail(self, request) -> None:
        """A single record is JSON only: CSV and GeoJSON are a list's (`?format=csv&search=…`)."""
        fmt = request.query_params.get("format", "json")
        if fmt != "json":
            message = _("A single record is available as json only; %(formats)s are for lists.") % {
                "formats": ", ".join(f for f in sorted(self.formats) if f != "json")
            }
            raise ValidationError({"format": [message]}, code="unsupported_format")
        if isinstance(getattr(request, "accepted_renderer", None), StreamRequest):
            raise NotAcceptable(_("A single record is available as application/json only."))

    def tombstones(self, form) -> list[dict]:
        form.is_valid()
        since = form.cleaned_data.get("updated_since")
        rows = models.Tombstone.objects.filter(record_type=self.record_type.key, removed_at__gt=since)
        rows = list(rows.order_by("removed_at", "pk"))
        public = merge.public_merge_targets(self.model, [t.merged_into for t in rows if t.merged_into])
        return [
            {
                "id": t.public_id,
                "type": t.record_type,
                "status": t.status,
                "removed_at": t.removed_at,
                "reason": t.reason,
                "merged_into": t.merged_into if t.merged_into in public else None,
            }
            for t in rows
        ]

    def stream(self, queryset, fmt: str) -> StreamingHttpResponse:
        if fmt == "json-all":
            return self.stream_json(queryset)
        if fmt == "csv":
            from archive.api.csv_export import csv_stream  # the data package's columns, read as values in chunks

            rows = csv_stream(self.model, queryset)
            if self.request.query_params.get("bom") == "1":  # a UTF-8 byte-order mark, so Excel reads UTF-8
                rows = itertools.chain(["\ufeff"], rows)
            response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{self.record_type.key}.csv"'
            return response
        records = readmodel.with_documents(queryset.only("pk"), self.record_type.key)
        records = records.iterator(chunk_size=readmodel.CHUNK)
        rows = (row for chunk in readmodel.chunked(records) for row in self.documents(chunk))
        return StreamingHttpResponse(export.geojson_chunks(rows), content_type="application/geo+json")

    def stream_json(self, queryset) -> StreamingHttpResponse:
        """Every page of the JSON list in one answer (`{"results": [...]}`), read in keyset chunks."""
        params = self.request.query_params
        tombstones = self.tombstones(self.filterset_class(params).form) if params.get("updated_since") else None
        ordering = tuple(self.paginator.get_ordering(self.request, queryset, self))
        try:
            page_size = paging.page_size(params.get("page_size"))
        except paging.CursorError as error:  # as the paged list answers it: a 400 naming the parameter
            raise ValidationError({error.parameter: [str(error)]}) from None
        listed = queryset.only(*self.paginator.fields(self.request, queryset, self))
        chunks = json_stream(
            readmodel.with_documents(listed, self.record_type.key),
            ordering=ordering,
            serialize=self.documents,
            tombstones=tombstones,
            page_size=page_size,
        )
        response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.record_type.key}.json"'
        return response

    def retrieve(self, request, *args, **kwargs):
        self.require_json_detail(request)
        public_id = kwargs[self.lookup_field]
        current = readmodel.one(self.model, public_id)
        validators = None
        if current is not None:
            validators = conditional.for_record(request, self.record_type, public_id, current.updated)
        # An answer the cache may keep reads the document again (see `fresh_retrieve`); one it will not keep (the
        # cache off, a signed-in client) is made from this read.
        again = cache.may_keep(request)
        return conditional.respond(
            request,
            validators,
            lambda: cache.cached_response(request, lambda: self.fresh_retrieve(request, public_id, current, again)),
        )

    def fresh_retrieve(self, request, public_id: str, current: readmodel.Stored | None, read_again: bool):
        """The record's public document (`current`, as the caller read it); else why there is none (withdrawn:
        410, merged: a redirect, 404). An answer the cache keeps reads it again here, after the cache read the
        generation (archive.cache): a document read before it could be one a withdrawal committed in between
        has retired, kept under the new generation's key."""
        stored = readmodel.one(self.model, public_id) if read_again else current
        if stored is not None:
            document = readmodel.absolute(stored.public_document, request)
            if request.accepted_renderer.format == "json":  # the stored text as it is, as a list page serves it
                return HttpResponse(document.encode(), content_type="application/json")
            return Response(json.loads(document))
        withdrawn = self.model.objects.withdrawn().filter(restricted=False, public_id=public_id).first()
        if withdrawn is not None and withdrawn.withdrawn_reason:
            raise errors.Withdrawn(public_id=withdrawn.public_id, reason=withdrawn.withdrawn_reason)
        survivor = merge.merged_survivor(self.model, public_id)
        if survivor is None:
            raise Http404
        url = reverse(f"api:{self.record_type.key}-detail", args=[survivor.public_id])
        return HttpResponsePermanentRedirect(request.build_absolute_uri(url))

    # --- writes ------------------------------------------------------------------------------------

    def current(self, record) -> conditional.Validators:
        return conditional.for_record(self.request, self.record_type, record.public_id, record.updated)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self.current(serializer.instance).stamp(Response(serializer.data, status=status.HTTP_201_CREATED))

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        conditional.require_current(request, self.current(record))
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self.current(serializer.instance).stamp(Response(serializer.data))

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        conditional.require_current(request, self.current(record))
        record._history_user = request.user
        record._change_reason = _("Deleted through the API")
        record.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, public_id=None):
        """Move a record through the workflow: submit, publish, return-to-draft, withdraw, (un)restrict."""
        record = self.get_object()
        conditional.require_current(request, self.current(record))
        params = writes.StatusChange(data=request.data)
        params.is_valid(raise_exception=True)
        service = writes.WORKFLOW_ACTIONS[params.validated_data["action"]]
        try:
            service(record=record, user=request.user, reason=params.validated_data.get("reason", ""))
        except workflow.NotAllowed as error:  # the person may not: a 403; a broken rule below is a 400
            raise PermissionDenied(str(error)) from error
        except workflow.WorkflowError as error:
            raise ValidationError({"action": [str(error)]}) from error
        body = {"detail": _("Done."), "id": record.public_id, "status": record.status}
        return self.current(record).stamp(Response(body))

    # --- every response ----------------------------------------------------------------------------

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(response, "accepted_renderer", None), StreamRequest):
            # An error (or any answer not streamed) to a client that asked for CSV or GeoJSON: JSON.
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = response.accepted_renderer.media_type
        patch_vary_headers(response, ["Accept"])  # JSON, the browsable API or CSV at one URL
        user = getattr(request, "_user", None)  # set by authentication; reading .user could re-run it
        if user is not None and user.is_authenticated:
            # Made for someone signed in (the browsable API names them): no shared cache may keep it.
            response["Cache-Control"] = "private, no-cache"
        else:
            # Shared caches may keep it but must ask again each time (a cheap 304 by ETag), so a
            # withdrawn record never outlives its withdrawal in a CDN or a browser.
            response.setdefault("Cache-Control", "public, no-cache")
        return response


class ProtestViewSet(RecordViewSet):
    record_type = registry.get("protests")
    serializer_class = serializers.ProtestSerializer
    write_serializer_class = writes.ProtestWriteSerializer
    formats = WITH_GEOJSON


class ArrestViewSet(RecordViewSet):
    record_type = registry.get("arrests")
    serializer_class = serializers.ArrestSerializer
    write_serializer_class = writes.ArrestWriteSerializer


class StatementViewSet(RecordViewSet):
    record_type = registry.get("statements")
    serializer_class = serializers.StatementSerializer
    write_serializer_class = writes.StatementWriteSerializer


class OrganizationViewSet(RecordViewSet):
    record_type = registry.get("organizations")
    serializer_class = serializers.OrganizationSerializer
    write_serializer_class = writes.OrganizationWriteSerializer


class MediaOutletViewSet(RecordViewSet):
    record_type = registry.get("media-outlets")
    serializer_class = serializers.MediaOutletSerializer
    write_serializer_class = writes.MediaOutletWriteSerializer


class PersonViewSet(RecordViewSet):
    record_type = registry.get("people")
    serializer_class = serializers.PersonSerializer
    write_serializer_class = writes.PersonWriteSerializer


class PlaceViewSet(RecordViewSet):
    record_type = registry.get("places")
    serializer_class = serializers.PlaceSerializer
    write_serializer_class = writes.PlaceWriteSerializer
    formats = WITH_GEOJSON


class SourceViewSet(RecordViewSet):
    record_type = registry.get("sources")
    serializer_class = serializers.SourceSerializer
    write_serializer_class = writes.SourceWriteSerializer


VIEWSETS = {viewset.record_type.key: viewset for viewset in RecordViewSet.__subclasses__()}

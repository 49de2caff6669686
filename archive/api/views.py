"""Read-only API for every public record type, through the public gate.

Formats: JSON (paged by cursor), and whole filtered results streamed as CSV
(`?format=csv`) or, for places and protests, GeoJSON (`?format=geojson`).
With `updated_since`, the first page also lists tombstones of records that
stopped being public after that time.
"""

from __future__ import annotations

import hashlib

from django.db.models import Max, Prefetch
from django.http import StreamingHttpResponse
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from archive import cache, models, registry, workflow
from archive.api import export, serializers, writes
from archive.api.errors import ErrorResponse
from archive.api.pagination import ArchiveCursorPagination
from archive.filters import FILTERSETS


class StrictOrderingFilter(filters.OrderingFilter):
    """Ordering on anything but the listed, indexed fields is a 400."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            fields = [f.strip() for f in raw.split(",") if f.strip()]
            allowed = set(view.ordering_fields)
            bad = [f for f in fields if f.removeprefix("-") not in allowed]  # "--pk" is no field
            if bad or len(fields) > 2:
                raise ValidationError(
                    {
                        "ordering": [
                            _("Order by one or two of: %s (prefix - to reverse).") % ", ".join(view.ordering_fields)
                        ]
                    }
                )
            return [*fields, "pk"]
        return ["pk"]


class PublicRecordViewSet(viewsets.ModelViewSet):
    """Reads through the public gate for everyone; writes for archivists and editors (see writes.py)."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [writes.ArchivePermissions]
    lookup_field = "public_id"
    lookup_value_regex = "[A-Za-z0-9_-]{1,64}"
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    pagination_class = ArchiveCursorPagination
    ordering_fields = ["updated", "pk"]
    prefetch: list = []
    select: list = []
    formats = {"json", "csv"}

    def get_serializer_class(self):
        if self.request is not None and self.request.method not in {"GET", "HEAD", "OPTIONS"}:
            return writes.write_serializer_for(self.model)
        return self.serializer_class

    def get_queryset(self):
        model = self.model
        if self.request is not None and self.request.method not in {"GET", "HEAD", "OPTIONS"}:
            return model.objects.all()
        queryset = model.objects.published().select_related(*self.select).prefetch_related(*self.prefetch)
        return queryset.prefetch_related(
            Prefetch("citations", queryset=models.Citation.objects.select_related("source", "cited_in"))
        )

    @property
    def filterset_class(self):
        return FILTERSETS[self.model]

    def requested_format(self) -> str:
        fmt = self.request.query_params.get("format", "json")
        if fmt not in self.formats:
            raise ValidationError({"format": [_("Use one of: %s.") % ", ".join(sorted(self.formats))]})
        return fmt

    def list(self, request, *args, **kwargs):
        return cache.cached_response(request, lambda: self.fresh_list(request))

    def fresh_list(self, request):
        fmt = self.requested_format()
        queryset = self.filter_queryset(self.get_queryset())
        if fmt != "json":
            return self.stream(queryset, fmt)
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page, many=True).data
        response = self.get_paginated_response(data)
        since = request.query_params.get("updated_since")
        if since and not request.query_params.get("cursor"):
            response.data["tombstones"] = self.tombstones(self.filterset_class(request.query_params).form)
        return response

    def tombstones(self, form) -> list[dict]:
        form.is_valid()
        since = form.cleaned_data.get("updated_since")
        record_type = registry.key_of(self.model)
        rows = models.Tombstone.objects.filter(record_type=record_type, removed_at__gt=since)
        return [
            {
                "id": t.public_id,
                "type": t.record_type,
                "status": t.status,
                "removed_at": t.removed_at,
                "reason": t.reason,
            }
            for t in rows.order_by("removed_at", "pk")
        ]

    def stream(self, queryset, fmt: str) -> StreamingHttpResponse:
        if fmt == "csv":
            from archive.api.csv_export import csv_stream  # the data package's columns, read as values in chunks

            response = StreamingHttpResponse(csv_stream(self.model, queryset), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{self.basename}.csv"'
            return response
        serializer = self.get_serializer
        rows = (serializer(record).data for record in queryset.iterator(chunk_size=500))
        return StreamingHttpResponse(export.geojson_chunks(rows), content_type="application/geo+json")

    def perform_destroy(self, instance):
        instance._history_user = self.request.user
        instance._change_reason = _("Deleted through the API")
        instance.delete()

    @extend_schema(request=writes.StatusChange, responses={200: ErrorResponse, 400: ErrorResponse, 403: ErrorResponse})
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, public_id=None):
        """Move a record through the workflow: submit, publish, return-to-draft, withdraw, (un)restrict."""
        record = self.get_object()
        params = writes.StatusChange(data=request.data)
        params.is_valid(raise_exception=True)
        service = writes.WORKFLOW_ACTIONS[params.validated_data["action"]]
        try:
            service(record=record, user=request.user, reason=params.validated_data.get("reason", ""))
        except workflow.WorkflowError as error:
            raise ValidationError({"action": [str(error)]}) from error
        return Response({"detail": _("Done."), "id": record.public_id, "status": record.status})

    def retrieve(self, request, *args, **kwargs):
        return cache.cached_response(request, lambda: self.fresh_retrieve(request, *args, **kwargs))

    def fresh_retrieve(self, request, *args, **kwargs):
        from django.http import Http404

        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            withdrawn = (
                self.model.objects.withdrawn().filter(restricted=False, public_id=kwargs.get("public_id")).first()
            )
            if withdrawn is None or not withdrawn.withdrawn_reason:
                raise
            return Response(
                {
                    "detail": _("This record was withdrawn."),
                    "id": withdrawn.public_id,
                    "reason": withdrawn.withdrawn_reason,
                },
                status=410,
            )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "_user", None)  # set by authentication; reading .user could re-run it
        if user is not None and user.is_authenticated:
            # Made for someone signed in (the browsable API names them): no shared cache may keep it.
            response["Cache-Control"] = "private, no-cache"
        else:
            # Shared caches may keep it but must ask again each time (a cheap 304 by ETag), so a
            # withdrawn record never outlives its withdrawal in a CDN or a browser.
            response.setdefault("Cache-Control", "public, no-cache")
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.version_tag = None
        if request.method in {"GET", "HEAD"}:
            self.version_tag = self.current_version()

    def current_version(self):
        """Last change among public records of this type and its tombstones."""
        model = self.model
        # Only public records: a hidden record's edit must not move Last-Modified (a timing oracle).
        newest = model.objects.published().aggregate(m=Max("updated"))["m"]
        buried = models.Tombstone.objects.aggregate(m=Max("removed_at"))["m"]
        return max(filter(None, [newest, buried]), default=None)

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        version = getattr(self, "version_tag", None)
        if version is not None and response.status_code == 200:
            tag = hashlib.sha256(f"{version.isoformat()}|{request.get_full_path()}".encode()).hexdigest()[:32]
            response["ETag"] = quote_etag(tag)
            response["Last-Modified"] = http_date(version.timestamp())
            if request.headers.get("If-None-Match") == response["ETag"]:
                return _not_modified(response)
            since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
            if "If-None-Match" not in request.headers and since and int(version.timestamp()) <= since:
                return _not_modified(response)
        return response


def _not_modified(response):
    from django.http import HttpResponseNotModified

    not_modified = HttpResponseNotModified()
    for header in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
        if header in response:
            not_modified[header] = response[header]
    return not_modified


class WithdrawnResponse(drf_serializers.Serializer):
    detail = drf_serializers.CharField()
    id = drf_serializers.CharField()
    reason = drf_serializers.CharField()


def _documented(viewset, formats):
    fmt = OpenApiParameter(
        "format",
        str,
        enum=sorted(formats),
        description="json (paged, default); csv or geojson stream the whole filtered list.",
    )
    errors = {400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse}
    streams = {(200, "text/csv"): OpenApiTypes.STR}
    if "geojson" in formats:
        streams[(200, "application/geo+json")] = OpenApiTypes.OBJECT
    listing = {(200, "application/json"): viewset.serializer_class(many=True), **streams, **errors}
    return extend_schema_view(
        list=extend_schema(operation_id=f"{viewset.model._meta.model_name}_list", parameters=[fmt], responses=listing),
        retrieve=extend_schema(
            operation_id=f"{viewset.model._meta.model_name}_retrieve",
            responses={200: viewset.serializer_class, 410: WithdrawnResponse, **errors},
        ),
    )(viewset)


def _viewset(model, serializer, ordering, select=(), prefetch=(), formats=("json", "csv")):
    return _documented(
        type(
            f"{model.__name__}ViewSet",
            (PublicRecordViewSet,),
            {
                "model": model,
                "serializer_class": serializer,
                "ordering_fields": ordering,
                "select": list(select),
                "prefetch": list(prefetch),
                "formats": set(formats),
            },
        ),
        formats,
    )


DATED = ["date_start", "updated", "pk"]
NAMED = ["name", "updated", "pk"]

ProtestViewSet = _viewset(
    models.Protest,
    serializers.ProtestSerializer,
    DATED,
    prefetch=["places", "organizers", "slogans", "size_claims__source", "arrests__person", "statements"],
    formats=("json", "csv", "geojson"),
)
ArrestViewSet = _viewset(
    models.Arrest,
    serializers.ArrestSerializer,
    DATED,
    select=["person", "place", "protest", "authority"],
    prefetch=["count_claims__source", "statements"],
)
StatementViewSet = _viewset(
    models.Statement,
    serializers.StatementSerializer,
    DATED,
    select=["place"],
    prefetch=[
        "speaker_people",
        "speaker_organizations",
        "signatory_claims__source",
        "texts",
        "reported_in",
        "about_protests",
        "about_arrests",
        "about_statements",
    ],
)
OrganizationViewSet = _viewset(
    models.Organization,
    serializers.OrganizationSerializer,
    NAMED,
    select=["country", "based_in", "parent"],
    prefetch=["other_names"],
)
MediaOutletViewSet = _viewset(
    models.MediaOutlet,
    serializers.MediaOutletSerializer,
    NAMED,
    select=["country", "owner"],
    prefetch=["other_names", "languages"],
)
PersonViewSet = _viewset(
    models.Person, serializers.PersonSerializer, NAMED, prefetch=["other_names", "affiliations__organization"]
)
PlaceViewSet = _viewset(
    models.Place,
    serializers.PlaceSerializer,
    NAMED,
    select=["parent"],
    prefetch=["other_names"],
    formats=("json", "csv", "geojson"),
)
SourceViewSet = _viewset(models.Source, serializers.SourceSerializer, DATED, select=["outlet", "language"])

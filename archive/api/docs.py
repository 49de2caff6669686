"""What the OpenAPI schema says of each record endpoint: its formats, answers and conditional headers."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from archive.api import writes
from archive.api.errors import ErrorResponse
from archive.api.export import STREAM_REQUESTS


class WithdrawnResponse(serializers.Serializer):
    detail = serializers.CharField()
    id = serializers.CharField()
    reason = serializers.CharField()


class RecordSchema(AutoSchema):
    """A list answers JSON pages, CSV or GeoJSON: its filters and paging parameters apply to all three.
    (drf-spectacular guesses "list or not" from the first response media type, which may be GeoJSON.)"""

    def map_renderers(self, attribute: str) -> list:
        # The CSV and GeoJSON request markers only choose a list's stream, which `document` describes.
        streams = {getattr(renderer, attribute) for renderer in STREAM_REQUESTS.values()}
        return [value for value in super().map_renderers(attribute) if value not in streams]

    def _is_list_view(self, serializer=None) -> bool:
        if serializer is None and getattr(self.view, "action", None) == "list":
            return True
        return super()._is_list_view(serializer)


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag of the version you read: the change is refused (412) if the record changed since.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: your copy (If-None-Match / If-Modified-Since) is current.")
READ_ERRORS = {400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse}
WRITE_ERRORS = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    412: ErrorResponse,
    429: ErrorResponse,
}
CREATE_ERRORS = {status: answer for status, answer in WRITE_ERRORS.items() if status != 412}


def descriptions(key: str, formats) -> dict[str, str]:
    """Each operation's public description (without one, the viewset's docstring — written for this code's
    maintainers — would be published)."""
    streams = " or ".join(f for f in sorted(formats) if f != "json")
    return {
        "list": (
            f"The published {key}, filtered by the parameters below, a page at a time in `ordering` (follow "
            f"`next`), or the whole filtered list streamed as {streams} (`format`, or `Accept: text/csv`)."
        ),
        "retrieve": "One published record by its permanent id; 410 with the public reason if it was withdrawn.",
        "create": "Add a record (always a draft). Archivists and editors, with a token.",
        "partial_update": "Change some fields of a record, as the roles and the workflow allow.",
        "destroy": "Delete a record (editors).",
    }


def document(viewset) -> None:
    """Describe a record viewset's operations (called for each named viewset as it is defined)."""
    name = viewset.model._meta.model_name
    read, write = viewset.serializer_class, viewset.write_serializer_class
    about = descriptions(viewset.record_type.key, viewset.formats)
    streams = " or ".join(f for f in sorted(viewset.formats) if f != "json")
    fmt = OpenApiParameter(
        "format",
        str,
        enum=sorted(viewset.formats),
        description=f"json (paged, default); {streams} streams the whole filtered list.",
    )
    streams = {(200, "text/csv"): OpenApiTypes.STR}
    if "geojson" in viewset.formats:
        streams[(200, "application/geo+json")] = OpenApiTypes.OBJECT
    listing = {(200, "application/json"): read(many=True), **streams, 304: NOT_MODIFIED, **READ_ERRORS}
    extend_schema_view(
        list=extend_schema(operation_id=f"{name}_list", description=about["list"], parameters=[fmt], responses=listing),
        retrieve=extend_schema(
            operation_id=f"{name}_retrieve",
            description=about["retrieve"],
            responses={200: read, 304: NOT_MODIFIED, 410: WithdrawnResponse, **READ_ERRORS},
        ),
        create=extend_schema(description=about["create"], request=write, responses={201: write, **CREATE_ERRORS}),
        partial_update=extend_schema(
            description=about["partial_update"],
            request=write,
            parameters=[IF_MATCH],
            responses={200: write, **WRITE_ERRORS},
        ),
        destroy=extend_schema(
            description=about["destroy"], parameters=[IF_MATCH], responses={204: None, **WRITE_ERRORS}
        ),
        change_status=extend_schema(
            request=writes.StatusChange,
            parameters=[IF_MATCH],
            responses={200: writes.StatusChanged, **WRITE_ERRORS},
        ),
    )(viewset)

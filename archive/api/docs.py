"""What the OpenAPI schema says of each record endpoint: its formats, answers and conditional headers."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers

from archive.api import writes
from archive.api.errors import ErrorResponse
from archive.api.export import STREAM_REQUESTS
from archive.api.fields import TombstoneSerializer


class WithdrawnResponse(serializers.Serializer):
    """A withdrawn record's answer (410): the public reason, no record."""

    detail = serializers.CharField()
    id = serializers.CharField()
    reason = serializers.CharField()


class ArchiveSchema(AutoSchema):
    """Every API operation: tagged and named by its path after /api/v1/ (`SCHEMA_PATH_PREFIX`), so one tag per
    record type and ids such as `protests_list` and `media_outlets_retrieve`. Reads are anonymous: a token
    changes nothing a read answers, so a GET names no security (a generated client reads without one)."""

    def get_auth(self) -> list:
        if self.method in permissions.SAFE_METHODS:
            return []
        return [requirement for requirement in super().get_auth() if requirement]


class RecordSchema(ArchiveSchema):
    """A list answers JSON pages (its primary answer), or streams CSV or GeoJSON: its filters and paging
    parameters apply to all three. (drf-spectacular guesses "list or not" from the first response media
    type, which may be GeoJSON.)"""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None and self._is_list_view():
            self.resolve_serializer(TombstoneSerializer, "response")  # the component the pages' `tombstones` name
        return operation

    def map_renderers(self, attribute: str) -> list:
        # The CSV and GeoJSON request markers only choose a list's stream, which `document` describes.
        streams = {getattr(renderer, attribute) for renderer in STREAM_REQUESTS.values()}
        return [value for value in super().map_renderers(attribute) if value not in streams]

    def _is_list_view(self, serializer=None) -> bool:
        if serializer is None and getattr(self.view, "action", None) == "list":
            return True
        return super()._is_list_view(serializer)


PAGED_FORMATS = ("json", "json-all")  # the formats that answer the list's JSON envelope
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
    read, write = viewset.serializer_class, viewset.write_serializer_class
    about = descriptions(viewset.record_type.key, viewset.formats)
    # Only the JSON formats are the parameter's enum: a generated client reads every answer to this operation as
    # JSON pages, so it must not be offered a value that answers CSV. The streams are the answer's other media
    # types, asked for with `Accept` (or `format`, as the description says, by clients that read them as text).
    streams = ", ".join(f for f in sorted(viewset.formats) if f not in PAGED_FORMATS)
    fmt = OpenApiParameter(
        "format",
        str,
        enum=list(PAGED_FORMATS),
        description=(
            f"json: a page (the default); json-all: every page of the filtered list in one answer, in the same "
            f"envelope. Also {streams}: the whole filtered list as that file (or send `Accept:` with its media type)."
        ),
    )
    streams = {(200, "text/csv"): OpenApiTypes.STR}
    if "geojson" in viewset.formats:
        streams[(200, "application/geo+json")] = OpenApiTypes.OBJECT
    listing = {(200, "application/json"): read(many=True), **streams, 304: NOT_MODIFIED, **READ_ERRORS}
    extend_schema_view(
        list=extend_schema(description=about["list"], parameters=[fmt], responses=listing),
        retrieve=extend_schema(
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


def _nullable_as_type(node):
    """OpenAPI 3.0's `nullable: true` as 3.1 says it (null is a type), in schemas written by hand."""
    if isinstance(node, list):
        return [_nullable_as_type(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: (
            {name: _nullable_as_type(v) for name, v in value.items()}
            if key == "properties"
            else _nullable_as_type(value)
        )
        for key, value in node.items()
    }
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        elif "type" not in node or "null" not in node["type"]:
            return {"oneOf": [node, {"type": "null"}]}
    return node


def postprocess_schema(result, generator, request, public):
    """The last pass over the schema: hand-written 3.0 schemas (an extension's, a paginator's) in 3.1 form."""
    components = result.get("components", {})
    components["schemas"] = _nullable_as_type(components.get("schemas", {}))
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if "schema" in parameter:
                    parameter["schema"] = _nullable_as_type(parameter["schema"])
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    media["schema"] = _nullable_as_type(media.get("schema", {}))
            body = operation.get("requestBody", {})
            for media in body.get("content", {}).values():
                media["schema"] = _nullable_as_type(media.get("schema", {}))
    return result

"""Every API error is a JSON body: a message in `detail`, a stable machine-readable `code`, and for a request
with bad parameters or fields, `errors`: one `{"parameter", "code", "message"}` per problem (the
parameter's or field's own key beside `detail`, as before, is kept for existing clients). The site keeps
its HTML pages."""

import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import exceptions, serializers
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from archive import health

NON_FIELD = {"__all__", "non_field_errors"}


class ErrorResponse(serializers.Serializer):
    """Every error: a message in `detail`, a stable `code` (e.g. `invalid`, `not_found`, `not_authenticated`,
    `permission_denied`, `method_not_allowed`, `not_acceptable`, `precondition_failed`, `throttled`), and
    for bad parameters or fields `errors`, one item per problem (`parameter` is null for the request as a
    whole). Any other key is a parameter's or field's messages as before (a list, or for a list of objects
    such as slogans, the messages of each item)."""

    detail = serializers.CharField()


class ErrorResponseSchema(OpenApiSerializerExtension):
    """The schema says so: any other key is a parameter's or field's messages (a list, or for a list of
    objects such as slogans, the messages of each item)."""

    target_class = ErrorResponse

    def map_serializer(self, auto_schema, direction):
        item = {
            "type": "object",
            "required": ["parameter", "code", "message"],
            "properties": {
                "parameter": {"type": "string", "nullable": True, "description": "e.g. `date_from`, `slogans.0.text`"},
                "code": {"type": "string"},
                "message": {"type": "string"},
            },
        }
        return {
            "type": "object",
            "description": ErrorResponse.__doc__,
            "properties": {
                "detail": {"type": "string"},
                "code": {"type": "string"},
                "errors": {"type": "array", "items": item},
            },
            "required": ["detail", "code"],
            "additionalProperties": {"description": "Messages about the parameter or field."},
        }


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        # The write path's refusal says why (DRF would answer a bare "You do not have permission").
        exc = exceptions.PermissionDenied(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        response.data = {**data, "code": getattr(data["detail"], "code", None) or _code_of(exc)}
    else:
        errors = list(_problems(data))
        detail = _("The request has errors; see the fields below.")
        fields = data if isinstance(data, dict) else {}
        response.data = {"detail": detail, "code": _code_of(exc), **fields, "errors": errors}
    return response


def _code_of(exc) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else getattr(exc, "default_code", "invalid")


def _problems(data, parameter: str | None = None):
    """Each message of a DRF error structure, with the path of the parameter or field it is about."""
    if isinstance(data, dict):
        for key, value in data.items():
            name = None if key in NON_FIELD else key if parameter is None else f"{parameter}.{key}"
            yield from _problems(value, name)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _problems(item, parameter if isinstance(item, str) else f"{parameter}[{index}]")
    else:
        yield {"parameter": parameter, "code": getattr(data, "code", None) or "invalid", "message": str(data)}


def json_error(message: str, code: str, status: int) -> JsonResponse:
    """An error answered before or outside DRF, in the same shape."""
    return JsonResponse({"detail": message, "code": code}, status=status)


def bad_request(request, exception=None):
    """Django refused the request before any view ran (e.g. more than 1,000 query parameters)."""
    if request.path.startswith("/api/"):
        message = _("This request cannot be read: it has too many parameters or is malformed.")
        return json_error(message, "bad_request", 400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error(_("Not found."), "not_found", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: an error raised outside a view (in a middleware, loading the session, committing the
    request's transaction) that says the database is away is a 503, as it is from a view
    (DatabaseUnavailableMiddleware). Anything else keeps Django's 500 page."""
    exception = sys.exc_info()[1]
    if health.is_database_outage(exception):
        return health.database_unavailable(request, exception)
    return defaults.server_error(request)


class SignedInRateThrottle(UserRateThrottle):
    """The "user" rate, for signed-in clients only (anonymous ones have the "anon" rate)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)

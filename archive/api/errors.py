"""Every API error is a JSON body with a message; the site keeps its HTML pages."""

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


class ErrorResponse(serializers.Serializer):
    """Every error: a message in `detail`, and per-parameter messages beside it."""

    detail = serializers.CharField()


class ErrorResponseSchema(OpenApiSerializerExtension):
    """The schema says so: any other key is a parameter's or field's messages (a list, or for a list of
    objects such as slogans, the messages of each item)."""

    target_class = ErrorResponse

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": ErrorResponse.__doc__,
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
            "additionalProperties": {"description": "Messages about the parameter or field."},
        }


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        # The write path's refusal says why (DRF would answer a bare "You do not have permission").
        exc = exceptions.PermissionDenied(str(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": _("The request has errors; see the fields below."), **response.data}
    return response


def bad_request(request, exception=None):
    """Django refused the request before any view ran (e.g. more than 1,000 query parameters)."""
    if request.path.startswith("/api/"):
        message = _("This request cannot be read: it has too many parameters or is malformed.")
        return JsonResponse({"detail": message}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
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

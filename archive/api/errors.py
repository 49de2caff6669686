"""Every API error is an RFC 9457 problem (`application/problem+json`, see problems.py): `type`, `title`,
`status` and `detail`, a stable machine-readable `code`, and for a request with bad parameters or fields,
`errors`: one `{"parameter", "code", "message"}` per problem (the parameter's or field's own key beside
`detail`, as before, is kept for existing clients unless it is one of the standard members). The browsable
API shows its errors in its HTML page; the site keeps its HTML pages."""

import math
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import exceptions, serializers
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from archive import health
from archive.api.problems import PROBLEM_JSON, PROBLEM_TYPES, ProblemJSONRenderer, problem, problem_response

NON_FIELD = {"__all__", "non_field_errors"}


class ErrorResponse(serializers.Serializer):
    """Every error is an RFC 9457 problem (`application/problem+json`): `type` (a URI documenting the kind
    of error, `/api/v1/problems/<code>/`), `title`, `status`, a message in `detail`, a stable `code`
    (`invalid`, `parse_error`, `bad_request`, `too_expensive`, `not_authenticated`, `authentication_failed`,
    `permission_denied`, `not_found`, `method_not_allowed`, `not_acceptable`, `withdrawn`,
    `precondition_failed`, `unsupported_media_type`, `throttled`, `server_error`, `database_unavailable`),
    and for bad parameters or fields `errors`, one item per problem (`parameter` is null for the request
    as a whole). Any other key is a parameter's or field's messages as before (a list, or for a list of
    objects such as slogans, the messages of each item), or for `withdrawn` the record's `id` and
    `reason`."""

    detail = serializers.CharField()


class ErrorResponseSchema(OpenApiSerializerExtension):
    """The schema says so: the problem members, then any other key is a parameter's or field's messages
    (a list, or for a list of objects such as slogans, the messages of each item)."""

    target_class = ErrorResponse

    def map_serializer(self, auto_schema, direction):
        return problem_schema(ErrorResponse.__doc__)


class WithdrawnResponseSchema(OpenApiSerializerExtension):
    """A withdrawn record's 410 (declared in docs.py) is a problem too, with the record's id and reason."""

    target_class = "archive.api.docs.WithdrawnResponse"

    def map_serializer(self, auto_schema, direction):
        schema = problem_schema(
            "The record was withdrawn (code `withdrawn`): its id and the public reason.", others=False
        )
        schema["properties"]["id"] = {"type": "string"}
        schema["properties"]["reason"] = {"type": "string"}
        schema["required"] += ["id", "reason"]
        return schema


def problem_schema(description: str, *, others: bool = True) -> dict:
    """An RFC 9457 problem with our `code` and `errors`; `others`: other keys are a parameter's messages."""
    item = {
        "type": "object",
        "required": ["parameter", "code", "message"],
        "properties": {
            "parameter": {"type": "string", "nullable": True, "description": "e.g. `date_from`, `slogans.0.text`"},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
    }
    schema = {
        "type": "object",
        "description": description,
        "properties": {
            "type": {"type": "string", "format": "uri", "description": "The kind of error: GET it to read about it."},
            "title": {"type": "string", "description": "The kind of error in a few words."},
            "status": {"type": "integer", "description": "The HTTP status code."},
            "detail": {"type": "string", "description": "What went wrong with this request."},
            "code": {"type": "string", "description": "Stable, one per kind of error: " + ", ".join(PROBLEM_TYPES)},
            "errors": {"type": "array", "items": item},
        },
        "required": ["type", "title", "status", "detail", "code"],
    }
    if others:
        schema["additionalProperties"] = {"description": "Messages about the parameter or field."}
    return schema


class Withdrawn(exceptions.APIException):
    """A record that was published and then withdrawn, with the public reason."""

    status_code = 410
    default_detail = gettext_lazy("This record was withdrawn.")
    default_code = "withdrawn"

    def __init__(self, *, public_id: str, reason: str):
        super().__init__()
        self.extra = {"id": public_id, "reason": reason}


def throttled(wait: float | None) -> exceptions.Throttled:
    """A 429 whose message is the archive's, in each of its languages (DRF's Azerbaijani catalogue lacks the
    sentence with the wait, so a client read half of it in English); `Retry-After` says the same wait."""
    if wait is None:
        return exceptions.Throttled(detail=_("You have made too many requests; try again later."))
    wait = math.ceil(wait)
    message = ngettext(
        "You have made too many requests; try again in %(wait)d second.",
        "You have made too many requests; try again in %(wait)d seconds.",
        wait,
    )
    error = exceptions.Throttled(detail=message % {"wait": wait})  # given the wait, DRF would add its own sentence
    error.wait = wait  # for Retry-After
    return error


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        # The write path's refusal says why (DRF would answer a bare "You do not have permission").
        exc = exceptions.PermissionDenied(str(exc))
    if isinstance(exc, exceptions.Throttled):
        exc = throttled(exc.wait)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request, data, status = context.get("request"), response.data, response.status_code
    extra = getattr(exc, "extra", {})
    if isinstance(data, dict) and "detail" in data:
        code = getattr(data["detail"], "code", None) or _code_of(exc)
        response.data = problem(request, status=status, code=code, detail=data["detail"], **extra)
    else:
        fields = data if isinstance(data, dict) else {}
        detail = _("The request has errors; see the fields below.")
        errors = list(_problems(data))
        response.data = problem(request, status=status, code=_code_of(exc), detail=detail, errors=errors, **fields)
    _answer_as_problem(request, context.get("view"))
    return response


def _answer_as_problem(request, view) -> None:
    """The error is rendered as `application/problem+json` for any client but a person in the browsable
    API (who sees it in the page). Negotiation may not have run yet (a 405 comes before it)."""
    if request is None:
        return
    if getattr(request, "accepted_renderer", None) is None and view is not None:
        request.accepted_renderer, request.accepted_media_type = view.perform_content_negotiation(request, force=True)
    if isinstance(getattr(request, "accepted_renderer", None), BrowsableAPIRenderer):
        return
    request.accepted_renderer, request.accepted_media_type = ProblemJSONRenderer(), PROBLEM_JSON


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


def bad_request(request, exception=None):
    """Django refused the request before any view ran (e.g. more than 1,000 query parameters)."""
    if request.path.startswith("/api/"):
        message = _("This request cannot be read: it has too many parameters or is malformed.")
        return problem_response(request, status=400, code="bad_request", detail=message)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_response(request, status=404, code="not_found", detail=_("Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: an error raised outside a view (in a middleware, loading the session, committing the
    request's transaction) that says the database is away is a 503, as it is from a view
    (DatabaseUnavailableMiddleware). Anything else is a 500: a problem under /api/, Django's page elsewhere."""
    exception = sys.exc_info()[1]
    if health.is_database_outage(exception):
        return health.database_unavailable(request, exception)
    if request.path.startswith("/api/"):
        message = _("Something went wrong on our side. It has been logged; please try again later.")
        return problem_response(request, status=500, code="server_error", detail=message)
    return defaults.server_error(request)

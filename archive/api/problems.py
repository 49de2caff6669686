"""RFC 9457 problem details: every API error is `application/problem+json`.

Each kind of error has a stable `code` and a `type` URI, `/api/v1/problems/<code>/`, which answers with
what the kind means (its title, status and a description) — so the type is documented where it points.
An error of a kind not listed here (none is expected) has the type `about:blank` and its status's phrase as
its title, as RFC 9457 section 4.2.1 says.
"""

from dataclasses import dataclass
from http import HTTPStatus

from django.http import JsonResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer

PROBLEM_JSON = "application/problem+json"
# The members RFC 9457 defines, and ours every error has: a parameter's old key of the same name gives way.
RESERVED = {"type", "title", "status", "detail", "instance", "code", "errors"}


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    title: Promise
    description: Promise


PROBLEM_TYPES = {
    kind.code: kind
    for kind in [
        ProblemType(
            "invalid",
            400,
            _("Invalid request"),
            _("A parameter or field has a value the API cannot use. `errors` lists each problem with its parameter."),
        ),
        ProblemType("parse_error", 400, _("Unreadable body"), _("The request's body is not valid JSON or form data.")),
        ProblemType(
            "bad_request",
            400,
            _("Unreadable request"),
            _("The request cannot be read: it has too many parameters or is malformed."),
        ),
        ProblemType(
            "too_expensive",
            400,
            _("Request too expensive"),
            _("The request took too long to answer. Narrow the filters or the search and try again."),
        ),
        ProblemType(
            "not_authenticated",
            401,
            _("Not signed in"),
            _("This needs an archivist's or editor's token (Authorization: Token …)."),
        ),
        ProblemType("authentication_failed", 401, _("Authentication failed"), _("The token given is not valid.")),
        ProblemType(
            "permission_denied", 403, _("Permission denied"), _("Your role or the record's workflow does not allow it.")
        ),
        ProblemType("not_found", 404, _("Not found"), _("No published record or endpoint has this address.")),
        ProblemType(
            "method_not_allowed",
            405,
            _("Method not allowed"),
            _("This address does not offer that method; `Allow` lists the ones it does."),
        ),
        ProblemType(
            "not_acceptable",
            406,
            _("Not acceptable"),
            _("The format asked for by Accept is not offered here; the message names the ones that are."),
        ),
        ProblemType(
            "withdrawn",
            410,
            _("Record withdrawn"),
            _("The record was published and then withdrawn; `id` and `reason` say which and why."),
        ),
        ProblemType(
            "precondition_failed",
            412,
            _("Precondition failed"),
            _("The record changed since you read it (If-Match or If-Unmodified-Since): read it again, then retry."),
        ),
        ProblemType("unsupported_media_type", 415, _("Unsupported media type"), _("Send the request's body as JSON.")),
        ProblemType(
            "throttled",
            429,
            _("Too many requests"),
            _("You reached the rate limit (see the RateLimit header): wait the seconds Retry-After says."),
        ),
        ProblemType("server_error", 500, _("Server error"), _("Something went wrong on our side; it has been logged.")),
        ProblemType(
            "database_unavailable",
            503,
            _("Database unavailable"),
            _("The database is briefly unavailable: wait the seconds Retry-After says, then retry."),
        ),
    ]
}


class ProblemJSONRenderer(JSONRenderer):
    """JSON, labelled as a problem (RFC 9457). Chosen for errors only, whatever JSON format was asked for."""

    media_type = PROBLEM_JSON
    format = "problem+json"
    charset = None  # JSON is UTF-8 by definition: no charset parameter


def type_uri(request, code: str) -> str:
    if code not in PROBLEM_TYPES:
        return "about:blank"
    path = reverse("api:problem", args=[code])
    return request.build_absolute_uri(path) if request is not None else path


def problem(request, *, status: int, code: str, detail, errors: list | None = None, **extra) -> dict:
    """A problem details object; `extra` members (a withdrawn record's id, a parameter's old key) never
    replace the standard ones."""
    kind = PROBLEM_TYPES.get(code)
    body = {
        "type": type_uri(request, code),
        "title": str(kind.title) if kind else HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    body.update((key, value) for key, value in extra.items() if key not in RESERVED)
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(request, *, status: int, code: str, detail) -> JsonResponse:
    """An error answered before or outside DRF (Django's 400, 404 and 500 handlers, middleware)."""
    body = problem(request, status=status, code=code, detail=detail)
    return JsonResponse(body, status=status, content_type=PROBLEM_JSON)


def problem_media_types(result, generator, request, public):
    """drf-spectacular postprocessing hook: every error response (4xx, 5xx) of every operation is
    `application/problem+json`, which the API sends for them."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for status, response in (operation.get("responses") or {}).items():
                content = response.get("content") if isinstance(response, dict) else None
                if str(status)[:1] in {"4", "5"} and content and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
    return result


def describe(request, kind: ProblemType) -> dict:
    """What the `type` URI of a kind of error answers."""
    return {
        "type": type_uri(request, kind.code),
        "code": kind.code,
        "status": kind.status,
        "title": str(kind.title),
        "description": str(kind.description),
    }

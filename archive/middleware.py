"""Request-wide policies: compression and CORS for the public API and data, replica pinning, CSP, query
timeouts, a 503 while the database is away, and one change of the write path per write request."""

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.translation import gettext as _
from psycopg.errors import QueryCanceled

from archive import changes, health, routers
from archive.api.problems import problem_response

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PUBLIC_PREFIXES = ("/api/", "/data/")
# What a script on another site may read of an answer (beside the CORS-safelisted headers).
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Link, RateLimit, RateLimit-Policy"
READS = {"GET", "HEAD"}


class PublicDataGZipMiddleware(GZipMiddleware):
    """gzip, for a client that accepts it, on reads of the API and of /data/ in a data format (JSON, CSV,
    GeoJSON, the OpenAPI schema), streamed ones included; `Vary: Accept-Encoding` on each of them.

    Never on HTML nor on a write's answer: a compressed body that reflects a visitor's input beside a
    secret (the browsable API's CSRF token) leaks the secret through its length (BREACH). The data
    formats hold published records only. A strong ETag becomes weak (`W/"…"`) when compressed; the
    API and /data/ compare If-None-Match weakly, so either form answers 304 (see api/conditional.py).
    """

    COMPRESSIBLE = {"application/json", "application/geo+json", "text/csv", "application/vnd.oai.openapi"}

    def process_response(self, request, response):
        if request.method not in READS or not request.path.startswith(PUBLIC_PREFIXES):
            return response
        if response.get("Content-Type", "").split(";")[0].strip() not in self.COMPRESSIBLE:
            return response
        return super().process_response(request, response)


class PublicApiCorsMiddleware:
    """Any site's scripts may read the public API and the data package: `Access-Control-Allow-Origin: *`
    on reads, never with credentials. Writes get no CORS header (a browser elsewhere cannot make them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            # Public data only, never with credentials: a wildcard is safe here.
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response


class ReplicaPinMiddleware:
    """Signed-in requests (session or API token) and every write read from the primary (see routers.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writer = request.method not in {"GET", "HEAD", "OPTIONS"} or "HTTP_AUTHORIZATION" in request.META
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        token = routers.read_from_primary(writer or signed_in)
        try:
            return self.get_response(request)
        finally:
            routers.release(token)


class WriteMiddleware:
    """Every request that may write (POST, PATCH, DELETE…) is one transaction and one changeset of the
    write path (archive.changes), made by the signed-in user — known lazily, since the API
    authenticates a token only inside its view. An answer of 400 or more after archive records were
    written rolls everything back, so a request refused halfway (a 403 from the write path's
    permission check) leaves nothing behind. (Other writes stand: a failed sign-in must still count.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD", "OPTIONS", "TRACE"}:
            return self.get_response(request)
        with changes.recording(user=lambda: getattr(request, "user", None)) as changeset:
            response = self.get_response(request)
            if response.status_code >= 400 and changeset.wrote:
                changeset.discard()
                transaction.set_rollback(True)
        return response


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every HTML response: scripts, styles and images from this site only.

    The public pages need nothing inline. The admin (django-simple-history, import-export) sets a few
    inline style attributes, so admin pages also allow those — never inline scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            if request.path.startswith("/" + settings.ADMIN_PATH):
                policy += "; style-src-attr 'unsafe-inline'"
            response["Content-Security-Policy"] = policy
        return response


class QueryTimeoutMiddleware:
    """A query stopped by PostgreSQL's statement_timeout is an over-broad request, answered with a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not _query_canceled(exception):
            return None
        return too_expensive(request)


class DatabaseUnavailableMiddleware:
    """A view (a DRF view too: DRF re-raises what it does not handle) that finds the database unreachable,
    or loses it mid-request, answers 503 with Retry-After instead of a 500. Errors raised before the view
    (in a middleware) reach handler500, which answers the same (archive.api.errors.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not health.is_database_outage(exception):
            return None
        return health.database_unavailable(request, exception)


def _query_canceled(exception) -> bool:
    return isinstance(exception.__cause__, QueryCanceled)


def too_expensive(request):
    message = _("This request took too long to answer. Narrow the filters or the search and try again.")
    if request.path.startswith("/api/"):
        return problem_response(request, status=400, code="too_expensive", detail=message)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")

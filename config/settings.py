"""Settings for the archive, read from the environment.

Defaults are safe for production (DEBUG off, SECRET_KEY required, no hosts
allowed). `make run` sets what a local demo needs; see the README.
"""

import hashlib
import hmac
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_int, env_list, env_secret, env_str, tune_postgres

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
# Commands that serve requests need the real key; one-off commands (migrate, makemigrations, loaddata…)
# sign nothing that outlives them, so they may run with a throwaway key.
SERVING_COMMANDS = {"runserver", "runserver_plus", "testserver"}
_command = env_str("ARCHIVE_MANAGE_COMMAND")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105 - DEBUG only
    elif _command and _command not in SERVING_COMMANDS:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
# Backups (export_archive) are signed with this key and restore_archive refuses a file whose signature
# does not verify. Keep it apart from the backups. Without it, DEBUG derives one from SECRET_KEY (fit for a
# local demo only); otherwise export refuses and says how to set it.
ARCHIVE_BACKUP_KEY = env_secret("ARCHIVE_BACKUP_KEY", min_length=32)
if not ARCHIVE_BACKUP_KEY and DEBUG:
    ARCHIVE_BACKUP_KEY = hmac.new(SECRET_KEY.encode(), b"archive backup key", hashlib.sha256).hexdigest()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "axes",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that sets a body: it compresses what they made (API and /data/ reads only).
    "archive.middleware.PublicDataGZipMiddleware",
    "archive.middleware.ContentSecurityPolicyMiddleware",
    "archive.middleware.ReplicaPinMiddleware",
    "archive.middleware.PublicApiCorsMiddleware",
    # RateLimit and RateLimit-Policy headers on every answer a throttle counted (archive/api/ratelimit.py).
    "archive.api.ratelimit.RateLimitHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.middleware.WriteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that finds the database away answers 503; below it, QueryTimeoutMiddleware sees a slow query first.
    "archive.middleware.DatabaseUnavailableMiddleware",
    "archive.middleware.QueryTimeoutMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# One primary (DATABASE_URL) and any number of read replicas (DATABASE_REPLICA_URLS, comma-separated):
# anonymous reads go to a replica, writes and signed-in users to the primary (archive/routers.py).
# In tests each replica mirrors the primary's test database.
DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), BASE_DIR)}
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{_number}"] = database_from_url(_url, BASE_DIR) | {"TEST": {"MIRROR": "default"}}
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["archive.routers.PrimaryReplicaRouter"]
# A runaway query is cut off (and answered with a 400) instead of tying up a worker. One-off
# commands (migrate, imports, generate_archive, backups) run without a limit unless one is set.
# Test runs get a looser limit: creating and dropping test databases on a busy CI machine is slow.
_timeout_default = 0 if _command and _command not in SERVING_COMMANDS else 30000 if "pytest" in sys.modules else 5000
for _database in DATABASES.values():
    tune_postgres(
        _database,
        statement_timeout_ms=env_int("DATABASE_STATEMENT_TIMEOUT_MS", _timeout_default),
        pool_max_size=env_int("DATABASE_POOL_MAX_SIZE", 0),
        pool_min_size=env_int("DATABASE_POOL_MIN_SIZE", 1),
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached pages and API responses, the home page's pictures and API throttle counters live here (sign-in
# lockouts are in the database). Set REDIS_URL when more than one app server runs, so they share one
# cache. If Redis stops answering within REDIS_TIMEOUT_MS, each process caches in its own memory and
# tries Redis again every REDIS_RETRY_SECONDS (archive/cachebackend.py); nothing stale is served after,
# since what retires cached answers is kept in the database (archive/cache.py).
if env_str("REDIS_URL"):
    _redis_timeout_ms, _redis_retry_seconds = env_int("REDIS_TIMEOUT_MS", 250), env_int("REDIS_RETRY_SECONDS", 5)
    if _redis_timeout_ms <= 0 or _redis_retry_seconds < 0:
        raise ImproperlyConfigured("REDIS_TIMEOUT_MS must be positive and REDIS_RETRY_SECONDS not negative")
    CACHES = {
        "default": {
            "BACKEND": "archive.cachebackend.ResilientRedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "OPTIONS": {
                "socket_connect_timeout": _redis_timeout_ms / 1000,
                "socket_timeout": _redis_timeout_ms / 1000,
                "retry_seconds": _redis_retry_seconds,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "archive"}}
# How long anonymous reads of public pages and the API are cached (archive/cache.py); 0 switches it off.
# Any change to the archive invalidates every cached response at once.
ARCHIVE_CACHE_SECONDS = env_int("ARCHIVE_CACHE_SECONDS", 300)
# 0: the home page's counts and pictures are redrawn after every change. A large archive sets this
# (seconds) and runs `manage.py refresh_home_stats` from cron: the home page then shows them "as of".
ARCHIVE_HOME_STATS_SECONDS = env_int("ARCHIVE_HOME_STATS_SECONDS", 0)
# Option counts on list pages may take this long (PostgreSQL); a list too big to count in time is shown without them.
ARCHIVE_FACET_TIME_LIMIT_MS = env_int("ARCHIVE_FACET_TIME_LIMIT_MS", 300)
# With replicas: for this long after a write, responses are not cached (a replica may still lag).
ARCHIVE_REPLICA_LAG_SECONDS = env_int("ARCHIVE_REPLICA_LAG_SECONDS", 5)

# The admin's address: set ADMIN_PATH to something less guessable than the default.
ADMIN_PATH = env_str("ADMIN_PATH", "admin/").strip("/") + "/"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in brute force: after AXES_FAILURE_LIMIT failures from one address, that address is locked
# out for AXES_COOLOFF_MINUTES. The address is found by the same proxy rule as API throttling.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "archive.clientip.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("az", _("Azerbaijani")),
    ("fa", _("Persian")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Where `manage.py build_datapackage` writes the downloadable Frictionless Data Package.
ARCHIVE_DATA_DIR = Path(env_str("ARCHIVE_DATA_DIR", str(BASE_DIR / "var" / "datapackage")))
# How many dated releases (/data/releases/<YYYY-MM-DD>/) to keep, one per day a package was built.
ARCHIVE_DATA_RELEASES = env_int("ARCHIVE_DATA_RELEASES", 30)
if ARCHIVE_DATA_RELEASES < 1:
    raise ImproperlyConfigured("ARCHIVE_DATA_RELEASES must be at least 1 (the newest release is the served package)")
# The licence the archive's records are published under: named on the about page and in the data package.
ARCHIVE_LICENCE_NAME = env_str("ARCHIVE_LICENCE_NAME", "CC-BY-4.0")
ARCHIVE_LICENCE_URL = env_str("ARCHIVE_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# Security: on unless explicitly relaxed (local demos run with DEBUG=1 over http).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes over plain HTTP: the health probes answer it instead of redirecting (archive/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# On every HTML response (archive/middleware.py). Nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # `?format=` picks json, csv or geojson in the record views themselves, a renderer elsewhere
    # (archive/api/negotiation.py); unknown formats are a 400, an Accept nothing satisfies a 406 naming the types.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "archive.api.negotiation.ArchiveContentNegotiation",
    "DEFAULT_THROTTLE_CLASSES": [
        "archive.api.ratelimit.AnonymousRateThrottle",
        "archive.api.ratelimit.SignedInRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
    },
    # How many reverse proxies in front of the app append to X-Forwarded-For. 0 means: trust only
    # the socket address, so a forged X-Forwarded-For cannot dodge throttling.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
    "DEFAULT_SCHEMA_CLASS": "archive.api.docs.ArchiveSchema",
    "EXCEPTION_HANDLER": "archive.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Karabakh 2020 response archive API",
    "DESCRIPTION": (
        "Published statements, organizations, protests, arrests, media outlets, people, places and sources. "
        "Read-only for the public. Lists page by cursor (`next`); `page_size` ≤ 500. Keep a mirror exact with "
        "`updated_since` (records changed after that time) and the `tombstones` listed on the first page "
        "(records that stopped being public: remove them). `?format=csv` streams a whole filtered list as CSV; "
        "places and protests also offer `?format=geojson`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # OpenAPI 3.1: schemas are JSON Schema (null is a type), which generated clients and schemathesis read as is.
    "OAS_VERSION": "3.1.0",
    # Operation ids and tags from the path after /api/v1/: `protests_list`, `media_outlets_retrieve`, tag `protests`.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # One named enum per set of choices, shared by the read and write shapes and every type that uses it.
    "ENUM_NAME_OVERRIDES": {
        "RecordType": "archive.registry.KEYS",
        "Status": "archive.models.Status",
        "TombstoneStatus": "archive.api.fields.TOMBSTONE_STATUSES",
        "TranslatedBy": "archive.translations.PROVENANCE",
        "DatePrecision": "archive.dates.DatePrecision",
        "ClaimantKind": "archive.models.ClaimantKind",
        "NameKind": "archive.models.NameKind",
        "ProtestKind": "archive.models.ProtestKind",
        "EventStatus": "archive.models.EventStatus",
        "ArrestOutcome": "archive.models.ArrestOutcome",
        "StatementForm": "archive.models.StatementForm",
        "OrganizationKind": "archive.models.OrganizationKind",
        "OutletKind": "archive.models.OutletKind",
        "OutletBase": "archive.models.OutletBase",
        "OutletAffiliation": "archive.models.OutletAffiliation",
        "PlaceKind": "archive.models.PlaceKind",
        "SourceKind": "archive.models.SourceKind",
    },
    # Errors are application/problem+json (RFC 9457), as the API sends them.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "archive.api.problems.problem_media_types",
        "archive.api.docs.postprocess_schema",
    ],
}

# Publishing needs a second person: whoever last changed a record cannot publish it.
# Switch off (ARCHIVE_TWO_PERSON_RULE=0) for a one-person archive.
ARCHIVE_TWO_PERSON_RULE = env_bool("ARCHIVE_TWO_PERSON_RULE", True)
# A change that only adds or edits translations does not count under that rule (the translator may publish),
# unless the editors ask for a second person on translations too (ARCHIVE_TRANSLATIONS_NEED_SECOND_PERSON=1).
ARCHIVE_TRANSLATIONS_NEED_SECOND_PERSON = env_bool("ARCHIVE_TRANSLATIONS_NEED_SECOND_PERSON", False)
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True

# django-import-export (formats are set in archive/admin/importexport.py): import and export need their own
# permissions (import_<model>, export_<model>); whole imports run in one transaction.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Largest file an archivist may upload for import (bytes); bigger files use `manage.py import_records`.
ARCHIVE_IMPORT_MAX_BYTES = env_int("ARCHIVE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Most rows and columns an uploaded file may have (`manage.py import_records` takes any number of rows).
ARCHIVE_IMPORT_MAX_ROWS = env_int("ARCHIVE_IMPORT_MAX_ROWS", 10_000)
ARCHIVE_IMPORT_MAX_COLUMNS = env_int("ARCHIVE_IMPORT_MAX_COLUMNS", 100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Benchmark instrumentation (bench/, archive/benchmark.py): query counts and SQL capture; never set in production.
if env_bool("ARCHIVE_BENCH", False):
    MIDDLEWARE.insert(0, "archive.benchmark.BenchmarkMiddleware")

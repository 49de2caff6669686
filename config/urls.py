from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from archive import claimants, health, views_about, views_data
from archive.admin import datepreview
from archive.cache import cache_public
from archive.sitemaps import SITEMAPS

urlpatterns = [
    # For the load balancer: never cached, never language-prefixed, exempt from the HTTPS redirect.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", views_about.robots_txt, name="robots"),
    path("favicon.ico", views_about.favicon, name="favicon"),
    # Staff only: what a typed date will be stored as (the admin's live date preview).
    path(f"{settings.ADMIN_PATH}date-preview/", datepreview.date_preview, name="admin-date-preview"),
    path(f"{settings.ADMIN_PATH}claimant-kind/", claimants.suggestion, name="admin-claimant-kind"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("sitemap.xml", cache_public(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    # Choosing a language changes nothing but a preference cookie, so it needs no CSRF token — which keeps
    # public pages free of per-visitor tokens and so cacheable (archive/cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/v1/", include("archive.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # GET only: an OPTIONS request would render its metadata through the docs' HTML template (a 500).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="api-docs",
    ),
    path("data/datapackage.zip", views_data.datapackage_download, name="datapackage-download"),
    path("data/datapackage.json", views_data.datapackage_json, name="datapackage-json"),
    path("data/datapackage-excel.zip", views_data.excel_download, name="datapackage-excel-download"),
    path("data/excel/<str:filename>", views_data.excel_file, name="datapackage-excel-file"),
    path("data/releases/", views_data.releases_page, name="datapackage-releases"),
    path("data/releases/index.json", views_data.releases_json, name="datapackage-releases-json"),
    # A day and a file name, nothing else: no path reaches outside the release's folder.
    re_path(
        r"^data/releases/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})/(?P<name>[a-z.]+)$",
        views_data.release_file,
        name="datapackage-release-file",
    ),
    path("data/<str:filename>", views_data.datapackage_file, name="datapackage-file"),
]
urlpatterns += i18n_patterns(path("", include("archive.urls")))

handler400 = "archive.api.errors.bad_request"
handler404 = "archive.api.errors.not_found"
handler500 = "archive.api.errors.server_error"

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from archive import views_data
from archive.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("archive.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("data/datapackage.zip", views_data.datapackage_download, name="datapackage-download"),
    path("data/datapackage.json", views_data.datapackage_json, name="datapackage-json"),
    path("data/<str:filename>", views_data.datapackage_file, name="datapackage-file"),
]
urlpatterns += i18n_patterns(path("", include("archive.urls")))

handler404 = "archive.api.errors.not_found"

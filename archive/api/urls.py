from django.urls import path
from rest_framework.routers import DefaultRouter

from archive import registry
from archive.api import views
from archive.api.search import SearchView

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
for record_type in registry.TYPES:
    router.register(record_type.key, views.VIEWSETS[record_type.key], basename=record_type.key)

urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    *router.urls,
]

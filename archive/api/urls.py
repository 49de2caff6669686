from django.urls import path
from rest_framework.routers import DefaultRouter

from archive import registry
from archive.api import problem_views, views
from archive.api.search import SearchView

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
for record_type in registry.TYPES:
    router.register(record_type.key, views.VIEWSETS[record_type.key], basename=record_type.key)

urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    # What each kind of error means: the `type` of every error (RFC 9457) points here.
    path("problems/", problem_views.ProblemTypeList.as_view(), name="problem-list"),
    path("problems/<slug:code>/", problem_views.ProblemTypeDetail.as_view(), name="problem"),
    *router.urls,
]

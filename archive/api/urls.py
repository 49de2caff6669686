from django.urls import path
from rest_framework.routers import DefaultRouter

from archive.api import views
from archive.api.search import SearchView

app_name = "api"

router = DefaultRouter()
router.include_format_suffixes = False
router.register("protests", views.ProtestViewSet, basename="protests")
router.register("arrests", views.ArrestViewSet, basename="arrests")
router.register("statements", views.StatementViewSet, basename="statements")
router.register("organizations", views.OrganizationViewSet, basename="organizations")
router.register("media-outlets", views.MediaOutletViewSet, basename="media-outlets")
router.register("people", views.PersonViewSet, basename="people")
router.register("places", views.PlaceViewSet, basename="places")
router.register("sources", views.SourceViewSet, basename="sources")

urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    *router.urls,
]

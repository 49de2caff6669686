from django.urls import path

from archive.api.search import SearchView

app_name = "api"
urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
]

from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
]

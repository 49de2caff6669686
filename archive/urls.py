from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("<slug:kind>/", views.record_list, name="list"),
    path("<slug:kind>/<str:public_id>/", views.record_detail, name="detail"),
]

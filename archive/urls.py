from django.urls import path

from archive import feeds, views, views_about, views_cite

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("about/", views_about.about, name="about"),
    path("codebook/", views_about.codebook, name="codebook"),
    path("<slug:kind>/<slug:public_id>/cite.<slug:fmt>", views_cite.record_cite, name="cite"),
    # Not `feed/`: that is a valid public id. A dot is in none.
    path("<slug:kind>/feed.atom", feeds.record_feed, name="feed"),
    path("<slug:kind>/", views.record_list, name="list"),
    # Public ids are slugs (as in the API's URLs): anything else, a NUL byte included, is simply not found.
    path("<slug:kind>/<slug:public_id>/", views.record_detail, name="detail"),
]

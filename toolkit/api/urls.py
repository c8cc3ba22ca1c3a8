from django.urls import path, re_path

from toolkit.api import views

app_name = "api"

# Mounted at /api/v1/, outside the language prefixes: the answers are in English, with keys.
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("entries/", views.EntryListView.as_view(), name="entry-list"),
    path("entries/<slug:slug>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path(
        "entries/<slug:slug>/revisions/",
        views.EntryRevisionListView.as_view(),
        name="entry-revision-list",
    ),
    path("focus-areas/", views.FocusAreaListView.as_view(), name="focus-area-list"),
    path("focus-areas/<slug:slug>/", views.FocusAreaDetailView.as_view(), name="focus-area-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("cities/", views.CityListView.as_view(), name="city-list"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="city-detail"),
    path("adaptations/", views.AdaptationListView.as_view(), name="adaptation-list"),
    path(
        "adaptations/<slug:city>/", views.AdaptationDetailView.as_view(), name="adaptation-detail"
    ),
    path("round-tables/", views.RoundTableListView.as_view(), name="round-table-list"),
    path(
        "round-tables/<slug:slug>/", views.RoundTableDetailView.as_view(), name="round-table-detail"
    ),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("openapi.json", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    # Anything else under /api/v1/ ending in a slash: a 404 in JSON, as the API's other errors.
    re_path(r"^(?P<rest>[\s\S]*)/$", views.not_found, name="not-found"),
]

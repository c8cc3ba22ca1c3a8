from django.urls import path

from plans import views

app_name = "plans"

# Mounted at /toolkit/. Focus areas and entries are addressed by slug
# (/toolkit/smart-mobility/ev-charging-expansion/); the words these patterns use
# are reserved (plans.models.RESERVED_SLUGS) so no slug can hide a page.
ACTIONS = ["retire", "restore", "move"]

urlpatterns = [
    path("", views.ToolkitHomeView.as_view(), name="toolkit-home"),
    path("entries/", views.EntryListView.as_view(), name="entry-list"),
    path("entries/new/", views.EntryCreateView.as_view(), name="entry-create"),
    path("focus-areas/new/", views.FocusAreaCreateView.as_view(), name="focus-area-create"),
    path("<slug:slug>/", views.FocusAreaDetailView.as_view(), name="focus-area-detail"),
    path("<slug:slug>/edit/", views.FocusAreaUpdateView.as_view(), name="focus-area-update"),
    path("<slug:slug>/history/", views.FocusAreaHistoryView.as_view(), name="focus-area-history"),
    *[
        path(
            f"<slug:slug>/{action}/",
            views.FocusAreaActionView.as_view(),
            {"action": action},
            name=f"focus-area-{action}",
        )
        for action in ACTIONS
    ],
    path("<slug:focus_area>/<slug:slug>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path(
        "<slug:focus_area>/<slug:slug>/edit/", views.EntryUpdateView.as_view(), name="entry-update"
    ),
    path(
        "<slug:focus_area>/<slug:slug>/history/",
        views.EntryHistoryView.as_view(),
        name="entry-history",
    ),
    *[
        path(
            f"<slug:focus_area>/<slug:slug>/{action}/",
            views.EntryActionView.as_view(),
            {"action": action},
            name=f"entry-{action}",
        )
        for action in ACTIONS
    ],
]

from django.urls import path

from toolkit.adaptations import views

app_name = "adaptations"

# Mounted at /adaptations/. A city's adaptation is addressed by the city's slug
# (/adaptations/west-hollywood/), its entries by their slug in the adaptation, the updates
# from the model plan by the model entry's slug, and its exports by their format.
urlpatterns = [
    path("", views.AdaptationListView.as_view(), name="adaptation-list"),
    # Every published adaptation in one file (before the cities' addresses).
    path(
        "downloads/<slug:format>/", views.AllAdaptationsDownloadView.as_view(), name="all-download"
    ),
    path("<slug:city>/", views.AdaptationDetailView.as_view(), name="adaptation-detail"),
    path("<slug:city>/start/", views.AdaptationStartView.as_view(), name="adaptation-start"),
    path("<slug:city>/edit/", views.AdaptationUpdateView.as_view(), name="adaptation-update"),
    path("<slug:city>/publish/", views.AdaptationPublishView.as_view(), name="adaptation-publish"),
    path(
        "<slug:city>/unpublish/",
        views.AdaptationUnpublishView.as_view(),
        name="adaptation-unpublish",
    ),
    path(
        "<slug:city>/downloads/<slug:format>/",
        views.AdaptationDownloadView.as_view(),
        name="adaptation-download",
    ),
    path("<slug:city>/summary/", views.AdaptationSummaryView.as_view(), name="adaptation-summary"),
    path("<slug:city>/changes/", views.AdaptationChangesView.as_view(), name="adaptation-changes"),
    path("<slug:city>/decisions/", views.AdaptationBulkView.as_view(), name="entry-bulk"),
    path("<slug:city>/updates/", views.ModelUpdateListView.as_view(), name="model-update-list"),
    path(
        "<slug:city>/updates/<slug:slug>/",
        views.ModelUpdateReviewView.as_view(),
        name="model-update-review",
    ),
    path(
        "<slug:city>/updates/<slug:slug>/dismiss/",
        views.ModelUpdateDismissView.as_view(),
        name="model-update-dismiss",
    ),
    path(
        "<slug:city>/entries/new/", views.AdaptationEntryCreateView.as_view(), name="entry-create"
    ),
    path(
        "<slug:city>/entries/<slug:slug>/",
        views.AdaptationEntryDetailView.as_view(),
        name="entry-detail",
    ),
    path(
        "<slug:city>/entries/<slug:slug>/edit/",
        views.AdaptationEntryUpdateView.as_view(),
        name="entry-update",
    ),
    path(
        "<slug:city>/entries/<slug:slug>/history/",
        views.AdaptationEntryHistoryView.as_view(),
        name="entry-history",
    ),
]

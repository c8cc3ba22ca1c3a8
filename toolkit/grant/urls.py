from django.urls import path

from toolkit.grant import views

app_name = "metrics"

# Mounted at /metrics/: the public dashboard and its open CSV files, the embeddable progress
# page, the grant staff's exports, the measures' settings, the records behind each figure and
# the closed reporting periods.
urlpatterns = [
    path("", views.MetricsDashboardView.as_view(), name="dashboard"),
    path("export/<slug:table>.csv", views.MetricsExportView.as_view(), name="export"),
    path("figures/<slug:table>.csv", views.MetricsOpenExportView.as_view(), name="open-export"),
    path("embed/", views.ProgressEmbedView.as_view(), name="embed"),
    path("measures/", views.GrantMeasuresUpdateView.as_view(), name="measures-update"),
    path("records/<slug:kind>/", views.RecordsView.as_view(), name="records"),
    path("records/<slug:kind>.csv", views.RecordsExportView.as_view(), name="records-export"),
    path("periods/close/", views.ReportingPeriodCloseView.as_view(), name="period-close"),
    path("periods/<int:pk>/", views.ReportingPeriodDetailView.as_view(), name="period-report"),
    path(
        "periods/<int:pk>/report.<slug:extension>",
        views.ReportingPeriodFileView.as_view(),
        name="period-report-file",
    ),
]

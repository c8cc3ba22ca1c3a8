from django.urls import path

from toolkit.grant import views

app_name = "metrics"

# Mounted at /metrics/: the public dashboard and its open CSV files, the embeddable progress
# page, the grant staff's exports and the measures' settings.
urlpatterns = [
    path("", views.MetricsDashboardView.as_view(), name="dashboard"),
    path("export/<slug:table>.csv", views.MetricsExportView.as_view(), name="export"),
    path("figures/<slug:table>.csv", views.MetricsOpenExportView.as_view(), name="open-export"),
    path("embed/", views.ProgressEmbedView.as_view(), name="embed"),
    path("measures/", views.GrantMeasuresUpdateView.as_view(), name="measures-update"),
]

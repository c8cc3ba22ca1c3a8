from django.urls import path

from toolkit.grant import views

app_name = "metrics"

# Mounted at /metrics/: the grant staff's dashboard, its exports and the measures' settings.
urlpatterns = [
    path("", views.MetricsDashboardView.as_view(), name="dashboard"),
    path("export/<slug:table>.csv", views.MetricsExportView.as_view(), name="export"),
    path("measures/", views.GrantMeasuresUpdateView.as_view(), name="measures-update"),
]

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from toolkit import download_views, metrics_views, views

metrics_patterns = (
    [
        path("", metrics_views.MetricsDashboardView.as_view(), name="dashboard"),
        path("export/<slug:table>.csv", metrics_views.MetricsExportView.as_view(), name="export"),
        path("measures/", metrics_views.GrantMeasuresUpdateView.as_view(), name="measures-update"),
    ],
    "metrics",
)

download_patterns = (
    [
        path("", download_views.DownloadsView.as_view(), name="download-list"),
        path(
            "<slug:scope>/<slug:format>/",
            download_views.package_download,
            name="package-download",
        ),
    ],
    "downloads",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("about/", TemplateView.as_view(template_name="toolkit/about.html"), name="about"),
    path("privacy/", TemplateView.as_view(template_name="toolkit/privacy.html"), name="privacy"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="toolkit/accessibility.html"),
        name="accessibility",
    ),
    path("metrics/", include(metrics_patterns)),
    # Before the plans' URLs: "downloads" is a reserved word for toolkit slugs.
    path("toolkit/downloads/", include(download_patterns)),
    path("toolkit/", include("plans.urls")),
    path("adaptations/", include("toolkit.adaptations.urls")),
    path("cities/", include("cities.urls")),
    path("round-tables/", include("roundtables.urls")),
    path("accounts/profile/", views.ProfileView.as_view(), name="profile"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

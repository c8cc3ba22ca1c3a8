from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from toolkit import views

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
    path("metrics/", include("toolkit.grant.urls")),
    # Before the plans' URLs: "downloads" is a reserved word for toolkit slugs.
    path("toolkit/downloads/", include("toolkit.downloads.urls")),
    path("toolkit/", include("plans.urls")),
    path("adaptations/", include("toolkit.adaptations.urls")),
    path("cities/", include("cities.urls")),
    path("round-tables/", include("roundtables.urls")),
    path("accounts/", include("toolkit.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

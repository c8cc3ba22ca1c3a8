from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from toolkit import health, views
from toolkit.opendata import views as opendata
from toolkit.opendata.sitemaps import SITEMAPS

# Machine-facing and staff-only addresses stay the same in every language.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("toolkit.api.urls")),
    path("data.json", opendata.data_json, name="data-json"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", opendata.robots_txt, name="robots"),
]

# The language is in the address: English at /..., Spanish at /es/..., so a page is the same
# for every visitor who asks for that address (and can be cached whole, see pagecache.py).
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
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
    path("open-data/", include("toolkit.opendata.urls")),
    path("round-tables/", include("roundtables.urls")),
    path("accounts/", include("toolkit.accounts.urls")),
    prefix_default_language=False,
)

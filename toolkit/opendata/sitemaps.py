"""sitemap.xml: the public pages, each in English (unprefixed) and Spanish (/es/), with their
hreflang alternates. Addresses are on the site's public address (cities.common.site)."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from cities.common.site import site_url
from cities.models import City
from plans.models import Entry, FocusArea, Plan
from roundtables.models import RoundTable
from toolkit.adaptations.exports import published_adaptations


class PublicSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_domain(self, site=None):
        return urlsplit(site_url()).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme


class PagesSitemap(PublicSitemap):
    """The pages that are not about one thing: home, about, the lists, open data, the figures."""

    def items(self):
        return [
            "home",
            "about",
            "privacy",
            "accessibility",
            "plans:toolkit-home",
            "downloads:download-list",
            "cities:city-list",
            "roundtables:roundtable-list",
            "adaptations:adaptation-list",
            "opendata:catalogue",
            "metrics:dashboard",
        ]

    def location(self, item):
        return reverse(item)


class FocusAreaSitemap(PublicSitemap):
    def items(self):
        plan = Plan.objects.model_plan()
        if plan is None:
            return []
        return FocusArea.objects.filter(plan=plan).active().order_by("order", "pk")


class EntrySitemap(PublicSitemap):
    def items(self):
        plan = Plan.objects.model_plan()
        if plan is None:
            return []
        return (
            Entry.objects.filter(plan=plan, focus_area__in=FocusArea.objects.active())
            .active()
            .select_related("focus_area", "plan")
            .order_by("focus_area__order", "order", "pk")
        )

    def lastmod(self, entry):
        return entry.updated_at


class CitySitemap(PublicSitemap):
    def items(self):
        return City.objects.order_by("name", "pk")


class RoundTableSitemap(PublicSitemap):
    def items(self):
        return RoundTable.objects.listed().order_by("starts_at", "pk")


class AdaptationSitemap(PublicSitemap):
    def items(self):
        return published_adaptations().order_by("city__name", "pk")

    def location(self, plan):
        return reverse("adaptations:adaptation-detail", kwargs={"city": plan.city.slug})

    def lastmod(self, plan):
        return plan.content_changed_at or plan.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "focus-areas": FocusAreaSitemap,
    "entries": EntrySitemap,
    "cities": CitySitemap,
    "round-tables": RoundTableSitemap,
    "adaptations": AdaptationSitemap,
}

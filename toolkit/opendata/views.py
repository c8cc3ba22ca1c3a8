"""The open data page, the DCAT-US catalogue at /data.json, the sitemap and robots.txt."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from cities.common.site import absolute
from toolkit.opendata.catalogue import CONTACT_NAME, PUBLISHER, datasets


class OpenDataView(TemplateView):
    """Every dataset, with its licence, last change, files and their sizes."""

    template_name = "opendata/opendata.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(datasets=datasets(), embed_absolute_url=absolute(reverse("metrics:embed")))
        return context


DCAT_US = "https://project-open-data.cio.gov/v1.1/schema"


def dcat_dataset(dataset, *, contact_email: str) -> dict:
    """A dataset as DCAT-US 1.1 describes one (every required field, and a few more)."""
    return {
        "@type": "dcat:Dataset",
        "title": dataset.title,
        "description": dataset.description,
        "keyword": dataset.keywords,
        "modified": dataset.modified.isoformat(timespec="seconds"),
        "publisher": {"@type": "org:Organization", "name": PUBLISHER},
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": CONTACT_NAME,
            "hasEmail": f"mailto:{contact_email}",
        },
        "identifier": absolute(reverse("opendata:catalogue")) + f"#{dataset.key}",
        "accessLevel": "public",
        "license": dataset.licence["url"],
        "spatial": "Los Angeles County, California",
        "landingPage": absolute(dataset.landing_path),
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "title": distribution.title,
                "format": distribution.format,
                "downloadURL": distribution.url,
                "mediaType": distribution.media_type,
            }
            for distribution in dataset.distributions
        ],
    }


@require_safe
def data_json(request):
    """The catalogue in DCAT-US 1.1, for data.gov-style harvesters (always in English)."""
    with translation.override("en"):
        catalogue = {
            "@context": f"{DCAT_US}/catalog.jsonld",
            "@type": "dcat:Catalog",
            "conformsTo": DCAT_US,
            "describedBy": f"{DCAT_US}/catalog.json",
            "dataset": [
                dcat_dataset(dataset, contact_email=settings.CONTACT_EMAIL)
                for dataset in datasets()
            ],
        }
    response = JsonResponse(catalogue, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def robots_txt(request):
    """Everything public may be crawled, but the admin and the account pages (in each language)."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code, _name in settings.LANGUAGES:
        prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
        lines.append(f"Disallow: {prefix}/accounts/")
    lines += ["Allow: /", "", f"Sitemap: {absolute(reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

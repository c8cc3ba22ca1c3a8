from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """The open data catalogue (page and DCAT-US data.json), the sitemap and robots.txt."""

    name = "toolkit.opendata"
    label = "opendata"
    verbose_name = _("Open data")

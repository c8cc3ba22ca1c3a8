from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public read-only API (/api/v1/) and its documentation: no models of its own."""

    name = "toolkit.api"
    label = "api"
    verbose_name = _("Public API")

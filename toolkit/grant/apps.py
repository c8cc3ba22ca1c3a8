from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantConfig(AppConfig):
    """The grant's figures: the three success measures, the dashboard and its exports."""

    name = "toolkit.grant"
    label = "grant"
    verbose_name = _("Grant figures")

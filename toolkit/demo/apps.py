from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo for `make run` and the benchmark: people, round tables, an adaptation."""

    name = "toolkit.demo"
    label = "demo"
    verbose_name = _("Demo")

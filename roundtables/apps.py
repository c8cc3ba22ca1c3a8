from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundTablesConfig(AppConfig):
    name = "roundtables"
    verbose_name = _("Round tables")

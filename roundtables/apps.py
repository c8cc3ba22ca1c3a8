from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundTablesConfig(AppConfig):
    name = "roundtables"
    verbose_name = _("Round tables")

    def ready(self):
        from cities import participation
        from roundtables.models import attendance_condition

        # A city that sent someone to a held round table (registered or walk-in).
        participation.register(
            participation.Level(
                key="attended-round-table",
                label=_("Attended a round table"),
                order=30,
                condition=attendance_condition,
            )
        )

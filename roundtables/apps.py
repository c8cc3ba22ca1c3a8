from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoundTablesConfig(AppConfig):
    name = "roundtables"
    verbose_name = _("Round tables")

    def ready(self):
        from cities import hooks, participation, sections
        from roundtables.city_page import city_section
        from roundtables.models import attendance_condition
        from roundtables.services import registrations_cancel_for_ended_membership

        # A city that sent someone to a held round table (registered or walk-in).
        participation.register(
            participation.Level(
                key="attended-round-table",
                label=_("Attended a round table"),
                definition=_(
                    "Someone from the city is recorded at a round table that was held: a "
                    "registrant marked as attending, or a walk-in."
                ),
                order=30,
                condition=attendance_condition,
                during_period=True,
            )
        )
        # Its round tables on a city's page.
        sections.register(
            sections.Section(
                key="round-tables",
                title=_("Round tables"),
                template_name="roundtables/includes/_city_round_tables.html",
                context=city_section,
                order=30,
            )
        )
        # Seats are for a city's members: when a membership ends, its future seats go.
        hooks.on_membership_ended(registrations_cancel_for_ended_membership)

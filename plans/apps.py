from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from plans.revisions import keep_relations

        # Every stored revision of an entry keeps its tags, values, sources and
        # related entries, however the entry was saved (site, admin or shell).
        pre_create_historical_record.connect(
            keep_relations, sender=self.get_model("Entry").history.model
        )
        post_migrate.connect(_repair_search_index, sender=self)
        _register_adaptations()


def _register_adaptations():
    """Tell the cities app about adaptations: a participation level and a city-page section."""
    from cities import participation, sections
    from plans.adaptations import city_section
    from plans.models import published_condition

    participation.register(
        participation.Level(
            key="published",
            label=_("Published an adaptation"),
            definition=_("The city published its adaptation of the model plan."),
            order=40,
            condition=published_condition,
        )
    )
    sections.register(
        sections.Section(
            key="adaptation",
            title=_("Adaptation of the model plan"),
            template_name="plans/includes/_adaptation_city.html",
            context=city_section,
            order=20,
        )
    )


def _repair_search_index(using, **kwargs):
    from django.db import connections

    from plans.search import search_index_ensure

    search_index_ensure(connections[using])

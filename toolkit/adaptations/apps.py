from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptationsConfig(AppConfig):
    """City adaptations of the model plan (no models of its own: they are the plans app's)."""

    name = "toolkit.adaptations"
    label = "adaptations"
    verbose_name = _("City adaptations")

    def ready(self):
        from cities import participation, sections
        from plans.models import plan_changed, published_condition
        from toolkit.adaptations.reads import city_section
        from toolkit.adaptations.tasks import adaptation_packages_queue

        plan_changed.connect(adaptation_packages_queue, dispatch_uid="adaptation-packages")

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
                template_name="adaptations/includes/_city_section.html",
                context=city_section,
                order=20,
            )
        )

from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.translation import gettext_lazy as _


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = _("Toolkit and grant measures")

    def ready(self):
        from cities import participation
        from toolkit import checks  # noqa: F401 - registers the deploy check
        from toolkit.models import downloaded_condition

        participation.register(
            participation.Level(
                key="downloaded",
                label=_("Downloaded the toolkit"),
                definition=_("A signed-in member of the city downloaded the toolkit."),
                order=20,
                condition=downloaded_condition,
                during_period=True,
            )
        )


class ProjectStaticFilesConfig(StaticFilesConfig):
    """Collect USWDS without its thousands of unused Material icons."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "material-icons",
        "material-icons-deprecated",
        "uswds-icons",
    ]

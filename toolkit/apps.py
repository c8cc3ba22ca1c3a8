from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.translation import gettext_lazy as _


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = _("Toolkit and grant measures")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from cities import participation
        from toolkit import checks  # noqa: F401 - registers the deploy check
        from toolkit.models import DownloadEvent

        participation.register(
            participation.Level(
                key="downloaded",
                label=_("Downloaded the toolkit"),
                order=20,
                condition=lambda: Exists(
                    DownloadEvent.objects.of_toolkit().human().filter(city=OuterRef("pk"))
                ),
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

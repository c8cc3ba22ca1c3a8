from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.translation import gettext_lazy as _


class ToolkitConfig(AppConfig):
    name = "toolkit"
    verbose_name = _("Toolkit and grant measures")

    def ready(self):
        from toolkit import checks  # noqa: F401 - registers the deploy check


class ProjectStaticFilesConfig(StaticFilesConfig):
    """Collect USWDS without its thousands of unused Material icons."""

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "material-icons",
        "material-icons-deprecated",
        "uswds-icons",
    ]

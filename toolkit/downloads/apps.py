from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DownloadsConfig(AppConfig):
    """The toolkit's downloads: packages built per revision, served, and counted privately."""

    name = "toolkit.downloads"
    label = "downloads"
    verbose_name = _("Downloads")

    def ready(self):
        from cities import participation
        from plans.models import plan_changed
        from toolkit.downloads.tasks import toolkit_packages_queue
        from toolkit.models import downloaded_condition

        plan_changed.connect(toolkit_packages_queue, dispatch_uid="toolkit-packages")

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

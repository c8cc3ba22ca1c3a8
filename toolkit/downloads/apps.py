from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DownloadsConfig(AppConfig):
    """The toolkit's downloads: packages built per revision, served, and counted privately."""

    name = "toolkit.downloads"
    label = "downloads"
    verbose_name = _("Downloads")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from cities import participation
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

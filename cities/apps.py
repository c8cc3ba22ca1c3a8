from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Cities")

    def ready(self):
        from django.db.backends.signals import connection_created

        from cities.common.cache import track_writes

        # Any write to the project's tables starts a new cache generation (cities.common.cache).
        connection_created.connect(track_writes, dispatch_uid="cities-track-writes")

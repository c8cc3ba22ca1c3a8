from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The apps whose rows pages and figures are drawn from: a change to any of them starts a new
# cache generation (cities.common.cache).
CONTENT_APPS = {"cities", "plans", "roundtables", "toolkit", "taggit"}


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Cities")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_content_changed, dispatch_uid=f"cities-generation-{signal!r}")


def _content_changed(sender, **kwargs):
    """Any saved or deleted row of the project starts a new generation of what it feeds."""
    from cities.common import cache

    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in CONTENT_APPS:
        return
    cache.changed(getattr(sender, "cache_generation", cache.CONTENT))

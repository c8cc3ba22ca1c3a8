from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

_LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}


def _secret_key() -> str:
    try:
        return settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return ""


def require_secret_key() -> None:
    """Stop a server from starting without a secret key, saying how to make one."""
    if not _secret_key():
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING)


@register(Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs):
    if _secret_key():
        return []
    return [Error(settings.SECRET_KEY_MISSING, id="toolkit.E001")]


def production_service_errors() -> list[Error]:
    """What production lacks among its shared services: PostgreSQL, Redis and its address."""
    errors = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        errors.append(
            Error(
                "Production runs on PostgreSQL, not the SQLite file of the demo.",
                hint="Set DATABASE_URL=postgres://user:password@host:5432/name.",
                id="toolkit.E002",
            )
        )
    if "locmem" in settings.CACHES["default"]["BACKEND"].lower():
        errors.append(
            Error(
                "Production needs Redis: without it every process keeps its own cache and "
                "rate limits, and the task queue is a file on one machine.",
                hint="Set REDIS_URL=redis://host:6379/0.",
                id="toolkit.E003",
            )
        )
    if urlsplit(settings.SITE_URL).hostname in _LOOPBACK | {None}:
        errors.append(
            Error(
                f"The site's public address is {settings.SITE_URL}: links in emails and "
                "downloads would point there.",
                hint="Set DJANGO_SITE_URL=https://your.host.name (or put the host name first "
                "in DJANGO_ALLOWED_HOSTS).",
                id="toolkit.E004",
            )
        )
    return errors


@register(Tags.database, Tags.caches, deploy=True)
def production_services_check(app_configs, **kwargs):
    # `check --deploy` (which `make serve` runs before starting) fails without them.
    return production_service_errors()

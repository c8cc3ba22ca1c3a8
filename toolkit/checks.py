from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


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

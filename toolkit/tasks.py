"""The project's own scheduled work, run by the worker's scheduler (`manage.py run_huey`)."""

from importlib import import_module

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, periodic_task

from toolkit.health import heartbeat_record


@periodic_task(crontab())
def worker_heartbeat() -> None:
    """Every minute: tell /readyz that the worker is alive."""
    heartbeat_record()


@db_periodic_task(crontab(minute="17", hour="3"))
def expired_sessions_clear() -> None:
    """Every night: delete the sessions that have expired (signed-out people leave them)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()

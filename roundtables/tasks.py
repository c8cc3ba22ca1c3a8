"""The round tables' scheduled work, run by the worker's scheduler (`manage.py run_huey`)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from roundtables.services import reminders_send

REMINDER_DAYS = 3


@db_periodic_task(crontab(minute="0"))
def round_table_reminders() -> int:
    """Every hour: remind people of round tables within REMINDER_DAYS (never one twice)."""
    return reminders_send(days_before=REMINDER_DAYS).sent

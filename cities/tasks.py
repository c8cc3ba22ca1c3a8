"""The cities app's tasks, found by the worker (`manage.py run_huey` imports every app's tasks)."""

from cities.common.mail import email_send

__all__ = ["email_send"]

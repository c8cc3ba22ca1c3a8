"""Mail through the task queue: a slow or absent mail server never fails a request or loses mail.

`QueuedEmailBackend` is the site's EMAIL_BACKEND: it puts each message (attachments, calendar
invitations included) on the queue, and the worker's `email_send` task delivers it through the
backend named by QUEUED_EMAIL_BACKEND (SMTP in production). When that backend fails (the server
is down, or answers "try again later"), huey runs the task again after QUEUED_EMAIL_RETRY_DELAY
seconds, up to QUEUED_EMAIL_RETRIES times.

It lives in the lowest layer because every app sends mail; the worker finds the task through
cities/tasks.py.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from huey.contrib.djhuey import task

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The real backend accepted nothing; the task is tried again later."""


@task(retries=settings.QUEUED_EMAIL_RETRIES, retry_delay=settings.QUEUED_EMAIL_RETRY_DELAY)
def email_send(message: EmailMessage) -> None:
    """Deliver one queued message through the real backend (raises, and so retries, on failure)."""
    connection = get_connection(settings.QUEUED_EMAIL_BACKEND, fail_silently=False)
    try:
        sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _text in error.recipients.values()):
            # Refused for good (no such mailbox): trying again would only be refused again.
            logger.error("Mail %r refused for good: %s", message.subject, error.recipients)
            return
        raise
    if sent != 1:
        raise MailNotSent(f"{message.subject!r} to {message.to} was not accepted")


class QueuedEmailBackend(BaseEmailBackend):
    """An email backend that queues each message for the worker instead of sending it now."""

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            # The message travels through the queue pickled; its connection cannot, and the
            # worker opens its own.
            message.connection = None
            try:
                email_send(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                queued += 1
        return queued

"""Mail goes through the task queue: an SMTP outage delays it, and the retry delivers it."""

import socket

from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.mail import EmailMessage

from tests.queue import later, worker_run


class Inbox:
    """An aiosmtpd handler that keeps what the server received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_queued_email_survives_an_smtp_outage_and_is_sent_on_the_retry(queue, settings):
    port = free_port()
    settings.QUEUED_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 10
    message = EmailMessage("Your seat is confirmed", "See you there.", to=["ana@example.org"])
    message.attach("round-table.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert message.send() == 1  # queued: the page that sent it does not wait for the server

    # The mail server is down when the worker first tries: the message waits for a retry.
    assert worker_run() == 1
    assert len(queue.scheduled()) == 1

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        worker_run(later(django_settings.QUEUED_EMAIL_RETRY_DELAY))
    finally:
        server.stop()

    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["ana@example.org"]
    received = envelope.content.decode()
    assert "Subject: Your seat is confirmed" in received
    assert 'filename="round-table.ics"' in received
    assert queue.scheduled() == [] and queue.pending_count() == 0

"""A mail backend for tests whose 'server' refuses some mailboxes.

Django's SMTP backend passes on smtplib's SMTPRecipientsRefused when the server answers
RCPT TO with a 5xx for every recipient (a mailbox that does not exist, a full one). This
backend does the same for addresses on bounce.example and delivers the rest to Django's
locmem outbox, so a test sees both what failed and what still went out.
"""

import smtplib

from django.core.mail.backends import locmem

REFUSED_DOMAIN = "@bounce.example"


class RefusingBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        sent = 0
        for message in messages:
            refused = {
                address: (550, b"5.1.1 The email account that you tried to reach does not exist")
                for address in message.recipients()
                if address.endswith(REFUSED_DOMAIN)
            }
            if refused:
                if not self.fail_silently:
                    raise smtplib.SMTPRecipientsRefused(refused)
                continue
            sent += super().send_messages([message])
        return sent

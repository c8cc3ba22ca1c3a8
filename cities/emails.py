"""Plain-text emails about memberships, written from templates in the recipient's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send(*, template: str, to: str, context: dict, language: str = "") -> None:
    """Render cities/email/<template>_subject.txt and _message.txt and send them to one person."""
    languages = {code for code, _name in settings.LANGUAGES}
    with translation.override(language if language in languages else settings.LANGUAGE_CODE):
        subject = render_to_string(f"cities/email/{template}_subject.txt", context)
        body = render_to_string(f"cities/email/{template}_message.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    send_mail(prefix + " ".join(subject.split()), body.strip() + "\n", None, [to])

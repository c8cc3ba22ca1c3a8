"""The round tables' emails, sent through Django's mail backends.

Services call these from `transaction.on_commit`, so nobody is told about a seat that a
rolled-back transaction never gave, and no mail server is waited on while a lock is held.
Each email (subject, body and calendar file) is written in the language the person signed
up in, whoever or whatever (a request in another language, the reminder command) sends it.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

from cities.common.site import absolute, site_url
from roundtables.calendars import calendar_bytes
from roundtables.models import Registration, RoundTable

SUBJECT_PREFIX = "[Smart City Collaborative] "


def _message(template: str, context: dict, to: list[str]) -> EmailMessage:
    context = {"site_url": site_url(), **context}
    subject = render_to_string(f"roundtables/email/{template}_subject.txt", context)
    body = render_to_string(f"roundtables/email/{template}_body.txt", context)
    return EmailMessage(SUBJECT_PREFIX + " ".join(subject.split()), body, to=to)


def _attach_calendar(message: EmailMessage, round_table: RoundTable) -> None:
    content = calendar_bytes([round_table], name=round_table.title, with_online_link=True)
    message.attach(f"{slugify(round_table.title) or 'round-table'}.ics", content, "text/calendar")


def language_of(registration: Registration) -> str:
    """The language to write to this registrant in (the site's default when unknown)."""
    languages = {code for code, _name in settings.LANGUAGES}
    return registration.language if registration.language in languages else settings.LANGUAGE_CODE


def _registration_mail(
    template: str, registration: Registration, *, calendar: bool = False, **extra
) -> EmailMessage:
    round_table = registration.round_table
    context = {
        "registration": registration,
        "round_table": round_table,
        "person": registration.user,
        "page_url": absolute(round_table.get_absolute_url()),
        **extra,
    }
    with translation.override(language_of(registration)):
        message = _message(template, context, [registration.user.email])
        if calendar:
            _attach_calendar(message, round_table)
    return message


def send_registration_confirmed(registration: Registration) -> None:
    _registration_mail("registration_confirmed", registration, calendar=True).send()


def send_registration_waitlisted(registration: Registration, *, position: int) -> None:
    _registration_mail("registration_waitlisted", registration, position=position).send()


def send_registration_promoted(registrations: list[Registration]) -> None:
    messages = [
        _registration_mail("registration_promoted", registration, calendar=True)
        for registration in registrations
    ]
    if messages:
        get_connection().send_messages(messages)


def send_registration_cancelled(
    registration: Registration, *, membership_ended: bool = False
) -> None:
    _registration_mail(
        "registration_cancelled", registration, membership_ended=membership_ended
    ).send()


def send_round_table_cancelled(round_table: RoundTable, registrations: list[Registration]) -> None:
    messages = []
    for registration in registrations:
        registration.round_table = round_table
        # The cancelled event replaces the one already in the person's calendar.
        messages.append(
            _registration_mail(
                "round_table_cancelled", registration, calendar=registration.is_confirmed
            )
        )
    if messages:
        get_connection().send_messages(messages)


def send_reminder(registration: Registration) -> None:
    _registration_mail("reminder", registration, calendar=True).send()

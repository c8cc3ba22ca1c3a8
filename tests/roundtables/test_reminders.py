import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from roundtables.models import Registration, RoundTable
from tests.factories import make_registration, make_round_table

pytestmark = pytest.mark.django_db


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_the_reminder_goes_once_to_confirmed_people_of_round_tables_starting_soon(
    mailoutbox, capsys
):
    soon = make_round_table(title="Soon", starts_at=in_days(2))
    seated = make_registration(round_table=soon)
    make_registration(round_table=soon, status=Registration.Status.WAITLISTED)
    make_registration(round_table=soon, status=Registration.Status.CANCELLED)
    later = make_round_table(title="Later", starts_at=in_days(10))
    make_registration(round_table=later)
    cancelled = make_round_table(
        title="Off", starts_at=in_days(1), status=RoundTable.Status.CANCELLED
    )
    make_registration(round_table=cancelled)

    call_command("send_round_table_reminders")
    call_command("send_round_table_reminders")  # the scheduler runs it again: nothing new

    assert len(mailoutbox) == 1
    (reminder,) = mailoutbox
    assert reminder.to == [seated.user.email]
    assert reminder.subject.endswith("Reminder: Soon")
    assert reminder.attachments[0][0].endswith(".ics")
    assert Registration.objects.get(pk=seated.pk).reminder_sent_at is not None
    assert capsys.readouterr().out.splitlines() == ["Reminders sent: 1", "Reminders sent: 0"]


def test_someone_promoted_after_the_reminders_went_out_gets_theirs_on_the_next_run(mailoutbox):
    soon = make_round_table(starts_at=in_days(1))
    make_registration(round_table=soon)
    call_command("send_round_table_reminders", verbosity=0)
    late = make_registration(round_table=soon)

    call_command("send_round_table_reminders", verbosity=0)

    assert [m.to for m in mailoutbox][-1] == [late.user.email]
    assert len(mailoutbox) == 2


def test_a_reminder_that_fails_to_send_is_tried_again_next_time(settings, mailoutbox):
    soon = make_round_table(starts_at=in_days(1))
    registration = make_registration(round_table=soon)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    with pytest.raises(OSError):
        call_command("send_round_table_reminders", verbosity=0)
    assert Registration.objects.get(pk=registration.pk).reminder_sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_round_table_reminders", verbosity=0)
    assert Registration.objects.get(pk=registration.pk).reminder_sent_at is not None


def test_the_number_of_days_ahead_can_be_chosen():
    make_registration(round_table=make_round_table(starts_at=in_days(6)))
    call_command("send_round_table_reminders", "--days", "7", verbosity=0)
    assert Registration.objects.filter(reminder_sent_at__isnull=False).count() == 1

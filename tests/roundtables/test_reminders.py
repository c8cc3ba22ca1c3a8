import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cities.models import Membership
from roundtables.models import Registration, RoundTable
from tests.factories import (
    make_city,
    make_membership,
    make_registration,
    make_round_table,
    make_user,
)

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


def test_a_reminder_that_fails_to_send_is_tried_again_next_time(settings, mailoutbox, caplog):
    soon = make_round_table(starts_at=in_days(1))
    registration = make_registration(round_table=soon)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    # The mail server is down: the run says so with an error status, and logs why.
    with pytest.raises(CommandError, match="Reminders not sent: 1"):
        call_command("send_round_table_reminders", verbosity=0)
    assert Registration.objects.get(pk=registration.pk).reminder_sent_at is None
    assert "could not be sent" in caplog.text and "ConnectionRefusedError" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_round_table_reminders", verbosity=0)
    assert Registration.objects.get(pk=registration.pk).reminder_sent_at is not None


def test_an_address_the_mail_server_refuses_does_not_hold_back_the_others(
    settings, mailoutbox, capsys
):
    settings.EMAIL_BACKEND = "tests.roundtables.mail.RefusingBackend"
    soon = make_round_table(title="Soon", starts_at=in_days(1))
    # First in line, so the run meets the refused address before the good one.
    bounced = make_registration(
        round_table=soon, user=make_user(email="gone@bounce.example"), city=make_city()
    )
    Membership.objects.create(user=bounced.user, city=bounced.city, status="approved")
    reached = make_registration(round_table=soon)

    with pytest.raises(CommandError, match="Reminders not sent: 1"):
        call_command("send_round_table_reminders")

    assert [m.to for m in mailoutbox] == [[reached.user.email]]
    assert capsys.readouterr().out.splitlines() == ["Reminders sent: 1"]
    assert Registration.objects.get(pk=reached.pk).reminder_sent_at is not None
    # Left for the next run, which tries it again (and only it).
    assert Registration.objects.get(pk=bounced.pk).reminder_sent_at is None
    with pytest.raises(CommandError, match="Reminders not sent: 1"):
        call_command("send_round_table_reminders")
    assert len(mailoutbox) == 1


def test_reminders_skip_someone_who_is_no_longer_a_member_of_their_city(mailoutbox):
    soon = make_round_table(starts_at=in_days(1))
    former = make_registration(round_table=soon)
    kept = make_registration(round_table=soon)
    # Ended outside the site's pages (the admin, say), so nothing cancelled the seat.
    Membership.objects.filter(user=former.user).update(status="removed")

    call_command("send_round_table_reminders", verbosity=0)

    assert [m.to for m in mailoutbox] == [[kept.user.email]]
    assert Registration.objects.get(pk=former.pk).reminder_sent_at is None


def test_a_reminder_is_written_in_the_language_the_person_signed_up_in(client, mailoutbox):
    soon = make_round_table(title="Datos & privacidad", starts_at=in_days(2))
    membership = make_membership()
    client.force_login(membership.user)
    client.post(
        f"/es/round-tables/{soon.slug}/sign-up/",
        {"city": membership.city.pk},
    )
    english = make_registration(round_table=soon)
    mailoutbox.clear()

    # The command runs with no request, in the site's default language.
    call_command("send_round_table_reminders", verbosity=0)

    by_person = {m.to[0]: m for m in mailoutbox}
    spanish = by_person[membership.user.email]
    assert spanish.subject.endswith("Recordatorio: Datos & privacidad")
    assert "Le recordamos que tiene un lugar" in spanish.body
    assert by_person[english.user.email].subject.endswith("Reminder: Datos & privacidad")


def test_the_number_of_days_ahead_can_be_chosen():
    make_registration(round_table=make_round_table(starts_at=in_days(6)))
    call_command("send_round_table_reminders", "--days", "7", verbosity=0)
    assert Registration.objects.filter(reminder_sent_at__isnull=False).count() == 1

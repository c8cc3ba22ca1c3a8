"""The reminders run every hour from the worker's scheduler, and never twice for a seat."""

import datetime

import pytest
from huey.contrib.djhuey import HUEY

from roundtables.tasks import round_table_reminders
from tests.factories import make_registration, make_round_table
from tests.roundtables.test_reminders import in_days

pytestmark = pytest.mark.django_db


def due_at(hour: int, minute: int) -> list[str]:
    """The periodic tasks huey's scheduler queues at that time of day."""
    return [task.name for task in HUEY.read_periodic(datetime.datetime(2026, 3, 2, hour, minute))]


def test_the_reminders_task_is_queued_every_hour_on_the_hour():
    assert round_table_reminders.s().name in due_at(9, 0)
    assert round_table_reminders.s().name in due_at(10, 0)
    assert round_table_reminders.s().name not in due_at(10, 30)


def test_each_hourly_run_reminds_each_confirmed_seat_once(mailoutbox):
    registration = make_registration(round_table=make_round_table(starts_at=in_days(1)))

    for _hour in range(3):
        for task in HUEY.read_periodic(datetime.datetime(2026, 3, 2, 10, 0)):
            HUEY.execute(task)

    assert [message.to for message in mailoutbox] == [[registration.user.email]]
    assert "Reminder" in mailoutbox[0].subject or registration.round_table.title in (
        mailoutbox[0].subject + mailoutbox[0].body
    )

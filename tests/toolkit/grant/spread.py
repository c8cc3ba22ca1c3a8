"""Grant records spread across two periods, for the record pages' and closed periods' tests."""

import datetime

from django.utils import timezone

from cities.models import Membership
from roundtables.models import RoundTable, WalkIn
from tests.factories import (
    make_city,
    make_membership,
    make_registration,
    make_round_table,
    make_user,
)
from toolkit.models import DownloadEvent

FIRST = ("2025-01-01", "2025-03-31")
SECOND = ("2025-04-01", "2025-06-30")


def at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A moment in the site's time zone (America/Los_Angeles)."""
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute, second)))


def approved(city, moment, *, name="", job_title=""):
    membership = make_membership(city=city, user=make_user(name=name))
    membership.user.job_title = job_title
    membership.user.save(update_fields=["job_title"])
    Membership.objects.filter(pk=membership.pk).update(decided_at=moment)
    return membership


def download(visitor, moment, *, package="toolkit", fmt="pdf", **flags):
    return DownloadEvent.objects.create(
        package=package,
        format=fmt,
        created_at=moment,
        visitor_key=visitor,
        unique_key=f"{visitor}|{package}|{moment.astimezone(datetime.UTC):%Y%m%d%H}",
        **flags,
    )


def held(day, *, attended=0, walk_ins=0, status=RoundTable.Status.HELD, title=None):
    round_table = make_round_table(starts_at=at(day, 18), status=status, title=title)
    for _ in range(attended):
        make_registration(round_table=round_table, attended=True)
    for index in range(walk_ins):
        WalkIn.objects.create(round_table=round_table, name=f"Walk-in {index}")
    return round_table


def make_spread():
    """Cities, downloads and round tables in two periods (and around them)."""
    ana = approved(
        make_city(name="Arcadia Test"), at("2025-02-10"), name="Ana Ruiz", job_title="Analyst"
    )
    late = make_city(name="Bell Test")
    approved(late, at("2025-03-31", 23, 30), name="Ben Ode", job_title="Clerk")
    approved(late, at("2025-05-02"), name="Second Member")  # the city already counted
    approved(make_city(name="Cudahy Test"), at("2025-05-01"), name="Cy Lo", job_title="Director")
    approved(make_city(name="After Test"), at("2025-07-15"), name="Too Late")
    make_membership(city=make_city(name="Pending Test"), status=Membership.Status.PENDING)

    # The first period: one person's PDF and DOCX in one hour are one unique download.
    download("a", at("2025-02-11", 9, 5), fmt="pdf", city=ana.city)
    download("a", at("2025-02-11", 9, 20), fmt="docx", city=ana.city)
    download("a", at("2025-02-11", 9, 20, 10), fmt="docx", is_repeat=True)
    download("a", at("2025-02-11", 11), fmt="pdf")  # another hour: unique again
    download("b", at("2025-03-01"), package="toolkit/smart-mobility", fmt="csv")
    download("robot", at("2025-03-01"), is_bot=True)
    download("c", at("2025-03-02"), over_limit=True)
    download("d", at("2025-03-03"), package="adaptation/bell")  # not the toolkit
    # The second period.
    download("e", at("2025-04-01", 0, 10))
    download("e", at("2025-04-01", 0, 40), fmt="json")
    download("f", at("2025-06-30", 23, 50), fmt="zip")
    download("g", at("2025-07-01", 0, 5))  # the day after

    held("2025-02-20", attended=2, walk_ins=1, title="Winter round table")
    held("2025-03-05", title="Nobody recorded")  # held, but no attendance: not counted
    held("2025-03-10", attended=1, status=RoundTable.Status.CANCELLED, title="Called off")
    held("2025-05-20", walk_ins=3, title="Spring round table")
    held("2025-06-25", attended=1, title="Early summer round table")

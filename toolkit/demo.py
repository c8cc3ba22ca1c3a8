"""A small, believable demo: people in a few cities and a couple of round tables.

Only for `make run` and the benchmark. Every account shares one published
password, so the command refuses to run with debug off unless told otherwise.
"""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cities.models import City, Membership, Region
from roundtables.models import Registration, RoundTable
from toolkit.models import User

DEMO_PASSWORD = "demo-collaborative-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    job_title: str
    role_note: str
    city_slug: str = ""
    city_role: str = ""
    group: str = ""


PEOPLE = [
    DemoPerson(
        "coordinator@demo.example",
        "Casey Coordinator",
        "Innovation Analyst",
        "coordinator",
        group="Coordinators",
    ),
    DemoPerson(
        "program.officer@demo.example",
        "Pat Program-Officer",
        "Program Officer",
        "grant staff",
        group="Grant staff",
    ),
    DemoPerson(
        "lead@weho.demo.example",
        "Lena Lead",
        "Innovation Manager",
        "lead of West Hollywood",
        city_slug="west-hollywood",
        city_role=Membership.Role.LEAD,
    ),
    DemoPerson(
        "editor@weho.demo.example",
        "Eli Editor",
        "Management Analyst",
        "editor of West Hollywood",
        city_slug="west-hollywood",
        city_role=Membership.Role.EDITOR,
    ),
    DemoPerson(
        "staff@santamonica.demo.example",
        "Sam Staff",
        "IT Project Manager",
        "lead of Santa Monica",
        city_slug="santa-monica",
        city_role=Membership.Role.LEAD,
    ),
    DemoPerson(
        "staff@culvercity.demo.example",
        "Cam Staff",
        "Transportation Planner",
        "lead of Culver City",
        city_slug="culver-city",
        city_role=Membership.Role.LEAD,
    ),
    DemoPerson(
        "staff@bradbury.demo.example",
        "Bea Staff",
        "City Clerk",
        "lead of Bradbury (921 residents)",
        city_slug="bradbury",
        city_role=Membership.Role.LEAD,
    ),
]


def _person(spec: DemoPerson) -> User:
    user, created = User.objects.get_or_create(
        email=spec.email, defaults={"name": spec.name, "job_title": spec.job_title}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=spec.email, defaults={"primary": True, "verified": True}
    )
    if spec.group:
        user.groups.add(Group.objects.get(name=spec.group))
    if spec.city_slug:
        city = City.objects.get(slug=spec.city_slug)
        Membership.objects.get_or_create(
            user=user,
            city=city,
            status=Membership.Status.APPROVED,
            defaults={
                "role": spec.city_role,
                "job_title": spec.job_title,
                "decided_at": timezone.now(),
            },
        )
    return user


def _round_table(*, slug, title, region, starts_at, status, capacity=30) -> RoundTable:
    round_table, _ = RoundTable.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "region": region,
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "capacity": capacity,
            "status": status,
        },
    )
    return round_table


@transaction.atomic
def demo_load() -> list[DemoPerson]:
    """Create the demo people, memberships and round tables; running it again adds nothing."""
    users = {spec.email: _person(spec) for spec in PEOPLE}
    westside = Region.objects.get(slug="westside-cities")
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    past = datetime.datetime.combine(
        today - datetime.timedelta(days=45), datetime.time(10), tzinfo=tz
    )
    upcoming = datetime.datetime.combine(
        today + datetime.timedelta(days=40), datetime.time(10), tzinfo=tz
    )
    held = _round_table(
        slug="westside-round-table-demo-past",
        title="Westside round table: data and privacy",
        region=westside,
        starts_at=past,
        status=RoundTable.Status.HELD,
    )
    _round_table(
        slug="westside-round-table-demo-next",
        title="Westside round table: smart streetlights",
        region=westside,
        starts_at=upcoming,
        status=RoundTable.Status.SCHEDULED,
    )
    for email in ["lead@weho.demo.example", "staff@santamonica.demo.example"]:
        user = users[email]
        Registration.objects.get_or_create(
            round_table=held,
            user=user,
            defaults={"city": user.memberships.first().city, "attended": True},
        )
    return PEOPLE

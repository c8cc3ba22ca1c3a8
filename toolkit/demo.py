"""A small, believable demo: people in a few cities, a couple of round tables and a published
West Hollywood adaptation of the model plan.

Only for `make run` and the benchmark. Every account shares one published
password, so the command refuses to run with debug off unless told otherwise.
"""

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cities.models import City, Membership, Region
from roundtables.models import Registration, RoundTable
from toolkit.demo_adaptation import weho_adaptation_load
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


def _round_table(*, slug, title, region, starts_at, status, capacity=30, **details) -> RoundTable:
    round_table, _ = RoundTable.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "region": region,
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "capacity": capacity,
            "status": status,
            **details,
        },
    )
    return round_table


def _recount(round_table: RoundTable) -> None:
    """Keep the demo's seat counts right (its registrations are made directly)."""
    registrations = Registration.objects.filter(round_table=round_table)
    RoundTable.objects.filter(pk=round_table.pk).update(
        seats_taken=registrations.filter(status=Registration.Status.CONFIRMED).count(),
        signups_received=registrations.aggregate(last=Max("sequence"))["last"] or 0,
    )


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
        venue="West Hollywood City Hall, Council Chambers",
        address="8300 Santa Monica Blvd, West Hollywood, CA 90069",
        host_city=City.objects.get(slug="west-hollywood"),
        agenda="1. What each city collects about residents\n2. Privacy policies to share",
        minutes="Four cities compared their data inventories and agreed to share privacy "
        "policy templates before the next round table.",
    )
    upcoming_round_table = _round_table(
        slug="westside-round-table-demo-next",
        title="Westside round table: smart streetlights",
        region=westside,
        starts_at=upcoming,
        status=RoundTable.Status.SCHEDULED,
        capacity=3,
        registration_deadline=upcoming - datetime.timedelta(days=2),
        venue="Santa Monica Main Library, Multipurpose Room",
        address="601 Santa Monica Blvd, Santa Monica, CA 90401",
        online_url="https://meet.example.org/westside-streetlights",
        host_city=City.objects.get(slug="santa-monica"),
        agenda="1. Streetlight pilots so far\n2. Sensors and privacy\n3. Buying together",
    )
    registrations = [
        (held, "lead@weho.demo.example", True),
        (held, "staff@santamonica.demo.example", True),
        (upcoming_round_table, "staff@culvercity.demo.example", False),
        (upcoming_round_table, "staff@bradbury.demo.example", False),
    ]
    for round_table, email, attended in registrations:
        user = users[email]
        if not Registration.objects.filter(round_table=round_table, user=user).exists():
            Registration.objects.create(
                round_table=round_table,
                user=user,
                city=user.memberships.first().city,
                attended=attended,
                sequence=round_table.registrations.count() + 1,
            )
    for round_table in (held, upcoming_round_table):
        _recount(round_table)
    weho_adaptation_load(
        lead=users["lead@weho.demo.example"], editor=users["editor@weho.demo.example"]
    )
    return PEOPLE

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
from django.test.utils import override_settings
from django.utils import timezone

from cities import services as city_services
from cities.models import City, Membership, Region
from roundtables import services as round_table_services
from roundtables.models import Registration, RoundTable
from toolkit.demo.adaptation import weho_adaptation_load
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


def _account(spec: DemoPerson) -> User:
    """The person's account with a verified address (signing up is allauth's, not ours)."""
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
    return user


def _join(spec: DemoPerson, user: User, *, coordinator: User, leads: dict[str, User]) -> None:
    """Make the person a member of their city as the site would: claimed or approved."""
    city = City.objects.get(slug=spec.city_slug)
    if Membership.objects.approved().filter(user=user, city=city).exists():
        return
    if spec.city_role == Membership.Role.LEAD:
        city_services.city_claim(
            city=city, email=user.email, by=coordinator, job_title=spec.job_title
        )
        leads[spec.city_slug] = user
        return
    membership = city_services.membership_request(
        user=user, city=city, job_title=spec.job_title, department="City Manager's Office"
    )
    lead = leads[spec.city_slug]
    membership = city_services.membership_approve(membership=membership, by=lead)
    if membership.role != spec.city_role:
        city_services.membership_set_role(membership=membership, role=spec.city_role, by=lead)


def _round_table(*, title: str, starts_at: datetime.datetime, **details) -> RoundTable:
    found = RoundTable.objects.filter(title=title).first()
    if found is not None:
        return found
    return round_table_services.round_table_create(
        title=title, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2), **details
    )


def _sign_up(round_table: RoundTable, user: User, *, now: datetime.datetime) -> Registration:
    found = Registration.objects.filter(round_table=round_table, user=user).first()
    if found is not None:
        return found
    city = Membership.objects.approved().get(user=user).city
    return round_table_services.registration_create(
        round_table=round_table, user=user, city=city, now=now
    )


def demo_load() -> list[DemoPerson]:
    """Create the demo people, memberships and round tables through the site's own services;
    running it again adds nothing. Their emails (sent once the transaction commits) go nowhere.
    """
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        return _load()


def _load() -> list[DemoPerson]:
    users = {spec.email: _account(spec) for spec in PEOPLE}
    coordinator = users["coordinator@demo.example"]
    leads: dict[str, User] = {}
    # Leads first: they approve their colleagues.
    for spec in sorted(PEOPLE, key=lambda s: s.city_role != Membership.Role.LEAD):
        if spec.city_slug:
            _join(spec, users[spec.email], coordinator=coordinator, leads=leads)

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
        title="Westside round table: data and privacy",
        region=westside,
        starts_at=past,
        capacity=30,
        venue="West Hollywood City Hall, Council Chambers",
        address="8300 Santa Monica Blvd, West Hollywood, CA 90069",
        host_city=City.objects.get(slug="west-hollywood"),
        agenda="1. What each city collects about residents\n2. Privacy policies to share",
    )
    if held.status != RoundTable.Status.HELD:
        # Its sign-ups happened before it started; then the organizer recorded who came.
        before = past - datetime.timedelta(days=10)
        attendees = [
            _sign_up(held, users[email], now=before)
            for email in ("lead@weho.demo.example", "staff@santamonica.demo.example")
        ]
        round_table_services.attendance_record(
            round_table=held, attended=[r.pk for r in attendees], mark_held=True
        )
        round_table_services.minutes_publish(
            round_table=held,
            minutes="Four cities compared their data inventories and agreed to share privacy "
            "policy templates before the next round table.",
        )
    upcoming_round_table = _round_table(
        title="Westside round table: smart streetlights",
        region=westside,
        starts_at=upcoming,
        capacity=3,
        registration_deadline=upcoming - datetime.timedelta(days=2),
        venue="Santa Monica Main Library, Multipurpose Room",
        address="601 Santa Monica Blvd, Santa Monica, CA 90401",
        online_url="https://meet.example.org/westside-streetlights",
        host_city=City.objects.get(slug="santa-monica"),
        agenda="1. Streetlight pilots so far\n2. Sensors and privacy\n3. Buying together",
    )
    for email in ("staff@culvercity.demo.example", "staff@bradbury.demo.example"):
        _sign_up(upcoming_round_table, users[email], now=timezone.now())
    weho_adaptation_load(
        lead=users["lead@weho.demo.example"], editor=users["editor@weho.demo.example"]
    )
    return PEOPLE

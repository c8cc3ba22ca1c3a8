"""The shared vocabulary of the permission matrix (tests/test_permission_matrix.py).

Each app lists, in tests/<app>/matrix.py, every URL of its own that changes something or
shows private data, as `CASES`: what to request, and for each role what must happen. The
matrix test builds one small world per case (two cities and one person per role), plays
the request as each role inside a savepoint, and checks the outcome and, whenever the
request is refused, that no row of our apps changed.

    from tests.matrix import FORBIDDEN, OK, Case, expect

    CASES = [
        Case(
            "approve a request of city A",
            "cities:member-approve",
            method="post",
            kwargs=lambda w: {"slug": w.city_a.slug, "pk": w.pending_a.pk},
            expect=expect(FORBIDDEN, lead_a=OK, coordinator=OK),
        ),
    ]

A matrix module may also define `setup(world)` to add its own objects to the world (say
`world.adaptation_a`), called before each of its cases.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from cities.models import CityEmailDomain, Membership
from tests.factories import (
    make_city,
    make_coordinator,
    make_grant_staff,
    make_membership,
    make_region,
    make_user,
)

ROLES = (
    "anonymous",
    "signed_in",
    "staff_a",
    "editor_a",
    "lead_a",
    "lead_b",
    "coordinator",
    "grant_staff",
)

OK = "ok"  # 200, or a redirect that is not to sign-in; a POST must change something
REFUSED = "refused"  # 200 or a redirect with a message (a rule said no); nothing changed
LOGIN = "login"  # a redirect to sign-in; nothing changed
FORBIDDEN = "403"  # nothing changed
NOT_FOUND = "404"  # nothing changed
OUTCOMES = (OK, REFUSED, LOGIN, FORBIDDEN, NOT_FOUND)


def expect(default: str, **roles: str) -> dict[str, str]:
    """An outcome for every role: `default`, except anonymous (sign-in) and those named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}; the roles are {ROLES}"
    assert {default, *roles.values()} <= set(OUTCOMES), f"outcomes are {OUTCOMES}"
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], default), **roles}


def nothing(world) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    name: str
    url_name: str
    expect: dict[str, str]
    method: str = "get"
    kwargs: Callable[[Any], dict] = nothing
    data: Callable[[Any], dict] = nothing
    # Whether an OK response must change a row: by default a POST must and a GET need not.
    changes: bool | None = None
    query: dict = field(default_factory=dict)

    def __post_init__(self):
        assert set(self.expect) == set(ROLES), f"{self.name}: give an outcome for every role"
        assert self.method in ("get", "post"), f"{self.name}: method is get or post"


def build_world() -> SimpleNamespace:
    """Two cities and one person per role; other apps add their objects in `setup(world)`."""
    region = make_region(name="Matrix subregion")
    city_a = make_city(name="Matrix City A", region=region)
    city_b = make_city(name="Matrix City B", region=region)
    lead_a = make_membership(city=city_a, role=Membership.Role.LEAD)
    editor_a = make_membership(city=city_a, role=Membership.Role.EDITOR)
    staff_a = make_membership(city=city_a, role=Membership.Role.STAFF)
    lead_b = make_membership(city=city_b, role=Membership.Role.LEAD)
    pending = Membership.Status.PENDING
    world = SimpleNamespace(
        region=region,
        city_a=city_a,
        city_b=city_b,
        domain_a=CityEmailDomain.objects.create(city=city_a, domain="matrix-a.example"),
        domain_b=CityEmailDomain.objects.create(city=city_b, domain="matrix-b.example"),
        membership_lead_a=lead_a,
        membership_editor_a=editor_a,
        membership_staff_a=staff_a,
        membership_lead_b=lead_b,
        pending_a=make_membership(city=city_a, status=pending),
        pending_b=make_membership(city=city_b, status=pending),
    )
    world.users = {
        "anonymous": None,
        "signed_in": make_user(email="signed.in@example.org"),
        "staff_a": staff_a.user,
        "editor_a": editor_a.user,
        "lead_a": lead_a.user,
        "lead_b": lead_b.user,
        "coordinator": make_coordinator(email="coordinator@example.org"),
        "grant_staff": make_grant_staff(email="grant.staff@example.org"),
    }
    return world

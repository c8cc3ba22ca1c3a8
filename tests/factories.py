"""Plain factory functions: each makes one real row with sensible defaults."""

import datetime
import functools
import itertools
import time

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from cities.models import City, Membership, Region
from plans.models import CoreValue, Entry, FocusArea, Plan, Source
from roundtables.models import Registration, RoundTable
from toolkit.models import User

PASSWORD = "a-long-test-password-2026"
# Every test authenticator app holds this secret, so a test can compute its current code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_sequence = itertools.count(1)


@functools.cache
def _hashed_with(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def _hashed(password: str) -> str:
    # Hashing is deliberately slow; hash each test password once per run and set of hashers
    # (a test that switches to a fast hasher must not leave its hash to the tests after it).
    return _hashed_with(password, tuple(settings.PASSWORD_HASHERS))


def make_user(*, email=None, name="", password=PASSWORD, verified=True, groups=()) -> User:
    """A person who can sign in (their email is verified unless asked otherwise)."""
    number = next(_sequence)
    email = email or f"person{number}@example.org"
    user = User.objects.create(
        email=email, password=_hashed(password), name=name or f"Person {number}"
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    for group_name in groups:
        user.groups.add(Group.objects.get(name=group_name))
    return user


def enrol_mfa(user: User) -> User:
    """Set up an authenticator app and recovery codes for the person, as allauth's setup does."""
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user


def totp_code(*, secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """The code an authenticator app holding `secret` shows at `at` (now by default)."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def recovery_code(user: User) -> str:
    """One of the person's unused recovery codes."""
    return RecoveryCodes(user.authenticator_set.get(type="recovery_codes")).get_unused_codes()[0]


# Coordinators and grant staff must have two-step verification (toolkit/accounts/mfa.py).
def make_coordinator(*, mfa: bool = True, **kwargs) -> User:
    user = make_user(groups=["Coordinators"], **kwargs)
    return enrol_mfa(user) if mfa else user


def make_grant_staff(*, mfa: bool = True, **kwargs) -> User:
    user = make_user(groups=["Grant staff"], **kwargs)
    return enrol_mfa(user) if mfa else user


def make_region(*, name=None) -> Region:
    name = name or f"Test subregion {next(_sequence)}"
    return Region.objects.create(name=name, slug=slugify(name))


def make_city(*, name=None, region=None, population=10_000) -> City:
    name = name or f"Test City {next(_sequence)}"
    region = region or Region.objects.first() or make_region()
    city = City.objects.create(
        name=name,
        slug=slugify(name),
        primary_region=region,
        population=population,
        incorporated_on=datetime.date(1950, 1, 1),
    )
    city.regions.add(region)
    return city


def make_membership(
    *, user=None, city=None, role=Membership.Role.STAFF, status=Membership.Status.APPROVED
) -> Membership:
    return Membership.objects.create(
        user=user or make_user(),
        city=city or make_city(),
        role=role,
        status=status,
        decided_at=timezone.now() if status != Membership.Status.PENDING else None,
    )


def make_round_table(
    *,
    title=None,
    region=None,
    starts_at=None,
    capacity=40,
    status=RoundTable.Status.SCHEDULED,
    **fields,
) -> RoundTable:
    title = title or f"Round table {next(_sequence)}"
    starts_at = starts_at or timezone.now() + datetime.timedelta(days=30)
    fields.setdefault("ends_at", starts_at + datetime.timedelta(hours=2))
    return RoundTable.objects.create(
        title=title,
        slug=fields.pop("slug", None) or slugify(title),
        region=region,
        starts_at=starts_at,
        capacity=capacity,
        status=status,
        **fields,
    )


def make_registration(
    *,
    round_table=None,
    user=None,
    city=None,
    attended=False,
    status=Registration.Status.CONFIRMED,
) -> Registration:
    """A registration made directly (no capacity check); keeps the round table's counts right."""
    membership = None
    if user is None or city is None:
        membership = make_membership(user=user, city=city)
    round_table = round_table or make_round_table()
    confirmed = status == Registration.Status.CONFIRMED
    RoundTable.objects.filter(pk=round_table.pk).update(
        signups_received=F("signups_received") + 1,
        seats_taken=F("seats_taken") + (1 if confirmed else 0),
    )
    round_table.refresh_from_db(fields=["signups_received", "seats_taken"])
    return Registration.objects.create(
        round_table=round_table,
        user=user or membership.user,
        city=city or membership.city,
        attended=attended,
        status=status,
        sequence=round_table.signups_received,
    )


def make_model_plan() -> Plan:
    """The model plan (there is only one): the one loaded from the seed, or a new empty one."""
    return Plan.objects.model_plan() or Plan.objects.create(
        kind=Plan.Kind.MODEL, title="Model plan", status=Plan.Status.PUBLISHED
    )


def make_focus_area(*, plan=None, title=None, order=None) -> FocusArea:
    plan = plan or make_model_plan()
    title = title or f"Focus area {next(_sequence)}"
    order = order if order is not None else FocusArea.objects.filter(plan=plan).count() + 1
    return FocusArea.objects.create(plan=plan, title=title, slug=slugify(title), order=order)


def make_source(*, title=None) -> Source:
    title = title or f"Source {next(_sequence)}"
    return Source.objects.create(key=slugify(title), title=title, url="https://example.org/")


def make_entry(
    *,
    focus_area=None,
    title=None,
    kind=Entry.Kind.POLICY,
    summary="A short summary.",
    body="",
    values=(),
    tags=(),
    source=None,
    **fields,
) -> Entry:
    """An entry of the model plan (or of the focus area's plan), with one stored revision."""
    focus_area = focus_area or make_focus_area()
    title = title or f"Entry {next(_sequence)}"
    entry = Entry.objects.create(
        plan_id=focus_area.plan_id,
        focus_area=focus_area,
        kind=kind,
        title=title,
        slug=fields.pop("slug", slugify(title)[:80]),
        summary=summary,
        body=body,
        source=source,
        order=fields.pop("order", Entry.objects.filter(focus_area=focus_area).count() + 1),
        **fields,
    )
    if values:
        entry.core_values.set(CoreValue.objects.filter(key__in=values))
    if tags:
        entry.tags.set(list(tags))
    return entry

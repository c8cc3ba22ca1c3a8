"""Round tables' domain writes: scheduling, sign-ups with capacity and waitlist, attendance.

Every change to a round table's seats happens in one transaction holding the round table's
row lock (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite runs IMMEDIATE transactions, which
take its write lock at BEGIN). Counts are read only after the lock is held, and the database
refuses more confirmed seats than the capacity (a CHECK constraint) as a last guard.
"""

import datetime
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cities import services as city_services
from cities.common.errors import DomainError
from cities.common.slugs import unique_slug
from cities.models import City, Membership, Region
from roundtables import emails, permissions
from roundtables.models import Material, Registration, RoundTable, WalkIn
from roundtables.validators import below_confirmed_message, validate_pdf

logger = logging.getLogger(__name__)

# Path segments of the app's own pages: a round table's slug must never be one of them.
RESERVED_SLUGS = {"new", "series", "mine", "subregions", "registrations", "calendar"}
# What an organizer may change, in the order the form shows it.
EDITABLE_FIELDS = (
    "title",
    "region",
    "host_city",
    "starts_at",
    "ends_at",
    "registration_deadline",
    "venue",
    "address",
    "online_url",
    "capacity",
    "seats_per_city",
    "agenda",
)
# Changes that calendars and registrants care about: the calendar copy is replaced.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "venue", "address", "online_url", "agenda"}


def _lock(round_table: RoundTable) -> RoundTable:
    """Re-read the round table holding its row lock until the transaction ends."""
    return RoundTable.objects.select_for_update().get(pk=round_table.pk)


def _local(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}"


def _unique_slug(title: str) -> str:
    return unique_slug(
        RoundTable.objects.all(),
        title,
        max_length=RoundTable._meta.get_field("slug").max_length,
        fallback="round-table",
        reserved=RESERVED_SLUGS,
    )


# --- Scheduling --------------------------------------------------------------------------


def round_table_create(
    *,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    capacity: int,
    region: Region | None = None,
    host_city: City | None = None,
    registration_deadline: datetime.datetime | None = None,
    venue: str = "",
    address: str = "",
    online_url: str = "",
    seats_per_city: int | None = None,
    agenda: str = "",
) -> RoundTable:
    """Schedule one round table."""
    round_table = RoundTable(
        title=title,
        region=region,
        host_city=host_city,
        starts_at=starts_at,
        ends_at=ends_at,
        registration_deadline=registration_deadline,
        venue=venue,
        address=address,
        online_url=online_url,
        capacity=capacity,
        seats_per_city=seats_per_city,
        agenda=agenda,
    )
    for attempt in range(3):
        round_table.slug = _unique_slug(title)
        round_table.full_clean()
        try:
            with transaction.atomic():
                round_table.save()
            return round_table
        except IntegrityError:
            # Someone took the same slug between our check and our insert: pick again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def default_quarter_dates(year: int, quarter: int) -> tuple[datetime.datetime, ...]:
    """Start, end and deadline the series proposes: the second Thursday of the quarter's
    middle month, 10:00 to 12:00 Pacific time, sign-ups closing two days before."""
    month = 3 * (quarter - 1) + 2
    first = datetime.date(year, month, 1)
    first_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    day = first_thursday + datetime.timedelta(days=7)
    tz = timezone.get_default_timezone()
    starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=tz)
    ends_at = datetime.datetime.combine(day, datetime.time(12), tzinfo=tz)
    return starts_at, ends_at, starts_at - datetime.timedelta(days=2)


def series_title(region: Region | None, year: int, quarter: int) -> str:
    if region is None:
        return _("County-wide round table, Q%(quarter)s %(year)s") % {
            "quarter": quarter,
            "year": year,
        }
    return _("%(region)s round table, Q%(quarter)s %(year)s") % {
        "region": region.name,
        "quarter": quarter,
        "year": year,
    }


def round_table_series_create(
    *,
    year: int,
    regions: Iterable[Region | None],
    capacity: int,
    seats_per_city: int | None = None,
    now: datetime.datetime | None = None,
) -> tuple[list[RoundTable], list[str]]:
    """Schedule one round table per subregion per quarter of the year, on default dates.

    Skips a quarter whose default date has passed and a subregion that already has a round
    table (not cancelled) in that quarter; returns what it created and what it skipped.
    """
    now = now or timezone.now()
    created, skipped = [], []
    with transaction.atomic():
        for region in regions:
            for quarter in (1, 2, 3, 4):
                title = series_title(region, year, quarter)
                starts_at, ends_at, deadline = default_quarter_dates(year, quarter)
                existing = (
                    RoundTable.objects.for_region(region)
                    .in_quarter(year=year, quarter=quarter)
                    .exclude(status=RoundTable.Status.CANCELLED)
                )
                if deadline <= now:
                    skipped.append(_("%(title)s: that date has passed.") % {"title": title})
                elif existing.exists():
                    skipped.append(
                        _("%(title)s: this subregion already has one that quarter.")
                        % {"title": title}
                    )
                else:
                    created.append(
                        round_table_create(
                            title=title,
                            region=region,
                            starts_at=starts_at,
                            ends_at=ends_at,
                            registration_deadline=deadline,
                            capacity=capacity,
                            seats_per_city=seats_per_city,
                        )
                    )
    return created, skipped


def round_table_update(*, round_table: RoundTable, **changes) -> RoundTable:
    """Edit a round table; raising the capacity gives the new seats to the waitlist at once.

    Returns the saved round table, with `promoted`: the registrations given a seat.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _lock(round_table)
        if locked.status == RoundTable.Status.CANCELLED:
            raise DomainError(_("A cancelled round table can no longer be changed."))
        changed = {name for name, value in changes.items() if getattr(locked, name) != value}
        for name, value in changes.items():
            setattr(locked, name, value)
        if locked.capacity < locked.seats_taken:
            raise DomainError(
                {"capacity": below_confirmed_message(locked.seats_taken)}, code="below_confirmed"
            )
        if changed & CALENDAR_FIELDS:
            locked.calendar_sequence += 1
        locked.full_clean(exclude=["slug"])
        locked.save()
        locked.promoted = _promote_waitlisted(locked)
    return locked


def round_table_cancel(
    *, round_table: RoundTable, note: str = "", now: datetime.datetime | None = None
) -> int:
    """Cancel a round table and email everyone registered (confirmed or waitlisted)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(round_table)
        if locked.status == RoundTable.Status.CANCELLED:
            raise DomainError(_("This round table is already cancelled."))
        if locked.status == RoundTable.Status.HELD or locked.has_ended(now):
            raise DomainError(_("This round table has already taken place."))
        locked.status = RoundTable.Status.CANCELLED
        locked.cancellation_note = note
        locked.calendar_sequence += 1
        locked.full_clean(exclude=["slug"])
        locked.save()
        registrants = list(
            Registration.objects.active().filter(round_table=locked).select_related("user", "city")
        )
        transaction.on_commit(
            partial(emails.send_round_table_cancelled, locked, registrants), robust=True
        )
    return len(registrants)


# --- Sign-ups ----------------------------------------------------------------------------


def _check_open_for_signup(round_table: RoundTable, now: datetime.datetime) -> None:
    if round_table.status == RoundTable.Status.CANCELLED:
        raise DomainError(_("This round table is cancelled."), code="cancelled")
    if round_table.status == RoundTable.Status.HELD or round_table.has_started(now):
        raise DomainError(_("This round table has already taken place."), code="past")
    if now >= round_table.signups_close_at:
        raise DomainError(
            _("Sign-ups closed on %(deadline)s.")
            % {"deadline": _local(round_table.signups_close_at)},
            code="deadline",
        )


def _waitlist_position(registration: Registration) -> int:
    return Registration.objects.filter(
        round_table_id=registration.round_table_id,
        status=Registration.Status.WAITLISTED,
        sequence__lte=registration.sequence,
    ).count()


def _not_member(city: City) -> DomainError:
    return DomainError(
        {"city": _("Only approved staff of %(city)s can sign up on its behalf.") % {"city": city}},
        code="not_member",
    )


def registration_create(
    *,
    round_table: RoundTable,
    user,
    city: City | None,
    language: str = "",
    now: datetime.datetime | None = None,
) -> Registration:
    """Sign a city's staff member up: a confirmed seat if one is free (for the whole round
    table and, when limited, for their city), otherwise the next place on the waitlist."""
    now = now or timezone.now()
    if city is None:
        raise DomainError({"city": _("Choose the city you are signing up for.")}, code="no_city")
    if not permissions.can_sign_up_for(user, city, fresh=True):
        raise _not_member(city)
    with transaction.atomic():
        # Held before the round table's lock, the order a removal takes them in: a removal
        # of this person waits for this sign-up and then cancels it, or this sign-up waits
        # for the removal and is refused.
        if not city_services.membership_hold(user=user, city=city):
            raise _not_member(city)
        locked = _lock(round_table)
        _check_open_for_signup(locked, now)
        registration = Registration.objects.filter(round_table=locked, user=user).first()
        if registration is not None and not registration.is_cancelled:
            raise DomainError(
                _("You are already signed up for this round table."), code="duplicate"
            )
        city_has_room = locked.seats_per_city is None or (
            Registration.objects.confirmed().filter(round_table=locked, city=city).count()
            < locked.seats_per_city
        )
        confirmed = locked.seats_taken < locked.capacity and city_has_room
        RoundTable.objects.filter(pk=locked.pk).update(
            signups_received=F("signups_received") + 1,
            seats_taken=F("seats_taken") + (1 if confirmed else 0),
        )
        if registration is None:
            registration = Registration(round_table=locked, user=user)
        registration.round_table = locked
        registration.city = city
        registration.status = (
            Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED
        )
        registration.sequence = locked.signups_received + 1
        registration.attended = False
        registration.promoted_at = registration.cancelled_at = None
        registration.reminder_sent_at = None
        # Signing up again after cancelling is a new arrival.
        registration.signed_up_at = now
        registration.language = language
        # The lock and the database's constraints guard these already; skip their queries
        # so the lock is held for as short a time as possible.
        registration.full_clean(exclude=["round_table", "user", "city"], validate_constraints=False)
        registration.save()
        if confirmed:
            registration.waitlist_position = 0
            transaction.on_commit(
                partial(emails.send_registration_confirmed, registration), robust=True
            )
        else:
            registration.waitlist_position = _waitlist_position(registration)
            transaction.on_commit(
                partial(
                    emails.send_registration_waitlisted,
                    registration,
                    position=registration.waitlist_position,
                ),
                robust=True,
            )
    return registration


def _promote_waitlisted(locked: RoundTable, now: datetime.datetime | None = None) -> list:
    """Give free seats to the waitlist in arrival order (skipping people whose city has used
    its seats). The caller holds the round table's lock."""
    now = now or timezone.now()
    free = locked.capacity - locked.seats_taken
    if free <= 0 or locked.status != RoundTable.Status.SCHEDULED or locked.has_started(now):
        return []
    # Someone who is no longer a member of the city they waited for gets no seat for it.
    waitlist = (
        Registration.objects.waitlisted()
        .of_members()
        .filter(round_table=locked)
        .select_related("user", "city")
    )
    city_seats = Counter()
    if locked.seats_per_city is not None:
        city_seats.update(
            dict(
                Registration.objects.confirmed()
                .filter(round_table=locked)
                .order_by()
                .values_list("city")
                .annotate(n=Count("pk"))
                .values_list("city", "n")
            )
        )
    else:
        waitlist = waitlist[:free]
    promoted = []
    for registration in waitlist.iterator(chunk_size=200):
        if len(promoted) == free:
            break
        if locked.seats_per_city is not None and city_seats[registration.city_id] >= (
            locked.seats_per_city
        ):
            continue
        promoted.append(registration)
        city_seats[registration.city_id] += 1
    if promoted:
        Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
            status=Registration.Status.CONFIRMED, promoted_at=now, updated_at=now
        )
        RoundTable.objects.filter(pk=locked.pk).update(seats_taken=F("seats_taken") + len(promoted))
        locked.seats_taken += len(promoted)
        for registration in promoted:
            registration.status = Registration.Status.CONFIRMED
            registration.promoted_at = now
            registration.round_table = locked
        transaction.on_commit(partial(emails.send_registration_promoted, promoted), robust=True)
    return promoted


def _cancel(
    locked: RoundTable,
    registration: Registration,
    now: datetime.datetime,
    *,
    membership_ended: bool = False,
) -> list[Registration]:
    """Cancel one active registration of a locked round table and give its seat on.

    Returns the registrations promoted from the waitlist; everyone concerned is emailed
    once the transaction commits.
    """
    was_confirmed = registration.is_confirmed
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.full_clean(exclude=["round_table", "user", "city"], validate_constraints=False)
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    promoted = []
    if was_confirmed:
        RoundTable.objects.filter(pk=locked.pk).update(seats_taken=F("seats_taken") - 1)
        locked.seats_taken -= 1
        promoted = _promote_waitlisted(locked, now)
    registration.round_table = locked
    transaction.on_commit(
        partial(
            emails.send_registration_cancelled, registration, membership_ended=membership_ended
        ),
        robust=True,
    )
    return promoted


def registration_cancel(
    *, registration: Registration, now: datetime.datetime | None = None
) -> list[Registration]:
    """Cancel a registration; a confirmed seat goes at once to the first on the waitlist.

    Returns the registrations promoted from the waitlist (each is emailed).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(registration.round_table)
        current = Registration.objects.select_related("user", "city").get(pk=registration.pk)
        if current.is_cancelled:
            raise DomainError(_("This registration is already cancelled."), code="cancelled")
        if not locked.accepts_cancellations(now):
            raise DomainError(
                _("The round table has started or is over; its registrations stay as they are."),
                code="past",
            )
        promoted = _cancel(locked, current, now)
    registration.status = current.status
    registration.cancelled_at = current.cancelled_at
    return promoted


def registrations_cancel_for_ended_membership(
    *, membership: Membership, now: datetime.datetime | None = None
) -> list[Registration]:
    """Cancel a former member's seats and waitlist places for that city at round tables that
    have not started; each freed seat goes to the waitlist as on any cancellation.

    Called by the cities app, inside its transaction, when the membership ends. Returns the
    registrations cancelled.
    """
    now = now or timezone.now()
    future = Registration.objects.active().filter(
        user_id=membership.user_id,
        city_id=membership.city_id,
        round_table__status=RoundTable.Status.SCHEDULED,
        round_table__starts_at__gt=now,
    )
    cancelled = []
    with transaction.atomic():
        # Round tables locked in one order, so two removals at once cannot deadlock.
        for round_table_id in sorted(set(future.values_list("round_table_id", flat=True))):
            locked = RoundTable.objects.select_for_update().get(pk=round_table_id)
            if not locked.accepts_cancellations(now):
                continue
            for registration in future.filter(round_table=locked).select_related("user", "city"):
                _cancel(locked, registration, now, membership_ended=True)
                cancelled.append(registration)
    return cancelled


# --- After the event ---------------------------------------------------------------------


def _check_can_record(round_table: RoundTable, now: datetime.datetime) -> None:
    if round_table.status == RoundTable.Status.CANCELLED:
        raise DomainError(_("This round table was cancelled."), code="cancelled")
    if not round_table.has_started(now):
        raise DomainError(
            _("Attendance and minutes can be recorded once the round table has started."),
            code="not_started",
        )


def attendance_record(
    *,
    round_table: RoundTable,
    attended: Iterable[int],
    mark_held: bool = False,
    now: datetime.datetime | None = None,
) -> int:
    """Record who of the registrants attended (the rest did not); optionally mark it held.

    Returns the number of registrants recorded as attending.
    """
    now = now or timezone.now()
    attended = set(attended)
    with transaction.atomic():
        locked = _lock(round_table)
        _check_can_record(locked, now)
        active = Registration.objects.active().filter(round_table=locked)
        count = active.filter(pk__in=attended).update(attended=True, updated_at=now)
        active.exclude(pk__in=attended).filter(attended=True).update(attended=False, updated_at=now)
        if mark_held and locked.status != RoundTable.Status.HELD:
            locked.status = RoundTable.Status.HELD
            locked.save(update_fields=["status", "updated_at"])
    return count


def round_table_mark_held(
    *, round_table: RoundTable, now: datetime.datetime | None = None
) -> RoundTable:
    """Mark a round table as held (it counts for the grant once an attendee is recorded)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(round_table)
        _check_can_record(locked, now)
        locked.status = RoundTable.Status.HELD
        locked.save(update_fields=["status", "updated_at"])
    return locked


def walk_in_add(
    *,
    round_table: RoundTable,
    name: str,
    city: City | None = None,
    organization: str = "",
    recorded_by=None,
    now: datetime.datetime | None = None,
) -> WalkIn:
    """Record someone who attended without registering."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(round_table)
        _check_can_record(locked, now)
        walk_in = WalkIn(
            round_table=locked,
            name=name.strip(),
            city=city,
            organization=organization.strip(),
            recorded_by=recorded_by,
        )
        walk_in.full_clean()
        walk_in.save()
    return walk_in


def walk_in_remove(*, walk_in: WalkIn) -> None:
    """Remove a walk-in recorded by mistake."""
    with transaction.atomic():
        _lock(walk_in.round_table)
        walk_in.delete()


def minutes_publish(
    *, round_table: RoundTable, minutes: str, now: datetime.datetime | None = None
) -> RoundTable:
    """Publish (or replace) the round table's minutes on its page."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(round_table)
        _check_can_record(locked, now)
        locked.minutes = minutes.strip()
        locked.full_clean(exclude=["slug"])
        locked.save(update_fields=["minutes", "updated_at"])
    return locked


def material_add(
    *,
    round_table: RoundTable,
    title: str,
    url: str = "",
    file=None,
    added_by=None,
    now: datetime.datetime | None = None,
) -> Material:
    """Publish a material: a link, or a PDF checked by its content and size."""
    now = now or timezone.now()
    if bool(url) == bool(file):
        raise DomainError(_("Give either a link or a PDF file, not both."), code="link_or_file")
    if file:
        validate_pdf(file)
    with transaction.atomic():
        locked = _lock(round_table)
        _check_can_record(locked, now)
        material = Material(
            round_table=locked,
            title=title.strip(),
            url=url,
            file=file or "",
            size=file.size if file else None,
            added_by=added_by,
        )
        material.full_clean()
        material.save()
    return material


def material_remove(*, material: Material) -> None:
    """Take a material down and delete its file."""
    with transaction.atomic():
        _lock(material.round_table)
        stored = material.file.name if material.file else ""
        storage = material.file.storage if material.file else None
        material.delete()
        if stored:
            transaction.on_commit(partial(storage.delete, stored))


# --- Reminders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRun:
    """What one run of the reminders did."""

    sent: int
    failed: int


def reminders_send(*, days_before: int = 3, now: datetime.datetime | None = None) -> ReminderRun:
    """Email every confirmed registrant whose round table starts within `days_before` days.

    Each registration is claimed with a conditional UPDATE before its mail goes out, so runs
    that overlap or repeat never send a reminder twice. A reminder that cannot be sent is
    logged and left unclaimed for the next run; the others still go out.
    """
    now = now or timezone.now()
    due = (
        Registration.objects.confirmed()
        .of_members()
        .filter(
            reminder_sent_at__isnull=True,
            round_table__status=RoundTable.Status.SCHEDULED,
            round_table__starts_at__gt=now,
            round_table__starts_at__lte=now + datetime.timedelta(days=days_before),
        )
        .select_related("round_table", "user", "city")
        .order_by("round_table__starts_at", "sequence")
    )
    sent = failed = 0
    for registration in due:
        claimed = Registration.objects.filter(
            Q(pk=registration.pk),
            Q(reminder_sent_at__isnull=True),
            Q(status=Registration.Status.CONFIRMED),
        ).update(reminder_sent_at=now)
        if not claimed:
            continue
        try:
            emails.send_reminder(registration)
        except Exception:
            # Not sent: release the claim so the next run tries again, and go on with the
            # others (one bad address must not hold back everyone's reminder).
            Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=None)
            logger.exception(
                "The reminder for registration %s (%s) could not be sent.",
                registration.pk,
                registration.round_table.slug,
            )
            failed += 1
        else:
            sent += 1
    return ReminderRun(sent=sent, failed=failed)

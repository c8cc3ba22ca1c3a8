import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cities import participation
from cities import services as city_services
from cities.common.errors import DomainError
from cities.models import City, Membership
from roundtables import services
from roundtables.models import Registration, RoundTable, WalkIn, attending_cities
from tests.factories import (
    make_city,
    make_membership,
    make_region,
    make_registration,
    make_round_table,
)
from toolkit.grant import metrics

NOW = timezone.now()

pytestmark = pytest.mark.django_db


def staff(city=None):
    membership = make_membership(city=city)
    return membership.user, membership.city


def sign_up(round_table, city=None, user=None):
    if user is None:
        user, city = staff(city)
    return services.registration_create(round_table=round_table, user=user, city=city)


# --- Sign-ups, capacity and the waitlist ---------------------------------------------------


def test_sign_ups_beyond_the_capacity_join_the_waitlist_with_their_position():
    round_table = make_round_table(capacity=2)
    first, second = sign_up(round_table), sign_up(round_table)
    third, fourth = sign_up(round_table), sign_up(round_table)

    assert [r.status for r in (first, second)] == ["confirmed", "confirmed"]
    assert [r.status for r in (third, fourth)] == ["waitlisted", "waitlisted"]
    assert (third.waitlist_position, fourth.waitlist_position) == (1, 2)
    round_table.refresh_from_db()
    assert round_table.seats_taken == 2 and round_table.seats_left == 0


def test_a_city_that_used_its_seats_waitlists_its_next_person_while_others_still_get_seats():
    round_table = make_round_table(capacity=10, seats_per_city=1)
    city, other = make_city(), make_city()

    assert sign_up(round_table, city).is_confirmed
    assert sign_up(round_table, city).is_waitlisted
    assert sign_up(round_table, other).is_confirmed


def test_cancelling_a_confirmed_seat_promotes_the_first_waitlisted_and_emails_them(
    mailoutbox, django_capture_on_commit_callbacks
):
    round_table = make_round_table(capacity=1)
    seated = sign_up(round_table)
    first_waiting, second_waiting = sign_up(round_table), sign_up(round_table)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=seated)

    assert [r.pk for r in promoted] == [first_waiting.pk]
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.is_confirmed and first_waiting.promoted_at is not None
    assert second_waiting.is_waitlisted
    assert (
        Registration.objects.with_waitlist_position().get(pk=second_waiting.pk).waitlist_position
        == 1
    )
    assert RoundTable.objects.get(pk=round_table.pk).seats_taken == 1
    promotion = next(m for m in mailoutbox if m.to == [first_waiting.user.email])
    assert "A seat is yours" in promotion.subject
    assert promotion.attachments[0][0].endswith(".ics")
    cancelled = next(m for m in mailoutbox if m.to == [seated.user.email])
    assert "is cancelled" in cancelled.subject


def test_the_promotion_skips_people_whose_city_has_used_its_seats():
    round_table = make_round_table(capacity=2, seats_per_city=1)
    full_city, other_city = make_city(), make_city()
    seated = sign_up(round_table, full_city)
    sign_up(round_table, other_city)
    blocked = sign_up(round_table, full_city)  # waits: round table full, and city at its limit
    eligible = sign_up(round_table, make_city())
    other_seat = Registration.objects.get(round_table=round_table, city=other_city)

    promoted = services.registration_cancel(registration=other_seat)

    assert [r.pk for r in promoted] == [eligible.pk]
    assert Registration.objects.get(pk=blocked.pk).is_waitlisted
    assert Registration.objects.get(pk=seated.pk).is_confirmed


def test_leaving_the_waitlist_frees_no_seat_and_promotes_no_one():
    round_table = make_round_table(capacity=1)
    sign_up(round_table)
    waiting, behind = sign_up(round_table), sign_up(round_table)

    assert services.registration_cancel(registration=waiting) == []
    assert Registration.objects.with_waitlist_position().get(pk=behind.pk).waitlist_position == 1


def test_a_person_who_cancelled_can_sign_up_again_at_the_back_of_the_queue():
    round_table = make_round_table(capacity=1)
    user, city = staff()
    first = sign_up(round_table, city, user)
    services.registration_cancel(registration=first)
    sign_up(round_table)  # someone else takes the seat

    again = sign_up(round_table, city, user)

    assert again.pk == first.pk and again.is_waitlisted and again.waitlist_position == 1
    assert again.sequence == 3


def test_signing_up_sends_a_confirmation_with_a_calendar_file_or_a_waitlist_notice(
    mailoutbox, django_capture_on_commit_callbacks
):
    round_table = make_round_table(capacity=1, title="Gateway Cities round table")
    with django_capture_on_commit_callbacks(execute=True):
        seated = sign_up(round_table)
        waiting = sign_up(round_table)

    confirmation, notice = mailoutbox
    assert confirmation.to == [seated.user.email]
    assert confirmation.subject.endswith("Your seat at Gateway Cities round table")
    name, content, mimetype = confirmation.attachments[0]
    assert mimetype == "text/calendar" and "BEGIN:VEVENT" in content
    assert notice.to == [waiting.user.email]
    assert "Your position: 1." in notice.body
    assert not notice.attachments


# --- Bad sign-ups change nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("round_table_fields", "message"),
    [
        ({"status": RoundTable.Status.CANCELLED}, "This round table is cancelled."),
        (
            {"starts_at": NOW - datetime.timedelta(days=1)},
            "This round table has already taken place.",
        ),
        ({"status": RoundTable.Status.HELD}, "This round table has already taken place."),
        (
            {"registration_deadline": NOW - datetime.timedelta(minutes=1)},
            "Sign-ups closed on",
        ),
    ],
    ids=["cancelled", "past", "held", "after the deadline"],
)
def test_sign_ups_that_are_not_open_are_refused_and_change_nothing(round_table_fields, message):
    round_table = make_round_table(**round_table_fields)

    with pytest.raises(DomainError, match=message):
        sign_up(round_table)

    assert not Registration.objects.exists()
    round_table.refresh_from_db()
    assert (round_table.seats_taken, round_table.signups_received) == (0, 0)


def test_signing_up_twice_is_refused():
    round_table = make_round_table()
    user, city = staff()
    sign_up(round_table, city, user)

    with pytest.raises(DomainError, match="already signed up"):
        sign_up(round_table, city, user)
    assert Registration.objects.count() == 1
    assert RoundTable.objects.get(pk=round_table.pk).seats_taken == 1


def test_signing_up_without_a_city_or_for_a_city_one_is_not_approved_in_is_refused():
    round_table = make_round_table()
    user, _city = staff()
    pending = make_membership(status=Membership.Status.PENDING)

    with pytest.raises(DomainError, match="Choose the city"):
        services.registration_create(round_table=round_table, user=user, city=None)
    with pytest.raises(DomainError, match="Only approved staff of"):
        services.registration_create(round_table=round_table, user=user, city=make_city())
    with pytest.raises(DomainError, match="Only approved staff of"):
        services.registration_create(round_table=round_table, user=pending.user, city=pending.city)
    assert not Registration.objects.exists()


def test_a_registration_cannot_be_cancelled_once_the_round_table_has_started():
    round_table = make_round_table()
    registration = sign_up(round_table)
    RoundTable.objects.filter(pk=round_table.pk).update(
        starts_at=NOW - datetime.timedelta(hours=1), ends_at=NOW + datetime.timedelta(hours=1)
    )
    with pytest.raises(DomainError, match="has started or is over"):
        services.registration_cancel(registration=registration)
    assert Registration.objects.get(pk=registration.pk).is_confirmed


# --- The database refuses what the services would never do -------------------------------


def test_the_database_refuses_more_confirmed_seats_than_the_capacity():
    round_table = make_round_table(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundTable.objects.filter(pk=round_table.pk).update(seats_taken=2)


def test_the_database_refuses_an_end_before_the_start_and_two_registrations_per_person():
    round_table = make_round_table()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundTable.objects.filter(pk=round_table.pk).update(ends_at=round_table.starts_at)
    registration = make_registration(round_table=round_table)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            round_table=round_table, user=registration.user, city=registration.city, sequence=9
        )


# --- Scheduling ------------------------------------------------------------------------------


def test_a_series_creates_one_round_table_per_subregion_per_quarter_on_default_dates():
    westside, south_bay = make_region(name="Westside"), make_region(name="South Bay")
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)

    created, skipped = services.round_table_series_create(
        year=2027, regions=[westside, south_bay], capacity=30, now=now
    )

    assert len(created) == 8 and skipped == []
    assert sorted((rt.region.name, rt.quarter) for rt in created) == sorted(
        (name, quarter) for name in ("Westside", "South Bay") for quarter in (1, 2, 3, 4)
    )
    first = RoundTable.objects.get(region=westside, title__contains="Q1")
    local = timezone.localtime(first.starts_at)
    assert (local.date(), local.hour) == (datetime.date(2027, 2, 11), 10)  # second Thursday
    assert first.title == "Westside round table, Q1 2027"
    assert first.capacity == 30 and first.signups_close_at < first.starts_at
    assert RoundTable.objects.in_quarter(year=2027, quarter=3).count() == 2


def test_a_series_skips_quarters_that_have_passed_and_subregions_that_have_one_already():
    region = make_region()
    make_round_table(
        region=region,
        starts_at=datetime.datetime(2027, 8, 3, 17, tzinfo=datetime.UTC),
    )
    now = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)

    created, skipped = services.round_table_series_create(
        year=2027, regions=[region, None], capacity=20, now=now
    )

    # Q1 has passed for both; Q3 of the subregion exists; the county-wide ones are new.
    assert sorted((rt.region_id is None, rt.quarter) for rt in created) == [
        (False, 2),
        (False, 4),
        (True, 2),
        (True, 3),
        (True, 4),
    ]
    assert len(skipped) == 3


def test_lowering_the_capacity_below_the_confirmed_seats_is_refused():
    round_table = make_round_table(capacity=3)
    for _ in range(3):
        sign_up(round_table)

    with pytest.raises(DomainError) as refused:
        services.round_table_update(round_table=round_table, capacity=2)

    assert "3 seats are already confirmed" in str(refused.value)
    assert RoundTable.objects.get(pk=round_table.pk).capacity == 3


def test_raising_the_capacity_gives_the_new_seats_to_the_waitlist_in_order():
    round_table = make_round_table(capacity=1)
    sign_up(round_table)
    waiting = [sign_up(round_table) for _ in range(3)]

    updated = services.round_table_update(round_table=round_table, capacity=3)

    assert [r.pk for r in updated.promoted] == [waiting[0].pk, waiting[1].pk]
    assert updated.seats_taken == 3
    assert Registration.objects.get(pk=waiting[2].pk).is_waitlisted


def test_an_end_before_the_start_is_refused():
    round_table = make_round_table()
    with pytest.raises(ValidationError, match="must end after it starts"):
        services.round_table_update(round_table=round_table, ends_at=round_table.starts_at)


def test_editing_the_time_replaces_the_calendar_copy():
    round_table = make_round_table()
    updated = services.round_table_update(
        round_table=round_table, starts_at=round_table.starts_at + datetime.timedelta(hours=1)
    )
    assert updated.calendar_sequence == round_table.calendar_sequence + 1


def test_cancelling_a_round_table_emails_everyone_registered(
    mailoutbox, django_capture_on_commit_callbacks
):
    round_table = make_round_table(capacity=1)
    seated, waiting = sign_up(round_table), sign_up(round_table)
    gone = sign_up(round_table)
    services.registration_cancel(registration=gone)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        count = services.round_table_cancel(round_table=round_table, note="The venue flooded.")

    assert count == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([seated.user.email, waiting.user.email])
    assert all("Cancelled:" in m.subject and "The venue flooded." in m.body for m in mailoutbox)
    round_table.refresh_from_db()
    assert round_table.is_cancelled and round_table.calendar_sequence == 1
    with pytest.raises(DomainError, match="already cancelled"):
        services.round_table_cancel(round_table=round_table)


# --- After the event: attendance and grant figures ------------------------------------------


def started_round_table(**fields):
    round_table = make_round_table(**fields)
    registrations = [sign_up(round_table) for _ in range(3)]
    RoundTable.objects.filter(pk=round_table.pk).update(
        starts_at=NOW - datetime.timedelta(hours=3), ends_at=NOW - datetime.timedelta(hours=1)
    )
    round_table.refresh_from_db()
    return round_table, registrations


def test_attendance_cannot_be_recorded_before_the_round_table_starts():
    round_table = make_round_table()
    with pytest.raises(DomainError, match="once the round table has started"):
        services.attendance_record(round_table=round_table, attended=[])
    with pytest.raises(DomainError, match="once the round table has started"):
        services.walk_in_add(round_table=round_table, name="Early bird")
    assert not WalkIn.objects.exists()


def test_a_held_round_table_counts_for_the_grant_once_someone_attended():
    round_table, (came, _absent, also_came) = started_round_table()
    services.round_table_mark_held(round_table=round_table)
    assert metrics.round_tables_held() == 0, "held, but nobody recorded as attending"

    count = services.attendance_record(round_table=round_table, attended=[came.pk, also_came.pk])

    assert count == 2
    assert metrics.round_tables_held() == 1
    assert set(attending_cities(round_table)) == {came.city, also_came.city}


def test_a_walk_in_alone_makes_a_held_round_table_count_and_their_city_attend():
    round_table, _registrations = started_round_table()
    city = make_city(name="Walk-in City")
    services.walk_in_add(round_table=round_table, name="Dana Díaz", city=city)
    services.walk_in_add(round_table=round_table, name="Lee Park", organization="LA Metro")
    services.attendance_record(round_table=round_table, attended=[], mark_held=True)

    assert metrics.round_tables_held() == 1
    assert list(attending_cities(round_table)) == [city]
    assert list(attending_cities()) == [city]


def test_attending_a_held_round_table_is_a_participation_level_of_the_city():
    round_table, (came, absent, _third) = started_round_table()
    services.attendance_record(round_table=round_table, attended=[came.pk], mark_held=True)

    level = participation.get("attended-round-table")
    cities = {c.pk: c for c in participation.annotate(City.objects.all())}
    assert getattr(cities[came.city_id], level.annotation) is True
    assert getattr(cities[absent.city_id], level.annotation) is False
    assert participation.state(cities[came.city_id]).key == "attended-round-table"


def test_a_walk_in_from_an_unregistered_city_does_not_make_it_attended_until_it_registers():
    round_table, _registrations = started_round_table()
    city = make_city(name="Walk-in City")
    services.walk_in_add(round_table=round_table, name="Dana Díaz", city=city)
    services.attendance_record(round_table=round_table, attended=[], mark_held=True)

    def state_of(city):
        return participation.state(participation.annotate(City.objects.filter(pk=city.pk)).get())

    # Nobody from the city has joined it: it is not registered, whatever else it did.
    assert state_of(city) is None
    unregistered = participation.annotate(City.objects.filter(pk=city.pk))
    assert unregistered.filter(participation.in_state(participation.NOT_REGISTERED)).exists()
    make_membership(city=city)
    assert state_of(city).key == "attended-round-table"


def test_cancelled_registrations_cannot_be_marked_as_attended():
    round_table = make_round_table()
    gone = sign_up(round_table)
    services.registration_cancel(registration=gone)
    RoundTable.objects.filter(pk=round_table.pk).update(
        starts_at=NOW - datetime.timedelta(hours=3), ends_at=NOW - datetime.timedelta(hours=1)
    )

    assert services.attendance_record(round_table=round_table, attended=[gone.pk]) == 0
    assert not Registration.objects.get(pk=gone.pk).attended


# --- Materials ------------------------------------------------------------------------------


def pdf(name="slides.pdf", content=b"%PDF-1.7\n1 0 obj\n", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_pdf_is_stored_under_a_private_name_and_a_non_pdf_is_refused():
    round_table, _ = started_round_table()
    material = services.material_add(round_table=round_table, title="Slides", file=pdf())
    assert material.file.name.startswith("private/roundtables/materials/")
    assert material.file.name.endswith(".pdf") and "slides" not in material.file.name
    assert material.size == len(b"%PDF-1.7\n1 0 obj\n")

    with pytest.raises(ValidationError, match="not a PDF"):
        services.material_add(
            round_table=round_table, title="Fake", file=pdf("fake.pdf", b"<html>not a pdf")
        )
    assert round_table.materials.count() == 1


def test_raising_the_capacity_after_the_start_promotes_no_one():
    round_table = make_round_table(capacity=1)
    sign_up(round_table)
    waiting = sign_up(round_table)
    RoundTable.objects.filter(pk=round_table.pk).update(
        starts_at=NOW - datetime.timedelta(hours=1), ends_at=NOW + datetime.timedelta(hours=1)
    )

    updated = services.round_table_update(round_table=round_table, capacity=5)

    assert updated.promoted == []
    assert Registration.objects.get(pk=waiting.pk).is_waitlisted


# --- Signing up again ------------------------------------------------------------------------


def test_signing_up_again_after_cancelling_is_a_new_arrival():
    round_table = make_round_table(capacity=1)
    user, city = staff()
    first = services.registration_create(round_table=round_table, user=user, city=city, now=NOW)
    services.registration_cancel(registration=first, now=NOW)
    later = NOW + datetime.timedelta(hours=5)
    waiting = sign_up(round_table)  # takes the freed seat meanwhile

    again = services.registration_create(round_table=round_table, user=user, city=city, now=later)

    assert again.pk == first.pk and again.is_waitlisted
    assert again.signed_up_at == later and again.sequence > waiting.sequence
    assert Registration.objects.get(pk=first.pk).signed_up_at == later


# --- Emails ----------------------------------------------------------------------------------


def test_email_subjects_keep_the_title_as_written(mailoutbox, send_mail_on_commit):
    title = "Data & Privacy: what's next"
    round_table = make_round_table(title=title, capacity=1)
    with send_mail_on_commit():
        seated, _waiting = sign_up(round_table), sign_up(round_table)
    with send_mail_on_commit():
        services.registration_cancel(registration=seated)
    with send_mail_on_commit():
        services.round_table_cancel(round_table=round_table)

    subjects = [m.subject for m in mailoutbox]
    assert subjects == [
        f"[Smart City Collaborative] Your seat at {title}",
        f"[Smart City Collaborative] You are on the waitlist for {title}",
        f"[Smart City Collaborative] A seat is yours: {title}",
        f"[Smart City Collaborative] Your registration for {title} is cancelled",
        f"[Smart City Collaborative] Cancelled: {title}",
    ]
    assert f"You have a seat at {title}" in mailoutbox[0].body


def test_every_email_is_written_in_the_language_the_person_signed_up_in(
    mailoutbox, send_mail_on_commit
):
    round_table = make_round_table(title="Movilidad", capacity=1)
    seated = sign_up(round_table)
    user, city = staff()
    with send_mail_on_commit():
        waiting = services.registration_create(
            round_table=round_table, user=user, city=city, language="es"
        )
    # An organizer working in English frees the seat, then cancels the whole round table.
    with send_mail_on_commit():
        services.registration_cancel(registration=seated)
    with send_mail_on_commit():
        services.round_table_cancel(round_table=round_table)

    to_spanish = [m for m in mailoutbox if m.to == [waiting.user.email]]
    assert [m.subject.removeprefix("[Smart City Collaborative] ") for m in to_spanish] == [
        "Está en la lista de espera de Movilidad",
        "Tiene un lugar: Movilidad",
        "Cancelada: Movilidad",
    ]
    assert "Hola" in to_spanish[1].body
    english = [m for m in mailoutbox if m.to == [seated.user.email]]
    assert english[0].subject.endswith("Your registration for Movilidad is cancelled")


# --- When a membership ends ------------------------------------------------------------------


def test_removing_a_member_cancels_their_future_seats_for_that_city_and_the_waitlist_moves_up(
    mailoutbox, send_mail_on_commit
):
    city, other_city = make_city(name="Culver City"), make_city(name="Inglewood")
    lead = make_membership(city=city, role=Membership.Role.LEAD).user
    removed = make_membership(city=city)
    make_membership(user=removed.user, city=other_city)
    soon, later = make_round_table(title="Soon", capacity=1), make_round_table(title="Later")
    seat = sign_up(soon, city=city, user=removed.user)
    first_waiting = sign_up(soon)
    queued = sign_up(make_round_table(title="Full", capacity=0), city=city, user=removed.user)
    for_other_city = sign_up(later, city=other_city, user=removed.user)
    past = make_round_table(title="Past", starts_at=NOW - datetime.timedelta(days=30))
    attended = make_registration(round_table=past, user=removed.user, city=city, attended=True)
    mailoutbox.clear()

    with send_mail_on_commit():
        city_services.membership_remove(membership=removed, by=lead)

    def status(registration):
        return Registration.objects.get(pk=registration.pk).status

    assert (status(seat), status(queued)) == ("cancelled", "cancelled")
    assert status(first_waiting) == "confirmed"
    assert Registration.objects.get(pk=first_waiting.pk).promoted_at is not None
    soon.refresh_from_db()
    assert soon.seats_taken == 1
    # What was for another city, and what already happened, stays.
    assert (status(for_other_city), status(attended)) == ("confirmed", "confirmed")
    assert Registration.objects.get(pk=attended.pk).attended
    to_removed = [m for m in mailoutbox if m.to == [removed.user.email]]
    cancelled = [m for m in to_removed if "registration for" in m.subject]
    assert len(cancelled) == 2
    assert "are no longer one of its members" in cancelled[0].body
    promoted = [m for m in mailoutbox if m.to == [first_waiting.user.email]]
    assert promoted[0].subject.endswith("A seat is yours: Soon")


def test_leaving_a_city_gives_up_its_seats_too():
    city = make_city()
    membership = make_membership(city=city)
    registration = sign_up(make_round_table(), city=city, user=membership.user)

    city_services.membership_leave(membership=membership, user=membership.user)

    assert Registration.objects.get(pk=registration.pk).is_cancelled


def test_a_seat_never_goes_to_someone_waiting_who_is_no_longer_a_member():
    round_table = make_round_table(capacity=1)
    seated = sign_up(round_table)
    former, next_member = sign_up(round_table), sign_up(round_table)
    # Ended outside the site's pages (the admin, say), so their waitlist place was kept.
    Membership.objects.filter(user=former.user).update(status=Membership.Status.REMOVED)

    promoted = services.registration_cancel(registration=seated)

    assert [r.pk for r in promoted] == [next_member.pk]
    assert Registration.objects.get(pk=former.pk).is_waitlisted

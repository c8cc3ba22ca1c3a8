"""Seats stay exact when many people sign up or cancel at the same moment.

Real threads, each with its own database connection, post to the real views against a real
database (SQLite or PostgreSQL, whichever the suite runs on) with real transactions. They all
wait at a barrier and are let go together.
"""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from cities import services as city_services
from cities.models import Membership
from roundtables import services
from roundtables.models import Registration, RoundTable
from tests.factories import PASSWORD, _hashed, make_city, make_round_table
from toolkit.models import User

pytestmark = pytest.mark.django_db(transaction=True)

# PostgreSQL allows 100 connections in all (shared with other test runs on the server), so
# there at most this many requests hold a connection at once; SQLite has no such limit.
POSTGRES_CONNECTIONS = 40


def _connection_limit(jobs: int) -> int:
    return POSTGRES_CONNECTIONS if connection.vendor == "postgresql" else jobs


def _staff(count: int, cities) -> list[User]:
    """`count` approved staff, spread over the cities, made in bulk."""
    users = User.objects.bulk_create(
        User(email=f"staff{n}@example.org", name=f"Staff {n}", password=_hashed(PASSWORD))
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, city=cities[n % len(cities)], status=Membership.Status.APPROVED)
        for n, user in enumerate(users)
    )
    return users


_handler = None


def _client_for(user) -> Client:
    """A signed-in client. All share one request handler, as a server's threads do, so the
    middleware (WhiteNoise's scan of the static files among it) loads once, not per client."""
    global _handler
    client = Client()
    if _handler is None:
        client.get("/healthz")
        _handler = client.handler
    client.handler = _handler
    client.force_login(user)
    return client


def _run_together(jobs) -> tuple[list, list[BaseException]]:
    """Start one thread per job, release them at once, and collect results and errors."""
    barrier = threading.Barrier(len(jobs))
    gate = threading.Semaphore(_connection_limit(len(jobs)))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            with gate:
                results[index] = job()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results, errors


def _poster(client: Client, url: str, data: dict):
    return lambda: client.post(url, data).status_code


def test_200_simultaneous_sign_ups_for_40_seats_confirm_40_and_waitlist_160_in_order():
    cities = [make_city() for _ in range(10)]
    round_table = make_round_table(capacity=40)
    people = _staff(200, cities)
    city_of = {m.user_id: m.city_id for m in Membership.objects.all()}
    url = f"/round-tables/{round_table.slug}/sign-up/"
    jobs = [_poster(_client_for(p), url, {"city": city_of[p.pk]}) for p in people]

    statuses, errors = _run_together(jobs)

    assert errors == []
    assert Counter(statuses) == {302: 200}, "every sign-up is answered with a redirect"
    round_table.refresh_from_db()
    registrations = list(Registration.objects.filter(round_table=round_table).order_by("sequence"))
    by_status = Counter(r.status for r in registrations)
    assert by_status == {"confirmed": 40, "waitlisted": 160}
    assert round_table.seats_taken == 40 and round_table.seats_left == 0
    # Arrival order: every sign-up has its own number, 1 to 200, in the order it took the
    # lock; the first 40 got the seats and the waitlist follows the numbers.
    assert [r.sequence for r in registrations] == list(range(1, 201))
    assert all(r.is_confirmed for r in registrations[:40])
    assert all(r.is_waitlisted for r in registrations[40:])
    assert [r.created_at for r in registrations] == sorted(r.created_at for r in registrations)
    positions = list(
        Registration.objects.with_waitlist_position()
        .filter(round_table=round_table, status="waitlisted")
        .order_by("sequence")
        .values_list("waitlist_position", flat=True)
    )
    assert positions == list(range(1, 161))
    subjects = Counter(message.subject.split(":")[0] for message in mail.outbox)
    assert len(mail.outbox) == 200
    assert sum(1 for m in mail.outbox if "Your seat at" in m.subject) == 40
    assert sum(1 for m in mail.outbox if "on the waitlist" in m.subject) == 160, subjects


def test_50_simultaneous_cancellations_promote_exactly_50_from_the_waitlist_in_order():
    cities = [make_city() for _ in range(5)]
    round_table = make_round_table(capacity=50)
    people = _staff(110, cities)
    city_by_user = {m.user_id: m.city for m in Membership.objects.select_related("city")}
    for person in people:  # one after another: the first 50 get seats, 60 wait
        services.registration_create(
            round_table=round_table, user=person, city=city_by_user[person.pk]
        )
    confirmed = list(Registration.objects.confirmed().filter(round_table=round_table))
    waitlist_before = list(
        Registration.objects.waitlisted()
        .filter(round_table=round_table)
        .values_list("pk", flat=True)
    )
    assert len(confirmed) == 50 and len(waitlist_before) == 60
    mail.outbox.clear()
    jobs = [
        _poster(_client_for(r.user), f"/round-tables/registrations/{r.pk}/cancel/", {})
        for r in confirmed
    ]

    statuses, errors = _run_together(jobs)

    assert errors == []
    assert Counter(statuses) == {302: 50}
    round_table.refresh_from_db()
    assert round_table.seats_taken == 50
    assert Registration.objects.filter(round_table=round_table, status="cancelled").count() == 50
    promoted = set(
        Registration.objects.filter(round_table=round_table, promoted_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert promoted == set(waitlist_before[:50]), "the first 50 on the waitlist, no one else"
    assert (
        list(
            Registration.objects.waitlisted()
            .filter(round_table=round_table)
            .values_list("pk", flat=True)
        )
        == waitlist_before[50:]
    )
    assert sum(1 for m in mail.outbox if "A seat is yours" in m.subject) == 50


def test_one_person_clicking_sign_up_many_times_at_once_gets_one_registration():
    city = make_city()
    round_table = make_round_table(capacity=5)
    (person,) = _staff(1, [city])
    clients = [_client_for(person) for _ in range(8)]
    url = f"/round-tables/{round_table.slug}/sign-up/"

    statuses, errors = _run_together([_poster(c, url, {"city": city.pk}) for c in clients])

    assert errors == []
    # One seat; the other clicks land back on the page, which says they have one already.
    assert statuses == [302] * 8
    assert Registration.objects.filter(round_table=round_table, user=person).count() == 1
    round_table.refresh_from_db()
    assert round_table.seats_taken == 1


def test_the_last_seat_goes_to_one_of_two_people_taking_it_at_once():
    city = make_city()
    round_table = make_round_table(capacity=1)
    first, second = _staff(2, [city])
    url = f"/round-tables/{round_table.slug}/sign-up/"
    jobs = [_poster(_client_for(p), url, {"city": city.pk}) for p in (first, second)]

    statuses, errors = _run_together(jobs)

    assert errors == [] and statuses == [302, 302]
    assert Counter(
        Registration.objects.filter(round_table=round_table).values_list("status", flat=True)
    ) == {"confirmed": 1, "waitlisted": 1}
    assert RoundTable.objects.get(pk=round_table.pk).seats_taken == 1


def test_people_removed_from_their_city_while_signing_up_keep_no_seat():
    cities = [make_city() for _ in range(4)]
    leads = _staff(4, cities)
    Membership.objects.filter(user__in=leads).update(role=Membership.Role.LEAD)
    round_table = make_round_table(capacity=10)
    staff = User.objects.bulk_create(
        User(email=f"member{n}@example.org", name=f"Member {n}", password=_hashed(PASSWORD))
        for n in range(30)
    )
    Membership.objects.bulk_create(
        Membership(user=user, city=cities[n % 4], status=Membership.Status.APPROVED)
        for n, user in enumerate(staff)
    )
    removed, kept = staff[:20], staff[20:]
    lead_of = {m.city_id: m.user for m in Membership.objects.leads().select_related("user")}
    membership_of = {m.user_id: m for m in Membership.objects.filter(user__in=staff)}
    url = f"/round-tables/{round_table.slug}/sign-up/"

    def remove(person):
        membership = membership_of[person.pk]
        return lambda: (
            city_services.membership_remove(
                membership=membership, by=lead_of[membership.city_id]
            ).status
        )

    sign_ups = [_poster(_client_for(p), url, {"city": membership_of[p.pk].city_id}) for p in staff]
    statuses, errors = _run_together(sign_ups + [remove(p) for p in removed])

    assert errors == []
    # A removed person's sign-up either came first (and the removal cancelled it) or came
    # second (and was refused); either way, nothing of theirs is left.
    assert not Registration.objects.active().filter(user__in=removed).exists()
    assert statuses[30:] == ["removed"] * 20
    # The seats they freed went down the waitlist to the people who stayed.
    round_table.refresh_from_db()
    active = Registration.objects.active().filter(round_table=round_table)
    assert set(active.values_list("user_id", flat=True)) == {p.pk for p in kept}
    assert set(active.values_list("status", flat=True)) == {"confirmed"}
    assert round_table.seats_taken == 10

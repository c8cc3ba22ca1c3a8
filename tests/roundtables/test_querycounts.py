"""Every list and detail page runs as many queries at 100x the data as at 1x."""

import datetime

import pytest
from django.utils import timezone

from cities.common import cache
from cities.models import Membership
from roundtables.models import Material, Registration, RoundTable, WalkIn
from tests.factories import (
    make_city,
    make_coordinator,
    make_membership,
    make_region,
    make_round_table,
    make_user,
)
from tests.querycount import assert_constant_queries
from toolkit.models import User

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def grow_registrations(round_table, cities, factor, *, statuses=("confirmed", "waitlisted")):
    """Bring the round table to `factor` registrations (bulk, with their people), half of
    them attended, keeping its counts right."""
    have = Registration.objects.filter(round_table=round_table).count()
    users = User.objects.bulk_create(
        User(email=f"q{round_table.pk}-{n}@example.org", name=f"Person {n}")
        for n in range(have, factor)
    )
    Registration.objects.bulk_create(
        Registration(
            round_table=round_table,
            user=user,
            city=cities[n % len(cities)],
            status=statuses[n % len(statuses)],
            sequence=have + n + 1,
            attended=n % 2 == 0 and statuses[n % len(statuses)] != "cancelled",
        )
        for n, user in enumerate(users)
    )
    total = Registration.objects.filter(round_table=round_table)
    RoundTable.objects.filter(pk=round_table.pk).update(
        capacity=max(total.count(), round_table.capacity),
        seats_taken=total.filter(status="confirmed").count(),
        signups_received=total.count(),
    )


def grow_round_tables(factor, regions, cities):
    have = RoundTable.objects.count()
    for n in range(have, factor):
        starts = NOW + datetime.timedelta(days=(n % 2 and -1 or 1) * (10 + 20 * n))
        round_table = make_round_table(
            title=f"Round table number {n}",
            region=regions[n % len(regions)] if n % 3 else None,
            starts_at=starts,
            host_city=cities[n % len(cities)],
            status=RoundTable.Status.HELD if starts < NOW else RoundTable.Status.SCHEDULED,
        )
        grow_registrations(round_table, cities, 3)


@pytest.fixture
def places():
    regions = [make_region() for _ in range(3)]
    cities = [make_city(region=regions[n % 3]) for n in range(6)]
    return regions, cities


def test_the_list_page_query_count_does_not_grow_with_round_tables(client, places):
    regions, cities = places
    grow_round_tables(1, regions, cities)
    client.force_login(make_coordinator())

    def grow(factor):
        grow_round_tables(factor, regions, cities)

    assert_constant_queries(client, "/round-tables/", grow)
    assert_constant_queries(client, "/round-tables/?quarter=2&region=county-wide", lambda f: None)


@pytest.mark.parametrize("who", ["visitor", "staff", "coordinator"])
def test_a_round_table_page_query_count_does_not_grow_with_registrations(client, places, who):
    _regions, cities = places
    round_table = make_round_table(starts_at=NOW - datetime.timedelta(hours=3))
    if who == "staff":
        membership = make_membership(city=cities[0])
        Registration.objects.create(
            round_table=round_table, user=membership.user, city=cities[0], sequence=10_000
        )
        client.force_login(membership.user)
    elif who == "coordinator":
        client.force_login(make_coordinator())
    grow_registrations(round_table, cities, 1)

    def grow(factor):
        grow_registrations(round_table, cities, factor)
        have = round_table.walk_ins.count()
        WalkIn.objects.bulk_create(
            WalkIn(round_table=round_table, name=f"Walk-in {n}", city=cities[n % len(cities)])
            for n in range(have, factor)
        )
        Material.objects.bulk_create(
            Material(round_table=round_table, title=f"Link {n}", url=f"https://example.org/{n}")
            for n in range(round_table.materials.count(), factor)
        )

    assert_constant_queries(client, round_table.get_absolute_url(), grow)


def test_an_upcoming_round_table_page_with_the_sign_up_form_holds_its_query_count(client, places):
    _regions, cities = places
    round_table = make_round_table()
    user = make_user()
    Membership.objects.bulk_create(
        Membership(user=user, city=city, status=Membership.Status.APPROVED) for city in cities
    )
    client.force_login(user)
    grow_registrations(round_table, cities, 1)

    assert_constant_queries(
        client,
        round_table.get_absolute_url(),
        lambda factor: grow_registrations(round_table, cities, factor),
    )


def test_my_round_tables_query_count_does_not_grow_with_registrations(client, places):
    regions, cities = places
    membership = make_membership(city=cities[0])
    client.force_login(membership.user)

    def grow(factor):
        for n in range(Registration.objects.filter(user=membership.user).count(), factor):
            round_table = make_round_table(
                region=regions[n % 3], capacity=1, starts_at=NOW + datetime.timedelta(days=n - 5)
            )
            grow_registrations(round_table, cities, 2)
            Registration.objects.create(
                round_table=round_table,
                user=membership.user,
                city=cities[0],
                status="waitlisted",
                sequence=10,
            )

    grow(1)
    assert_constant_queries(client, "/round-tables/mine/", grow)


@pytest.mark.parametrize("page", ["registrations/", "attendance/", "minutes/"])
def test_organizer_pages_query_counts_do_not_grow_with_registrations(client, places, page):
    _regions, cities = places
    round_table = make_round_table(starts_at=NOW - datetime.timedelta(hours=3))
    client.force_login(make_coordinator())
    grow_registrations(round_table, cities, 1, statuses=("confirmed", "waitlisted", "cancelled"))

    def grow(factor):
        grow_registrations(
            round_table, cities, factor, statuses=("confirmed", "waitlisted", "cancelled")
        )
        WalkIn.objects.bulk_create(
            WalkIn(round_table=round_table, name=f"Walk-in {n}", city=cities[0])
            for n in range(round_table.walk_ins.count(), factor)
        )

    assert_constant_queries(client, f"/round-tables/{round_table.slug}/{page}", grow)


def test_the_csv_export_query_count_does_not_grow_with_registrations(client, places):
    _regions, cities = places
    round_table = make_round_table()
    client.force_login(make_coordinator())
    grow_registrations(round_table, cities, 1)
    assert_constant_queries(
        client,
        f"/round-tables/{round_table.slug}/registrations.csv",
        lambda factor: grow_registrations(round_table, cities, factor),
    )


def test_the_calendar_feed_query_count_does_not_grow_with_round_tables(client, places):
    regions, cities = places
    grow_round_tables(1, regions, cities)
    assert_constant_queries(
        client,
        "/round-tables/calendar.ics",
        lambda factor: grow_round_tables(factor, regions, cities),
    )


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_city_page_with_its_round_tables_holds_its_query_count(client, places, who):
    """Held round tables the city attended (each with its cities) and upcoming ones in its
    subregion grow together; the city page's round tables section stays three queries."""
    regions, cities = places
    city = cities[0]
    if who == "member":
        client.force_login(make_membership(city=city).user)

    def grow(factor):
        grow_round_tables(factor, regions, cities)
        for round_table in RoundTable.objects.filter(status=RoundTable.Status.HELD):
            have = round_table.walk_ins.count()
            WalkIn.objects.bulk_create(
                WalkIn(round_table=round_table, name=f"Walk-in {n}", city=cities[n % len(cities)])
                for n in range(have, factor)
            )

    grow(2)
    page = client.get(city.get_absolute_url()).content.decode()
    assert 'id="section-round-tables"' in page and "Round table number 1" in page
    cache.changed()  # count the page drawn afresh, as after every grow(), not the one kept
    counts = assert_constant_queries(client, city.get_absolute_url(), lambda f: grow(2 * f))
    print(f"city page queries ({who}) at 1x, 10x, 100x round tables: {counts}")

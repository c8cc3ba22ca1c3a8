import csv
import datetime
import io
import time
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cities import services as city_services
from cities.models import Membership
from roundtables import services
from roundtables.models import MAX_MATERIAL_BYTES, Material, Registration, RoundTable
from tests.factories import (
    make_city,
    make_coordinator,
    make_membership,
    make_region,
    make_registration,
    make_round_table,
    make_user,
)
from tests.hostile import server_errors

pytestmark = pytest.mark.django_db

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
NOW = timezone.now()


def html_of(response) -> str:
    return response.content.decode()


def staff_client(client, city=None):
    membership = make_membership(city=city or make_city())
    client.force_login(membership.user)
    return membership


def in_the_past(round_table, hours=3):
    RoundTable.objects.filter(pk=round_table.pk).update(
        starts_at=NOW - datetime.timedelta(hours=hours),
        ends_at=NOW - datetime.timedelta(hours=hours - 2),
    )
    round_table.refresh_from_db()
    return round_table


# --- Public pages ----------------------------------------------------------------------------


def test_the_list_shows_upcoming_and_past_round_tables_by_quarter_with_seats_left(client):
    region = make_region(name="Westside")
    upcoming = make_round_table(
        title="Westside Q3",
        region=region,
        capacity=30,
        starts_at=datetime.datetime(2031, 8, 14, 10, tzinfo=PACIFIC),
    )
    make_registration(round_table=upcoming)
    past = in_the_past(make_round_table(title="Westside earlier", region=region))
    RoundTable.objects.filter(pk=past.pk).update(status=RoundTable.Status.HELD)

    html = html_of(client.get("/round-tables/"))

    upcoming_part, past_part = html.split('id="past-heading"')
    assert "Westside Q3" in upcoming_part and "Q3 2031" in upcoming_part
    assert "29 of 30 seats left" in upcoming_part
    assert "Thursday, Aug. 14, 2031, 10 a.m." in upcoming_part
    assert ">PDT</abbr>" in upcoming_part
    assert "Westside earlier" in past_part and "Held" in past_part
    in_the_past(make_round_table(title="Not recorded yet", region=region))
    past_part = html_of(client.get("/round-tables/")).split('id="past-heading"')[1]
    assert "Ended" in past_part


def test_the_list_filters_by_year_quarter_and_subregion_from_the_address(client):
    westside, gateway = make_region(name="Westside"), make_region(name="Gateway")
    make_round_table(
        title="W Q1", region=westside, starts_at=datetime.datetime(2031, 2, 13, 10, tzinfo=PACIFIC)
    )
    make_round_table(
        title="W Q2", region=westside, starts_at=datetime.datetime(2031, 5, 8, 10, tzinfo=PACIFIC)
    )
    make_round_table(
        title="G Q2", region=gateway, starts_at=datetime.datetime(2031, 5, 8, 10, tzinfo=PACIFIC)
    )
    make_round_table(
        title="All Q2", region=None, starts_at=datetime.datetime(2031, 5, 9, 10, tzinfo=PACIFIC)
    )

    def titles(query):
        html = html_of(client.get("/round-tables/" + query))
        return {t for t in ["W Q1", "W Q2", "G Q2", "All Q2"] if f">{t}</a>" in html}

    assert titles("") == {"W Q1", "W Q2", "G Q2", "All Q2"}
    assert titles("?year=2031&quarter=2") == {"W Q2", "G Q2", "All Q2"}
    assert titles("?region=westside") == {"W Q1", "W Q2"}
    assert titles("?region=county-wide") == {"All Q2"}
    assert titles("?quarter=2&region=gateway") == {"G Q2"}


def test_a_filter_that_makes_no_sense_says_so_and_shows_everything(client):
    make_round_table(title="Only one")
    response = client.get("/round-tables/?quarter=7&region=atlantis")
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="id_quarter_error"' in html and 'id="id_region_error"' in html
    assert ">Only one</a>" in html


def test_the_round_table_page_shows_the_agenda_sanitised_and_the_time_with_its_zone(client):
    round_table = make_round_table(
        title="Gateway round table",
        starts_at=datetime.datetime(2031, 1, 16, 14, tzinfo=PACIFIC),
        venue="Downey Library",
        agenda="## Agenda\n\n1. Welcome\n2. <script>alert(1)</script>[Data](javascript:alert(1))",
    )
    html = html_of(client.get(round_table.get_absolute_url()))

    assert '<h1 class="site-page-title">Gateway round table</h1>' in html
    assert "Thursday, Jan. 16, 2031, 2 p.m." in html and ">PST</abbr>" in html
    assert "Q1 2031" in html and "Downey Library" in html
    assert "<h3>Agenda</h3>" in html and "<li>Welcome</li>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert "40 of 40 seats left" in html


def test_the_meeting_link_is_shown_only_to_people_with_a_seat(client):
    round_table = make_round_table(online_url="https://meet.example.org/secret-room")
    assert "secret-room" not in html_of(client.get(round_table.get_absolute_url()))
    assert "the link goes to people with a confirmed seat" in html_of(
        client.get(round_table.get_absolute_url())
    )
    registration = make_registration(round_table=round_table)
    client.force_login(registration.user)
    assert "secret-room" in html_of(client.get(round_table.get_absolute_url()))


@pytest.mark.parametrize("how", ["removed by the lead", "ended in the admin"])
def test_someone_no_longer_a_member_of_their_city_loses_the_meeting_link(client, how):
    round_table = make_round_table(online_url="https://meet.example.org/secret-room")
    membership = staff_client(client)
    services.registration_create(
        round_table=round_table, user=membership.user, city=membership.city
    )
    ics = f"/round-tables/{round_table.slug}/calendar.ics"
    assert "secret-room" in html_of(client.get(round_table.get_absolute_url()))
    assert b"secret-room" in client.get(ics).content

    if how == "removed by the lead":
        lead = make_membership(city=membership.city, role="lead").user
        city_services.membership_remove(membership=membership, by=lead)
    else:
        # A status changed outside the services cancels nothing; the page still checks.
        Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.REMOVED)

    assert "secret-room" not in html_of(client.get(round_table.get_absolute_url()))
    assert b"secret-room" not in client.get(ics).content


@pytest.mark.parametrize("who", ["walk-in", "former member", "member", "registered only"])
def test_a_city_page_never_says_not_yet_above_a_round_table_it_attended(client, who):
    """The ladder and the round tables section read the same facts the same way."""
    round_table = in_the_past(make_round_table(title="Gateway data round table"))
    city = make_city(name="Bell Gardens")
    if who == "walk-in":  # nobody from the city is a member: it is not registered
        services.walk_in_add(round_table=round_table, name="Dana Díaz", city=city)
    else:
        membership = make_membership(city=city)
        registration = make_registration(round_table=round_table, user=membership.user, city=city)
        attended = [] if who == "registered only" else [registration.pk]
        services.attendance_record(round_table=round_table, attended=attended)
        if who == "former member":
            Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.REMOVED)
    services.round_table_mark_held(round_table=round_table)

    html = html_of(client.get(city.get_absolute_url()))

    ladder = html.split('id="participation-heading"', 1)[1].split("</ul>", 1)[0]
    section = html.split('id="city-round-tables-attended"', 1)[1].split("<h3", 1)[0]
    listed = "Gateway data round table" in section
    assert listed is (who != "registered only")
    if listed:
        assert "Not yet: Attended a round table" not in ladder
    if who == "member":
        assert "Done: Attended a round table" in ladder
    elif who in ("walk-in", "former member"):
        assert "Done, but counts only once the city is registered: Attended a round table" in ladder
    else:
        assert "Not yet: Attended a round table" in ladder
        assert "Nobody from Bell Gardens is recorded at a round table yet." in section


def test_after_the_event_the_page_shows_minutes_materials_and_the_cities_that_attended(client):
    city = make_city(name="Culver City")
    round_table = make_round_table(title="Westside data round table")
    registration = make_registration(round_table=round_table, city=city)
    in_the_past(round_table)
    services.attendance_record(round_table=round_table, attended=[registration.pk], mark_held=True)
    services.minutes_publish(round_table=round_table, minutes="We **agreed** on open data.")
    services.material_add(round_table=round_table, title="Slides", url="https://example.org/s")

    html = html_of(client.get(round_table.get_absolute_url()))

    assert "Cities that attended" in html and "Culver City" in html
    assert "We <strong>agreed</strong> on open data." in html
    assert 'href="https://example.org/s"' in html
    assert "This round table has taken place." in html


def test_a_city_page_lists_the_round_tables_it_attended_and_those_coming_in_its_subregion(
    client,
):
    westside, gateway = make_region(name="Westside"), make_region(name="Gateway")
    weho = make_city(name="West Hollywood", region=westside)
    culver, downey = make_city(name="Culver City", region=westside), make_city(region=gateway)
    held = make_round_table(title="Westside data & privacy", region=westside)
    came = make_registration(round_table=held, city=culver)
    in_the_past(held)
    services.walk_in_add(round_table=held, name="Dana Díaz", city=weho)
    services.attendance_record(round_table=held, attended=[came.pk], mark_held=True)
    not_attended = in_the_past(make_round_table(title="Westside mobility", region=westside))
    RoundTable.objects.filter(pk=not_attended.pk).update(status=RoundTable.Status.HELD)
    make_round_table(title="Westside next quarter", region=westside)
    make_round_table(title="County-wide summit")
    make_round_table(title="Gateway next quarter", region=gateway)
    make_round_table(title="Called off", region=westside, status=RoundTable.Status.CANCELLED)

    html = html_of(client.get(weho.get_absolute_url()))

    section = html.split('id="section-round-tables"')[1]
    attended, upcoming = section.split('id="city-round-tables-upcoming"')
    assert "Westside data &amp; privacy" in attended and "Westside mobility" not in attended
    assert "Cities that attended:" in attended
    assert ">Culver City</a>, <a" in attended and ">West Hollywood</a>" in attended
    assert "Westside next quarter" in upcoming and "County-wide summit" in upcoming
    assert "Gateway next quarter" not in upcoming and "Called off" not in upcoming
    assert "Nobody from" in html_of(client.get(downey.get_absolute_url()))


def test_a_round_table_leaves_a_city_page_s_upcoming_list_once_it_ends_with_nothing_saved(
    client,
):
    westside = make_region(name="Westside")
    weho = make_city(name="West Hollywood", region=westside)
    ending = timezone.now() + datetime.timedelta(seconds=2)
    make_round_table(
        title="Westside wrap-up",
        region=westside,
        starts_at=ending - datetime.timedelta(hours=1),
        ends_at=ending,
    )
    make_round_table(title="Westside next quarter", region=westside)

    upcoming = html_of(client.get(weho.get_absolute_url())).split("city-round-tables-upcoming")[1]
    assert "Westside wrap-up" in upcoming and "Westside next quarter" in upcoming
    while timezone.now() <= ending:  # the clock moves; no row changes
        time.sleep(0.2)

    upcoming = html_of(client.get(weho.get_absolute_url())).split("city-round-tables-upcoming")[1]
    assert "Westside wrap-up" not in upcoming and "Westside next quarter" in upcoming


def test_a_round_table_that_does_not_exist_is_a_404(client):
    assert client.get("/round-tables/atlantis/").status_code == 404
    assert client.get("/round-tables/atlantis/calendar.ics").status_code == 404


# --- Signing up ------------------------------------------------------------------------------


def test_visitors_are_invited_to_sign_in_and_people_without_a_city_to_join_one(client):
    round_table = make_round_table()
    html = html_of(client.get(round_table.get_absolute_url()))
    assert "Sign in to sign up" in html

    client.force_login(make_user())
    html = html_of(client.get(round_table.get_absolute_url()))
    assert "Only approved staff of a city can sign up" in html
    response = client.post(f"/round-tables/{round_table.slug}/sign-up/", {"city": make_city().pk})
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_staff_sign_up_for_their_city_and_see_their_seat(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    round_table = make_round_table(capacity=1)
    membership = staff_client(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/round-tables/{round_table.slug}/sign-up/", {"city": membership.city.pk}, follow=True
        )

    html = html_of(response)
    assert "You have a seat. A confirmation with a calendar file is on its way." in html
    assert f"You have a seat, for {membership.city.name}." in html
    assert "Cancel my registration" in html
    assert len(mailoutbox) == 1


def test_a_full_round_table_puts_the_next_person_on_the_waitlist_and_says_where(client):
    round_table = make_round_table(capacity=1)
    make_registration(round_table=round_table)
    membership = staff_client(client)
    assert "Join the waitlist" in html_of(client.get(round_table.get_absolute_url()))

    response = client.post(
        f"/round-tables/{round_table.slug}/sign-up/", {"city": membership.city.pk}, follow=True
    )

    html = html_of(response)
    assert "you are on the waitlist at position 1" in html
    assert f"You are on the waitlist at position 1, for {membership.city.name}." in html


def test_signing_up_without_choosing_a_city_is_refused_next_to_the_field(client):
    round_table = make_round_table()
    staff_client(client)
    response = client.post(f"/round-tables/{round_table.slug}/sign-up/", {"city": ""})
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="id_city_error"' in html and "Choose the city you are signing up for." in html
    assert not Registration.objects.exists()


def test_signing_up_for_another_city_twice_or_too_late_is_refused_with_a_message(client):
    round_table = make_round_table()
    membership = staff_client(client)
    url = f"/round-tables/{round_table.slug}/sign-up/"

    html = html_of(client.post(url, {"city": make_city().pk}))
    assert "You can sign up only for a city you are an approved member of." in html

    client.post(url, {"city": membership.city.pk})
    # A second tab still showing the form.
    html = html_of(client.post(url, {"city": membership.city.pk}, follow=True))
    assert "You are already signed up for this round table." in html
    assert Registration.objects.count() == 1

    closed = make_round_table(registration_deadline=NOW - datetime.timedelta(hours=1))
    html = html_of(
        client.post(
            f"/round-tables/{closed.slug}/sign-up/", {"city": membership.city.pk}, follow=True
        )
    )
    assert "Sign-ups closed on" in html
    assert not closed.registrations.exists()


def test_cancelling_from_the_page_gives_the_seat_to_the_waitlist(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    round_table = make_round_table(capacity=1)
    membership = staff_client(client)
    mine = services.registration_create(
        round_table=round_table, user=membership.user, city=membership.city
    )
    waiting = make_registration(round_table=round_table, status=Registration.Status.WAITLISTED)
    url = f"/round-tables/registrations/{mine.pk}/cancel/"

    assert "Give up your seat at" in html_of(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": round_table.get_absolute_url()}, follow=True)

    html = html_of(response)
    assert "Your registration is cancelled." in html
    assert "The seat went to the first person on the waitlist, who has been emailed." in html
    assert Registration.objects.get(pk=waiting.pk).is_confirmed
    assert [m.to for m in mailoutbox] == [[waiting.user.email], [membership.user.email]]


@pytest.mark.parametrize("value", ["0", "foo", "//example.org", "javascript:alert(1)", None])
def test_cancelling_with_a_bad_next_value_goes_back_to_the_round_table(client, value):
    round_table = make_round_table(capacity=5)
    membership = staff_client(client)
    mine = services.registration_create(
        round_table=round_table, user=membership.user, city=membership.city
    )
    url = f"/round-tables/registrations/{mine.pk}/cancel/"
    query = {} if value is None else {"next": value}

    page = client.get(url, query)
    response = client.post(url, query)

    assert page.status_code == 200
    assert f'href="{round_table.get_absolute_url()}"' in html_of(page)
    assert response.status_code == 302
    assert response["Location"] == round_table.get_absolute_url()
    assert Registration.objects.get(pk=mine.pk).is_cancelled


def test_nobody_can_cancel_someone_elses_registration_but_organizers(client):
    registration = make_registration()
    staff_client(client)
    assert client.post(f"/round-tables/registrations/{registration.pk}/cancel/").status_code == 404
    assert Registration.objects.get(pk=registration.pk).is_confirmed


def test_my_round_tables_lists_registrations_with_status_and_waitlist_position(client):
    membership = staff_client(client)
    seated = make_round_table(title="Seat here", capacity=5)
    full = make_round_table(title="Full one", capacity=1)
    make_registration(round_table=full)
    services.registration_create(round_table=seated, user=membership.user, city=membership.city)
    services.registration_create(round_table=full, user=membership.user, city=membership.city)
    earlier = in_the_past(make_round_table(title="Been there"))
    make_registration(
        round_table=earlier, user=membership.user, city=membership.city, attended=True
    )

    html = html_of(client.get("/round-tables/mine/"))

    upcoming, past = html.split('id="mine-past"')
    assert "Seat here" in upcoming and "Confirmed" in upcoming
    assert "Full one" in upcoming and "Waitlisted, position 1" in upcoming
    assert "Been there" in past and "Attended" in past


# --- Organizers ------------------------------------------------------------------------------


def coordinator_client(client):
    coordinator = make_coordinator()
    client.force_login(coordinator)
    return coordinator


def form_data(**overrides):
    return {
        "title": "South Bay round table",
        "region": "",
        "host_city": "",
        "starts_at": "2031-05-08T10:00",
        "ends_at": "2031-05-08T12:00",
        "registration_deadline": "2031-05-06T17:00",
        "venue": "Torrance Civic Center",
        "address": "3031 Torrance Blvd",
        "online_url": "",
        "capacity": "25",
        "seats_per_city": "",
        "agenda": "Welcome",
        **overrides,
    }


def test_a_coordinator_schedules_a_round_table_in_pacific_time(client):
    coordinator_client(client)
    response = client.post("/round-tables/new/", form_data(), follow=True)
    round_table = RoundTable.objects.get()
    assert "The round table is scheduled." in html_of(response)
    assert round_table.starts_at == datetime.datetime(2031, 5, 8, 10, tzinfo=PACIFIC)
    assert round_table.slug == "south-bay-round-table" and round_table.region is None


def test_an_end_before_the_start_is_refused_next_to_the_field(client):
    coordinator_client(client)
    response = client.post("/round-tables/new/", form_data(ends_at="2031-05-08T09:00"))
    html = html_of(response)
    assert 'id="id_ends_at_error"' in html and "The end must come after the start." in html
    assert not RoundTable.objects.exists()


def test_a_capacity_below_the_confirmed_seats_is_refused_next_to_the_field(client):
    round_table = make_round_table(capacity=3)
    for _ in range(2):
        make_registration(round_table=round_table)
    coordinator_client(client)

    response = client.post(f"/round-tables/{round_table.slug}/edit/", form_data(capacity="1"))

    html = html_of(response)
    assert 'id="id_capacity_error"' in html
    assert "2 seats are already confirmed; the capacity cannot be lower." in html
    round_table.refresh_from_db()
    assert round_table.capacity == 3 and round_table.title != "South Bay round table"


def test_a_coordinator_creates_a_years_series_in_one_step(client):
    westside, gateway = make_region(name="Westside"), make_region(name="Gateway")
    coordinator_client(client)
    year = timezone.localdate().year + 1

    response = client.post(
        "/round-tables/series/new/",
        {"year": year, "regions": [westside.pk, gateway.pk], "capacity": 30},
        follow=True,
    )

    assert "8 round tables are scheduled." in html_of(response)
    assert RoundTable.objects.filter(region=westside).count() == 4
    assert response.redirect_chain[-1][0] == f"/round-tables/?year={year}"
    response = client.post("/round-tables/series/new/", {"year": year, "capacity": 30})
    assert "Choose at least one subregion." in html_of(response)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"capacity": "100000000000000000000"}, "capacity", "less than or equal to 10000"),
        ({"capacity": "3000000000"}, "capacity", "less than or equal to 10000"),
        ({"seats_per_city": "40000"}, "seats_per_city", "less than or equal to 10000"),
        ({"seats_per_city": "50"}, "seats_per_city", "at most as many seats per city as"),
    ],
)
def test_numbers_out_of_range_in_a_series_are_refused_next_to_the_field(
    client, data, field, message
):
    region = make_region()
    coordinator_client(client)

    response = client.post(
        "/round-tables/series/new/",
        {"year": timezone.localdate().year + 1, "regions": [region.pk], "capacity": 40, **data},
    )

    assert response.status_code == 200
    html = html_of(response)
    assert f'id="id_{field}_error"' in html and message in html
    assert not RoundTable.objects.exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"capacity": "100000000000000000000"}, "capacity", "less than or equal to 10000"),
        ({"seats_per_city": "40000"}, "seats_per_city", "less than or equal to 10000"),
        ({"seats_per_city": "30"}, "seats_per_city", "at most as many seats per city as"),
        (
            {"starts_at": "9999-12-31T22:00", "ends_at": "9999-12-31T23:59"},
            "starts_at",
            "Give a date between 2000 and 2100.",
        ),
        ({"registration_deadline": "0001-01-01T00:00"}, "registration_deadline", "2000 and 2100"),
    ],
)
def test_numbers_and_dates_out_of_range_are_refused_next_to_the_field(client, data, field, message):
    coordinator_client(client)
    response = client.post("/round-tables/new/", form_data(**data))
    assert response.status_code == 200
    html = html_of(response)
    assert f'id="id_{field}_error"' in html and message in html
    assert not RoundTable.objects.exists()


def test_nothing_typed_into_the_round_tables_pages_gives_a_server_error(client):
    region = make_region()
    upcoming = make_round_table(region=region)
    past = in_the_past(make_round_table())
    registration = make_registration(round_table=upcoming)
    member = make_membership()
    hostile = ["9" * 30, "9" * 5000, "-1", "abc", "1e5", "\x00", "%", "[]"]

    def requests(value):
        past_url, upcoming_url = f"/round-tables/{past.slug}", f"/round-tables/{upcoming.slug}"
        return [
            ("get", "/round-tables/", {"year": value, "quarter": value, "region": value}),
            ("get", f"/round-tables/registrations/{registration.pk}/cancel/", {"next": value}),
            ("get", f"/round-tables/registrations/{value}/cancel/", {}),
            ("post", f"{upcoming_url}/sign-up/", {"city": value}),
            ("post", f"{past_url}/attendance/", {"attended": [value], "mark_held": 1}),
            ("post", f"{past_url}/attendance/walk-ins/", {"name": value, "city": value}),
            ("post", f"{past_url}/minutes/materials/", {"title": value, "url": value}),
            ("post", f"{upcoming_url}/edit/", form_data(capacity=value, region=value)),
            ("post", "/round-tables/new/", form_data(seats_per_city=value, ends_at=value)),
            (
                "post",
                "/round-tables/series/new/",
                {"year": value, "regions": [value], "capacity": value},
            ),
        ]

    users = [None, make_coordinator(), member.user]
    assert server_errors(client, users, hostile, requests) == []
    assert RoundTable.objects.count() == 2 and Registration.objects.count() == 1


def test_cancelling_a_round_table_from_its_page_emails_the_registrants(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    round_table = make_round_table()
    make_registration(round_table=round_table)
    make_registration(round_table=round_table, status=Registration.Status.WAITLISTED)
    coordinator_client(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/round-tables/{round_table.slug}/cancel/", {"note": "Budget freeze"}, follow=True
        )

    assert "The round table is cancelled and its 2 registrants have been emailed." in html_of(
        response
    )
    assert "This round table is cancelled" in html_of(response)
    assert len(mailoutbox) == 2


def test_the_registrations_page_shows_the_waitlist_in_order_and_counts_per_city(client):
    round_table = make_round_table(capacity=2)
    weho, culver = make_city(name="West Hollywood"), make_city(name="Culver City")
    make_registration(round_table=round_table, city=weho)
    make_registration(round_table=round_table, city=weho)
    first = make_registration(round_table=round_table, city=culver, status="waitlisted")
    second = make_registration(round_table=round_table, city=weho, status="waitlisted")
    coordinator_client(client)

    html = html_of(client.get(f"/round-tables/{round_table.slug}/registrations/"))

    assert "2 of 2 seats confirmed; 2 on the waitlist." in html
    waitlist = html.split('id="waitlist-heading"')[1]
    assert waitlist.index(first.user.email) < waitlist.index(second.user.email)
    by_city = html.split('id="per-city-heading"')[1].split("</table>")[0]
    assert 'West Hollywood</th><td class="site-num">2</td><td class="site-num">1</td>' in by_city
    assert 'Culver City</th><td class="site-num">0</td><td class="site-num">1</td>' in by_city


def test_organizers_can_cancel_a_registration_after_sign_ups_close_until_the_start(client):
    round_table = make_round_table(
        registration_deadline=NOW - datetime.timedelta(hours=1),
        starts_at=NOW + datetime.timedelta(days=1),
    )
    registration = make_registration(round_table=round_table)
    coordinator_client(client)
    url = f"/round-tables/{round_table.slug}/registrations/"
    cancel = f"/round-tables/registrations/{registration.pk}/cancel/"

    assert cancel in html_of(client.get(url))
    RoundTable.objects.filter(pk=round_table.pk).update(
        starts_at=NOW - datetime.timedelta(minutes=10), ends_at=NOW + datetime.timedelta(hours=1)
    )
    assert cancel not in html_of(client.get(url))


def test_someone_who_signs_up_again_shows_their_new_arrival_time(client):
    round_table = make_round_table(starts_at=datetime.datetime(2031, 5, 8, 10, tzinfo=PACIFIC))
    membership = make_membership()
    registered = datetime.datetime(2030, 3, 2, 9, 15, tzinfo=PACIFIC)
    again = datetime.datetime(2030, 3, 9, 16, 40, tzinfo=PACIFIC)
    registration = services.registration_create(
        round_table=round_table, user=membership.user, city=membership.city, now=registered
    )
    services.registration_cancel(registration=registration, now=registered)
    services.registration_create(
        round_table=round_table, user=membership.user, city=membership.city, now=again
    )
    coordinator_client(client)

    html = html_of(client.get(f"/round-tables/{round_table.slug}/registrations/"))
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/round-tables/{round_table.slug}/registrations.csv").content.decode()
            )
        )
    )

    assert "03/09/2030 4:40 p.m." in html and "03/02/2030" not in html
    assert rows[1][6] == "2030-03-09 16:40"


def test_the_registrations_export_as_csv_that_spreadsheets_cannot_run(client):
    round_table = make_round_table(capacity=1)
    make_registration(round_table=round_table, user=make_user(name="=HYPERLINK(evil)"))
    make_registration(round_table=round_table, status="waitlisted")
    coordinator_client(client)

    response = client.get(f"/round-tables/{round_table.slug}/registrations.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Name", "Email", "City", "Status"]
    assert rows[1][0] == "'=HYPERLINK(evil)" and rows[1][3] == "Confirmed"
    assert rows[2][3] == "Waitlisted" and rows[2][4] == "1"


def test_a_coordinator_records_attendance_and_walk_ins_and_marks_it_held(client):
    city = make_city(name="Beverly Hills")
    round_table = make_round_table()
    came = make_registration(round_table=round_table, city=city)
    absent = make_registration(round_table=round_table)
    coordinator_client(client)
    assert "once the round table has started" in html_of(
        client.get(f"/round-tables/{round_table.slug}/attendance/")
    )
    in_the_past(round_table)

    client.post(
        f"/round-tables/{round_table.slug}/attendance/walk-ins/",
        {"name": "Dana Díaz", "city": make_city(name="Malibu").pk, "organization": ""},
    )
    response = client.post(
        f"/round-tables/{round_table.slug}/attendance/",
        {"attended": [came.pk], "mark_held": "1"},
        follow=True,
    )

    html = html_of(response)
    assert "Attendance is saved: 1 registrant attended." in html
    assert "The round table is marked as held." in html
    assert "Beverly Hills" in html and "Malibu" in html
    assert Registration.objects.get(pk=came.pk).attended
    assert not Registration.objects.get(pk=absent.pk).attended
    assert RoundTable.objects.held().count() == 1


def test_a_walk_in_without_a_name_is_refused(client):
    round_table = in_the_past(make_round_table())
    coordinator_client(client)
    html = html_of(
        client.post(f"/round-tables/{round_table.slug}/attendance/walk-ins/", {"name": ""})
    )
    assert 'id="id_name_error"' in html
    assert not round_table.walk_ins.exists()


def pdf_upload(content=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", name="slides.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_uploaded_pdf_is_published_and_served_as_an_attachment(client):
    round_table = in_the_past(make_round_table())
    coordinator_client(client)

    response = client.post(
        f"/round-tables/{round_table.slug}/minutes/materials/",
        {"title": "Slides: smart poles", "url": "", "file": pdf_upload()},
        follow=True,
    )
    assert "“Slides: smart poles” is published." in html_of(response)
    material = Material.objects.get()

    client.logout()
    download = client.get(material.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="slides-smart-poles.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert "Slides: smart poles" in html_of(client.get(round_table.get_absolute_url()))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload(b"<html><script>x</script>", "slides.pdf"), "This file is not a PDF."),
        (
            pdf_upload(b"%PDF-" + b"0" * MAX_MATERIAL_BYTES),
            "This file is too large: a PDF can be at most 10 MB.",
        ),
    ],
    ids=["html named .pdf", "over 10 MB"],
)
def test_an_upload_that_is_not_a_pdf_or_too_large_is_refused_with_a_reason(client, upload, message):
    round_table = in_the_past(make_round_table())
    coordinator_client(client)

    response = client.post(
        f"/round-tables/{round_table.slug}/minutes/materials/",
        {"title": "Slides", "url": "", "file": upload},
    )

    html = html_of(response)
    assert 'id="id_file_error"' in html and message in html
    assert not Material.objects.exists()


def test_a_material_is_a_link_or_a_file_not_both_nor_neither(client):
    round_table = in_the_past(make_round_table())
    coordinator_client(client)
    url = f"/round-tables/{round_table.slug}/minutes/materials/"
    for data in [
        {"title": "Both", "url": "https://example.org", "file": pdf_upload()},
        {"title": "Neither", "url": ""},
    ]:
        assert "Give either a link or a PDF file, not both." in html_of(client.post(url, data))
    assert not Material.objects.exists()


def test_publishing_minutes_before_the_event_is_refused(client):
    round_table = make_round_table()
    coordinator_client(client)
    html = html_of(client.post(f"/round-tables/{round_table.slug}/minutes/", {"minutes": "Early"}))
    assert "Minutes and materials can be published once the round table has started." in html
    assert RoundTable.objects.get(pk=round_table.pk).minutes == ""

"""Calendar files are valid RFC 5545 that calendar apps (and icalendar) read back correctly."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from roundtables import services
from roundtables.models import RoundTable
from tests.factories import make_membership, make_region, make_registration, make_round_table

pytestmark = pytest.mark.django_db

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_a_round_tables_calendar_file_has_the_event_in_pacific_time_with_its_zone(client):
    starts = datetime.datetime(2030, 7, 11, 10, tzinfo=PACIFIC)  # daylight time
    round_table = make_round_table(
        title="Westside round table, Q3 2030",
        starts_at=starts,
        venue="West Hollywood City Hall",
        address="8300 Santa Monica Blvd",
        agenda="# Agenda\n\n- Smart **streetlights**",
    )

    calendar = parse(client.get(f"/round-tables/{round_table.slug}/calendar.ics"))

    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Los_Angeles"
    rules = zone.to_tz(lookup_tzid=False)  # the file's own rules, not the system's
    for moment in [datetime.datetime(2030, 1, 15, 10), datetime.datetime(2030, 7, 11, 10)]:
        assert (
            moment.replace(tzinfo=rules).utcoffset() == moment.replace(tzinfo=PACIFIC).utcoffset()
        )
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTEND") == starts + datetime.timedelta(hours=2)
    assert str(event["SUMMARY"]) == "Westside round table, Q3 2030"
    assert str(event["LOCATION"]) == "West Hollywood City Hall, 8300 Santa Monica Blvd"
    assert "Smart streetlights" in str(event["DESCRIPTION"])
    assert "**" not in str(event["DESCRIPTION"])
    assert str(event["UID"]) == f"round-table-{round_table.pk}@roundtables.smartcity-collaborative"
    assert event["DTSTAMP"] and str(event["STATUS"]) == "CONFIRMED"


def test_the_uid_stays_and_the_sequence_rises_when_the_round_table_changes_or_is_cancelled(
    client,
):
    round_table = make_round_table()
    url = f"/round-tables/{round_table.slug}/calendar.ics"
    before = parse(client.get(url)).walk("VEVENT")[0]

    day = datetime.timedelta(days=1)
    services.round_table_update(
        round_table=round_table,
        starts_at=round_table.starts_at + day,
        ends_at=round_table.ends_at + day,
    )
    services.round_table_cancel(round_table=RoundTable.objects.get(pk=round_table.pk))
    after = parse(client.get(url)).walk("VEVENT")[0]

    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 2
    assert str(after["STATUS"]) == "CANCELLED"


def test_the_meeting_link_is_only_in_calendar_files_of_people_with_a_seat(client):
    round_table = make_round_table(online_url="https://meet.example.org/round-table-secret")
    url = f"/round-tables/{round_table.slug}/calendar.ics"
    assert b"round-table-secret" not in client.get(url).content

    registration = make_registration(round_table=round_table)
    client.force_login(registration.user)
    event = parse(client.get(url)).walk("VEVENT")[0]
    assert "round-table-secret" in str(event["DESCRIPTION"])
    assert "round-table-secret" in str(event["LOCATION"])


def test_the_feeds_list_every_round_table_or_a_subregions_with_the_county_wide_ones(client):
    westside, gateway = make_region(name="Westside"), make_region(name="Gateway")
    ours = make_round_table(title="Westside Q1", region=westside)
    county = make_round_table(title="County-wide Q1", region=None)
    theirs = make_round_table(title="Gateway Q1", region=gateway)

    everything = parse(client.get("/round-tables/calendar.ics"))
    westside_feed = parse(client.get("/round-tables/subregions/westside/calendar.ics"))

    def titles(calendar):
        return {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}

    assert titles(everything) == {ours.title, county.title, theirs.title}
    assert titles(westside_feed) == {ours.title, county.title}
    assert "Westside" in str(westside_feed["X-WR-CALNAME"])
    assert len(everything.walk("VTIMEZONE")) == 1
    uids = [str(event["UID"]) for event in everything.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert client.get("/round-tables/subregions/atlantis/calendar.ics").status_code == 404


def test_feeds_never_carry_meeting_links(client):
    make_round_table(online_url="https://meet.example.org/private-room")
    membership = make_membership()
    client.force_login(membership.user)
    assert b"private-room" not in client.get("/round-tables/calendar.ics").content


def test_calendar_lines_are_folded_and_end_with_crlf(client):
    make_round_table(title="A round table with a deliberately long title " * 3)
    content = client.get("/round-tables/calendar.ics").content
    lines = content.split(b"\r\n")
    assert content.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in lines)

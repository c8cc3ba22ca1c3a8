"""iCalendar (RFC 5545) files: one round table, or a feed that calendar apps subscribe to.

UIDs are stable (the round table's id and a fixed domain), so an edited or cancelled round
table replaces the copy in people's calendars; SEQUENCE goes up with each such change. Times
are written in America/Los_Angeles with its VTIMEZONE, so they stay right across DST changes.
"""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from cities.common.site import absolute
from cities.common.text import plain_text
from roundtables.models import RoundTable

PRODID = "-//Open Sourced Smart City Collaborative//Round tables//EN"
UID_DOMAIN = "roundtables.smartcity-collaborative"
TZID = "America/Los_Angeles"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def uid(round_table: RoundTable) -> str:
    return f"round-table-{round_table.pk}@{UID_DOMAIN}"


def pacific_vtimezone() -> Timezone:
    """America/Los_Angeles as US rules have defined it since 2007 (second Sunday of March to
    first Sunday of November), the compact form calendar apps publish themselves."""
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "PDT")
    daylight.add("tzoffsetfrom", datetime.timedelta(hours=-8))
    daylight.add("tzoffsetto", datetime.timedelta(hours=-7))
    daylight.add("dtstart", datetime.datetime(2007, 3, 11, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "2SU"})
    standard = TimezoneStandard()
    standard.add("tzname", "PST")
    standard.add("tzoffsetfrom", datetime.timedelta(hours=-7))
    standard.add("tzoffsetto", datetime.timedelta(hours=-8))
    standard.add("dtstart", datetime.datetime(2007, 11, 4, 2, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 11, "byday": "1SU"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def _event(round_table: RoundTable, *, stamp: datetime.datetime, with_online_link: bool) -> Event:
    tz = timezone.get_default_timezone()
    event = Event()
    event.add("uid", uid(round_table))
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(round_table.starts_at, tz))
    event.add("dtend", timezone.localtime(round_table.ends_at, tz))
    event.add("summary", round_table.title)
    event.add("sequence", round_table.calendar_sequence)
    event.add("last-modified", round_table.updated_at.astimezone(datetime.UTC))
    event.add("created", round_table.created_at.astimezone(datetime.UTC))
    page = absolute(round_table.get_absolute_url())
    event.add("url", page)
    place = ", ".join(part for part in [round_table.venue, round_table.address] if part)
    if with_online_link and round_table.online_url:
        place = f"{place} ({round_table.online_url})" if place else round_table.online_url
    elif round_table.online_url:
        place = f"{place} ({_('online')})" if place else _("Online")
    if place:
        event.add("location", place)
    description = [plain_text(round_table.agenda)] if round_table.agenda else []
    if with_online_link and round_table.online_url:
        description.append(_("Join online: %(url)s") % {"url": round_table.online_url})
    description.append(page)
    event.add("description", "\n\n".join(description))
    if round_table.status == RoundTable.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def calendar_bytes(
    round_tables: Iterable[RoundTable],
    *,
    name: str,
    with_online_link: bool = False,
) -> bytes:
    """A VCALENDAR with one VEVENT per round table and the Pacific time zone's definition."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    calendar.add_component(pacific_vtimezone())
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for round_table in round_tables:
        calendar.add_component(_event(round_table, stamp=stamp, with_online_link=with_online_link))
    return calendar.to_ical()


# How far back a feed reaches: last year's round tables stay in subscribers' calendars.
FEED_HISTORY = datetime.timedelta(days=400)


def feed(region=None) -> bytes:
    """The feed calendar apps subscribe to: every round table, or those open to a subregion's
    cities (its own and the county-wide ones), from FEED_HISTORY ago on."""
    round_tables = RoundTable.objects.filter(starts_at__gte=timezone.now() - FEED_HISTORY).order_by(
        "starts_at"
    )
    if region is None:
        return calendar_bytes(round_tables, name=_("Smart City Collaborative round tables"))
    return calendar_bytes(
        round_tables.open_to(region),
        name=_("Smart City Collaborative round tables: %(region)s") % {"region": region},
    )

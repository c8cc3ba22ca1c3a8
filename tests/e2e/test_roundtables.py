import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cities.models import City
from roundtables.models import RoundTable
from tests.factories import make_coordinator, make_membership, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def staff_of(slug, name, email):
    user = make_user(name=name, email=email)
    make_membership(user=user, city=City.objects.get(slug=slug))
    return user


def tick(page, label):
    # USWDS draws its own box and hides the input, so click the label as a person does.
    page.locator("label", has_text=label).click()
    expect(page.get_by_label(label)).to_be_checked()


def sign_up(page, round_table_title, city_name, *, button="Sign up"):
    page.goto("/round-tables/")
    page.get_by_role("link", name=round_table_title).first.click()
    page.get_by_label("On behalf of").select_option(label=city_name)
    page.get_by_role("button", name=button).click()


def test_a_year_of_round_tables_fills_up_moves_the_waitlist_and_counts_once_held(
    page, mailoutbox, seeded_transactional, sign_in, sign_out
):
    make_coordinator(email="casey@weho.example", name="Casey Coordinator")
    staff_of("west-hollywood", "Wren Hollis", "wren@weho.example")
    staff_of("santa-monica", "Sam Monroe", "sam@smgov.example")
    staff_of("west-hollywood", "Wes Harper", "wes@weho.example")
    year = timezone.localdate().year + 1
    title = f"Westside Cities round table, Q1 {year}"

    # The coordinator schedules the year for two subregions, two seats each.
    sign_in("casey@weho.example")
    page.goto("/round-tables/")
    page.get_by_role("link", name="Schedule a year's series").click()
    page.get_by_label("Year").fill(str(year))
    tick(page, "Westside Cities")
    tick(page, "South Bay Cities")
    page.get_by_label("Capacity of each").fill("2")
    page.get_by_role("button", name="Create the series").click()
    expect(page.get_by_text("8 round tables are scheduled.")).to_be_visible()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(
        page.get_by_role("link", name=f"South Bay Cities round table, Q4 {year}")
    ).to_be_visible()
    sign_out()

    # Staff of two cities take both seats; a third person joins the waitlist.
    sign_in("wren@weho.example")
    sign_up(page, title, "West Hollywood")
    expect(page.get_by_text("You have a seat, for West Hollywood.")).to_be_visible()
    sign_out()

    sign_in("sam@smgov.example")
    sign_up(page, title, "Santa Monica")
    expect(page.get_by_text("You have a seat, for Santa Monica.")).to_be_visible()
    sign_out()

    sign_in("wes@weho.example")
    sign_up(page, title, "West Hollywood", button="Join the waitlist")
    expect(
        page.get_by_text("You are on the waitlist at position 1, for West Hollywood.")
    ).to_be_visible()
    sign_out()

    # Sam cancels from "My round tables"; Wes gets the seat at once and is told by email.
    sign_in("sam@smgov.example")
    page.goto("/round-tables/mine/")
    page.get_by_role("link", name=f"Cancel my registration for {title}").click()
    page.get_by_role("button", name="Yes, cancel the registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    sign_out()
    promotion = [m for m in mailoutbox if m.to == ["wes@weho.example"]][-1]
    assert promotion.subject.endswith(f"A seat is yours: {title}")
    assert promotion.attachments[0][0].endswith(".ics")

    # The day comes and goes.
    day_before_yesterday = timezone.now() - datetime.timedelta(days=2)
    RoundTable.objects.filter(title=title).update(
        registration_deadline=None,
        starts_at=day_before_yesterday,
        ends_at=day_before_yesterday + datetime.timedelta(hours=2),
    )

    # The coordinator records who came and marks the round table held.
    sign_in("casey@weho.example")
    page.goto("/")
    held = page.get_by_role("listitem").filter(has_text="Round tables held")
    expect(held).to_contain_text("0 of 2")
    page.goto("/round-tables/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Record attendance").click()
    tick(page, "Wren Hollis (West Hollywood)")
    tick(page, "Wes Harper (West Hollywood)")
    page.get_by_role("button", name="Save and mark as held").click()
    expect(page.get_by_text("The round table is marked as held.")).to_be_visible()
    expect(page.get_by_role("heading", name="Cities that attended")).to_be_visible()
    expect(page.get_by_role("link", name="West Hollywood", exact=True)).to_be_visible()

    # The city's page lists the round table its staff attended, and has reached the level.
    page.get_by_role("link", name="West Hollywood", exact=True).click()
    expect(page.get_by_role("heading", name="Round tables attended")).to_be_visible()
    expect(page.get_by_text("Done: Attended a round table")).to_be_visible()
    attended = page.locator("#section-round-tables + h3 + ul")
    expect(attended.get_by_role("link", name=title)).to_be_visible()
    expect(attended).to_contain_text("Cities that attended: West Hollywood")

    # The grant's figure moves.
    page.goto("/")
    held = page.get_by_role("listitem").filter(has_text="Round tables held")
    expect(held).to_contain_text("1 of 2")

    # The same pages in Spanish.
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/es/round-tables/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mesas redondas")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name="Ciudades que asistieron")).to_be_visible()


def test_the_organizer_pages_pass_axe_and_explain_bad_input(page, seeded_transactional, sign_in):
    from tests.factories import make_registration, make_round_table

    make_coordinator(email="casey@weho.example")
    upcoming = make_round_table(title="Gateway Cities round table", capacity=3)
    make_registration(round_table=upcoming, city=City.objects.get(slug="downey"))
    started = timezone.now() - datetime.timedelta(hours=3)
    past = make_round_table(title="South Bay data round table", starts_at=started)
    make_registration(round_table=past, city=City.objects.get(slug="torrance"), attended=True)

    sign_in("casey@weho.example")
    page.goto(f"/round-tables/{upcoming.slug}/registrations/")
    expect(page.get_by_role("heading", name="By city")).to_be_visible()
    page.get_by_role("link", name="Edit the round table").click()
    page.get_by_label("Capacity").fill("0")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("1 seat is already confirmed; the capacity cannot")).to_be_visible()
    page.get_by_label("Capacity").fill("100000000000000000000")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("less than or equal to 10000")).to_be_visible()
    page.goto(f"/round-tables/{upcoming.slug}/cancel/")
    expect(page.get_by_label("Message to the registrants")).to_be_visible()
    page.goto(f"/round-tables/{past.slug}/minutes/")
    page.get_by_role("textbox", name="Minutes").fill("We compared **open data** portals.")
    page.get_by_role("button", name="Publish the minutes").click()
    expect(page.get_by_text("The minutes are published.")).to_be_visible()
    page.get_by_label("Title").fill("Slides")
    page.get_by_label("PDF file").set_input_files(
        files=[{"name": "slides.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}]
    )
    page.get_by_role("button", name="Publish the material").click()
    expect(page.get_by_text("This file is not a PDF.")).to_be_visible()
    page.goto("/round-tables/?quarter=9")
    expect(page.get_by_text("Select a valid choice")).to_be_visible()
    page.goto(past.get_absolute_url())
    expect(page.get_by_text("Torrance")).to_be_visible()

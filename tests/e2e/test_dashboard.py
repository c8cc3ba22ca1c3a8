import csv
import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import enrol_mfa
from toolkit.demo.people import DEMO_PASSWORD
from toolkit.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def figures(page):
    found = {}
    for key in ("participating-cities", "toolkit-downloads", "round-tables-held"):
        text = page.locator(f"#measure-{key} .site-figure__value").inner_text()
        found[key] = re.match(r"(\d+) of (\d+)", text).groups()
    return found


def test_grant_staff_change_the_period_and_export_what_visitors_also_see(
    page, seeded_transactional, settings, sign_in, sign_out
):
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("load_demo_data", verbosity=0)
    settings.DEBUG = False
    # Outside the demo, grant staff have two-step verification set up.
    enrol_mfa(User.objects.get(email="program.officer@demo.example"))

    sign_in("program.officer@demo.example", DEMO_PASSWORD)

    page.get_by_role("link", name="Metrics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grant success measures")
    grant_period = figures(page)
    assert grant_period["participating-cities"] == ("4", "16")
    assert grant_period["round-tables-held"] == ("1", "2")
    expect(page.locator("#cities-table")).to_contain_text("Bradbury")

    # A period that ends before the demo's held round table: no round table in it.
    before = timezone.localdate() - datetime.timedelta(days=60)
    page.get_by_label("Start of the period").fill("2026-01-01")
    page.get_by_label("End of the period").fill(before.isoformat())
    page.get_by_role("button", name="Show this period").click()
    expect(page.locator("#measure-round-tables-held")).to_contain_text("0 of 2")

    with page.expect_download() as info:
        page.get_by_role("link", name="The three measures").click()
    with open(info.value.path(), encoding="utf-8-sig") as file:
        rows = [row for row in csv.reader(file) if row and not row[0].startswith("#")]
    exported = {row[0]: tuple(row[1:3]) for row in rows[1:]}
    on_page = figures(page)
    assert exported["Participating cities"] == on_page["participating-cities"]
    assert exported["Round tables held"] == on_page["round-tables-held"] == ("0", "2")

    sign_out()
    page.goto("/metrics/")
    assert figures(page) == grant_period
    expect(page.locator("#cities-table")).to_have_count(0)


def test_a_coordinator_traces_a_figure_to_its_records_and_closes_a_period(
    page, seeded_transactional, settings, sign_in
):
    settings.DEBUG = True  # the demo refuses to load otherwise
    call_command("load_demo_data", verbosity=0)
    settings.DEBUG = False
    # Outside the demo, coordinators have two-step verification set up.
    enrol_mfa(User.objects.get(email="coordinator@demo.example"))
    sign_in("coordinator@demo.example", DEMO_PASSWORD)

    page.goto("/metrics/")
    cities = figures(page)["participating-cities"][0]
    page.get_by_role("link", name="The records behind “Participating cities”").click()
    expect(page.locator("#records-figure")).to_have_text(cities)
    expect(page.locator("#records-cities tbody tr")).to_have_count(int(cities))

    page.goto("/metrics/")
    page.get_by_role("link", name="Close a reporting period").click()
    page.get_by_label("Start of the period").fill("2026-01-01")
    page.get_by_label("End of the period").fill("2026-03-31")
    page.get_by_role("button", name="Close the period").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grant report for")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the report (CSV)").click()
    assert info.value.suggested_filename.endswith(".csv")

    # Closing it again is refused, next to the field.
    page.goto("/metrics/periods/close/")
    page.get_by_label("Start of the period").fill("2026-01-01")
    page.get_by_label("End of the period").fill("2026-03-31")
    page.get_by_role("button", name="Close the period").click()
    expect(page.get_by_text("This period was already closed on")).to_be_visible()

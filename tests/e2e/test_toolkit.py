import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_coordinator

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_funding_for_smart_mobility_and_sees_a_coordinators_edit_in_the_history(
    page, seeded_transactional, sign_in, sign_out
):
    make_coordinator(email="kate@weho.example", name="Kate Coordinator")

    # A visitor narrows the toolkit to funding mechanisms for Smart Mobility.
    page.goto("/toolkit/")
    page.get_by_role("link", name="Browse every entry, with filters").click()
    page.get_by_label("Kind").select_option("funding")
    page.get_by_label("Focus area").select_option("smart-mobility")
    page.get_by_role("button", name="Show entries").click()
    expect(page).to_have_url(re.compile(r"kind=funding.*area=smart-mobility"))
    expect(page.get_by_role("status")).to_contain_text("5 entries")

    # ... searches a word, and opens the one entry it finds.
    page.get_by_label("Search words").fill("safety")
    page.get_by_role("button", name="Show entries").click()
    expect(page.get_by_role("status")).to_contain_text("1 entry")
    page.get_by_role("link", name="Safe Streets and Roads for All (SS4A) grants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Safe Streets and Roads for All (SS4A) grants"
    )
    entry_url = page.url
    page.get_by_role("link", name="See what changed, when and by whom").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History of")
    expect(page.get_by_text("This is where the record starts")).to_be_visible()

    # A coordinator signs in and edits that entry, with a preview first.
    sign_in("kate@weho.example", next_url=entry_url)
    page.get_by_role("link", name=re.compile(r"^Edit")).first.click()
    summary = page.get_by_label("Summary")
    summary.fill("Federal grants for safety action plans and projects that end traffic deaths.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_visible()
    page.get_by_role("button", name="Save the changes").click()
    expect(
        page.get_by_text(
            "Your changes to “Safe Streets and Roads for All (SS4A) grants” are saved."
        )
    ).to_be_visible()
    # Coordinators see the reorder and retire buttons on the focus area's page.
    page.goto("/toolkit/smart-mobility/")
    expect(page.get_by_role("button", name=re.compile(r"^Move up")).first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Retire")).first).to_be_visible()
    sign_out()

    # The visitor sees the new text, who changed it, and the words that changed.
    page.goto(entry_url)
    expect(page.get_by_text("that end traffic deaths.")).to_be_visible()
    expect(page.get_by_text(re.compile("Last changed on .* by Kate Coordinator"))).to_be_visible()
    page.get_by_role("link", name="See what changed, when and by whom").click()
    expect(page.get_by_role("heading", name="Changes from version 1 to version 2")).to_be_visible()
    changes = page.locator(".plans-changes")
    expect(changes.locator("dt")).to_have_text(["Summary"])
    expect(changes.locator("ins").first).to_contain_text("added:")
    expect(changes.locator("del").first).to_contain_text("removed:")
    expect(page.get_by_role("cell", name="Kate Coordinator")).to_be_visible()

"""West Hollywood adapts the model plan, publishes it, and keeps it in step with the model."""

import re

import pytest
from playwright.sync_api import expect

from cities.models import City, Membership
from tests.factories import make_coordinator, make_membership, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADOPTED = [
    "Adopt a short set of core values to screen smart city projects",
    "Build the plan around problems staff already face",
    "Run the plan through standing cross-department working groups",
]
ADAPTED = "Track every action in one place and report progress openly"
NOT_APPLICABLE = "Set aside a small internal innovation fund for staff pilots"


def choose(page, titles):
    for title in titles:
        # The box a person ticks is drawn by the label (USWDS hides the input itself).
        page.locator("label", has_text=f"Choose “{title}”").click()
        expect(page.get_by_label(f"Choose “{title}”")).to_be_checked()


def apply(page, action, reason=""):
    page.get_by_label("With the chosen entries").select_option(label=action)
    if reason:
        page.get_by_label("Reason, when not applicable").fill(reason)
    page.get_by_role("button", name="Apply to the chosen entries").click()


def test_west_hollywood_adapts_publishes_and_takes_an_update_from_the_model(
    page, seeded_transactional, sign_in, sign_out
):
    weho = City.objects.get(slug="west-hollywood")
    lead = make_user(email="lena@weho.example", name="Lena Lead")
    make_membership(user=lead, city=weho, role=Membership.Role.LEAD)
    make_coordinator(email="kate@weho.example", name="Kate Coordinator")

    # The lead starts West Hollywood's adaptation from the city's page.
    sign_in("lena@weho.example", next_url="/cities/west-hollywood/")
    page.get_by_role("link", name="Start the city's adaptation").click()
    expect(page.get_by_label("Title")).to_have_value("West Hollywood Smart City Plan")
    page.get_by_label("Summary").fill("How West Hollywood takes the model plan on.")
    page.get_by_role("button", name="Start our adaptation").click()
    expect(page.get_by_text("The adaptation is started")).to_be_visible()
    adaptation_url = page.url

    # Three entries adopted as they are, at once.
    choose(page, ADOPTED)
    apply(page, "Adopt them as they are")
    expect(page.get_by_text("3 entries changed.")).to_be_visible()

    # One adapted: the city's own words, previewed first.
    page.get_by_role("link", name=ADAPTED).click()
    page.get_by_role("link", name=re.compile("^Decide, adapt or record progress")).click()
    page.get_by_text("Adapt it: the city's own text, edited below").click()
    page.get_by_label("Summary").fill(
        "West Hollywood tracks its initiatives on one public dashboard and reports to council "
        "every quarter."
    )
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_label("Owner department").fill("Innovation Division")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"Your changes to “{ADAPTED}” are saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Compared with the model text")).to_be_visible()

    # One not applicable, with its reason.
    page.goto(adaptation_url)
    choose(page, [NOT_APPLICABLE])
    apply(page, "Mark them not applicable", reason="The city funds pilots from its IT budget.")
    expect(page.get_by_text("1 entry changed.")).to_be_visible()

    # One of its own.
    page.get_by_role("link", name="Add an entry of your own").click()
    page.get_by_label("Focus area").select_option(label="Smart Mobility")
    page.get_by_label("Kind").select_option(label="Policy")
    page.get_by_label("Title").fill("Late-night microtransit pilot")
    page.get_by_label("Summary").fill("On-demand shuttles on weekend nights along Sunset.")
    page.get_by_label("Status").select_option(label="Planned")
    page.get_by_role("button", name="Add the entry").click()
    expect(page.get_by_text("is added to the adaptation as one of the city's own")).to_be_visible()

    # Statuses for the adopted ones: two done, one planned.
    page.goto(adaptation_url)
    choose(page, ADOPTED[:2])
    apply(page, "Set the status to: Done")
    expect(page.get_by_text("2 entries changed.")).to_be_visible()
    choose(page, ADOPTED[2:])
    apply(page, "Set the status to: Planned")
    expect(page.get_by_text("1 entry changed.")).to_be_visible()

    # The lead publishes.
    page.get_by_role("button", name="Publish the adaptation").click()
    expect(page.get_by_text("The adaptation is published: anyone can read it now.")).to_be_visible()
    sign_out()

    # A visitor reads the roll-up and what the city changed.
    page.goto("/adaptations/")
    page.get_by_role("link", name="West Hollywood: West Hollywood Smart City Plan").click()
    progress = page.locator("#progress-heading + .adaptation-progress")
    # Its own entry (planned) counts with the four adopted or adapted.
    expect(progress).to_contain_text(
        "Of 5 entries in the city's plan (adopted, adapted or its own):"
    )
    expect(progress).to_contain_text("Done: 2 (40%)")
    expect(progress).to_contain_text("In progress: 1 (20%)")
    expect(progress).to_contain_text("Planned: 2 (40%)")
    expect(page.get_by_text("Adopted as it is: 3", exact=True)).to_be_visible()
    page.get_by_role("link", name="What the city changed from the model plan").click()
    change = page.locator("article.adaptation-change", has_text=ADAPTED)
    expect(change.locator("ins").first).to_contain_text("added:")
    expect(change.locator("del").first).to_contain_text("removed:")
    expect(page.get_by_text("Why it does not apply: The city funds pilots")).to_be_visible()
    page.get_by_role("link", name=ADAPTED).click()
    page.get_by_role("link", name="See what changed, when and by whom").click()
    expect(page.get_by_role("cell", name="Lena Lead").first).to_be_visible()
    page.goto(adaptation_url)
    page.get_by_role("link", name="Executive summary (one page, ready to print)").click()
    expect(
        page.get_by_role("row", name=re.compile("^Governance and Engagement 3 1"))
    ).to_be_visible()

    # A coordinator changes a model entry the city adopted.
    sign_in(
        "kate@weho.example", next_url="/toolkit/governance-and-engagement/smart-city-core-values/"
    )
    page.get_by_role("link", name=re.compile(r"^Edit")).first.click()
    page.get_by_label("Summary").fill(
        "Agree on five named values and score every smart city project against them."
    )
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("are saved.")).to_be_visible()
    sign_out()

    # The lead sees the update and accepts it in one click.
    sign_in("lena@weho.example", next_url=adaptation_url)
    expect(page.get_by_role("heading", name="1 update from the model plan")).to_be_visible()
    page.get_by_role("link", name="Review the updates").click()
    page.locator("tr", has_text=ADOPTED[0]).get_by_role("link", name=re.compile("^Review")).click()
    expect(page.locator(".plans-changes ins").first).to_contain_text("added:")
    page.get_by_role("button", name="Accept the new text").click()
    expect(page.get_by_text("now has the model plan's new text.")).to_be_visible()
    expect(page.get_by_text("Your adaptation is up to date with the model plan.")).to_be_visible()
    sign_out()

    # The visitor sees the new text, and the model entry counts West Hollywood.
    page.goto(adaptation_url)
    page.get_by_role("link", name=ADOPTED[0]).click()
    expect(page.get_by_text("score every smart city project against them.")).to_be_visible()
    page.get_by_role("link", name=ADOPTED[0]).click()  # to the model plan's entry
    adoption = page.locator(".adaptation-adoption")
    expect(adoption).to_contain_text("Adopted by 1 city: West Hollywood.")
    expect(adoption.get_by_role("link", name="West Hollywood")).to_be_visible()

    # And in Spanish.
    page.goto(adaptation_url)
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Progreso de todo el plan")).to_be_visible()

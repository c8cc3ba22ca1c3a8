"""A city's staff join it: the first at once as lead, the next after the lead approves them."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cities.models import Membership
from cities.seed import seed_regions_and_cities
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(transactional_db):
    """The 88 cities only: unlike `seeded_transactional`, this needs no row that a data
    migration created, so it works after an earlier transactional test flushed them."""
    fixtures = settings.BASE_DIR / "fixtures"
    seed_regions_and_cities(
        regions_path=fixtures / "regions.yaml", cities_path=fixtures / "cities.yaml"
    )


def ask_to_join(page, city, job_title, department):
    page.get_by_role("link", name=f"Ask to join {city}").click()
    page.get_by_label("Job title").fill(job_title)
    page.get_by_label("Department").fill(department)
    page.get_by_role("button", name="Ask to join").click()


def test_a_lead_on_the_citys_domain_approves_a_colleague_and_makes_them_editor(
    page, mailoutbox, county, sign_in, sign_out
):
    # 1. A person signs up with an address on West Hollywood's domain.
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("lena.lead@weho.org")
    page.get_by_label("Your name").fill("Lena Lead")
    page.get_by_label("Password", exact=True).fill("smart-cities-share-2026")
    page.get_by_label("Password (again)").fill("smart-cities-share-2026")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    confirm = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[-1].body).group(0)
    page.goto(confirm)
    page.get_by_role("button", name="Confirm").click()
    sign_in("lena.lead@weho.org", "smart-cities-share-2026")

    # She finds her city in the directory and asks to join: she is its lead at once.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Cities", exact=True
    ).click()
    expect(page.get_by_text("0 of 88 cities registered")).to_be_visible()
    page.get_by_label("City name").fill("hollywood")
    page.get_by_role("button", name="Show cities").click()
    expect(page.get_by_text("1 city matches.")).to_be_visible()
    page.get_by_role("link", name="West Hollywood").click()
    ask_to_join(page, "West Hollywood", "Innovation Manager", "City Manager's Office")
    expect(page.get_by_text("You are now the lead of West Hollywood.")).to_be_visible()
    assert "You are now the lead of West Hollywood" in mailoutbox[-1].subject
    sign_out()

    # 2. A consultant with an outside address asks to join; the request waits.
    make_user(email="sam.rivera@example.org", name="Sam Rivera")
    sign_in("sam.rivera@example.org")
    page.goto("/cities/west-hollywood/")
    ask_to_join(page, "West Hollywood", "Smart City Consultant", "Innovation")
    expect(page.get_by_text("Your request to join West Hollywood is sent.")).to_be_visible()
    expect(page.get_by_text(re.compile("Waiting for a decision since"))).to_be_visible()
    assert mailoutbox[-1].to == ["lena.lead@weho.org"]
    sign_out()

    # The lead approves the request with a message, then makes Sam an editor.
    sign_in("lena.lead@weho.org", "smart-cities-share-2026")
    page.get_by_role("link", name="Your cities").click()
    page.get_by_role("link", name="Members and requests (West Hollywood)").click()
    expect(page.get_by_role("heading", name="1 request waiting for a decision")).to_be_visible()
    page.get_by_label("Message to Sam Rivera").fill("Welcome to the team!")
    page.get_by_role("button", name="Approve Sam Rivera").click()
    expect(page.get_by_text("Sam Rivera is now a member of West Hollywood.")).to_be_visible()
    assert mailoutbox[-1].to == ["sam.rivera@example.org"]
    assert "Welcome to the team!" in mailoutbox[-1].body

    page.get_by_label("Role of Sam Rivera").select_option("editor")
    page.get_by_role("button", name="Change role (Sam Rivera)").click()
    expect(page.get_by_text("Sam Rivera is now editor of West Hollywood.")).to_be_visible()
    sam = Membership.objects.get(user__email="sam.rivera@example.org")
    assert (sam.status, sam.role) == ("approved", "editor")

    # The lead publishes a phone number typed as digits: a link big enough to tap (axe's
    # target-size check runs on the city page like on every other).
    page.goto("/cities/west-hollywood/edit/")
    page.get_by_label("Smart-city contact: name").fill("Lena Lead")
    page.get_by_label("Smart-city contact: phone").fill("3238486400")
    page.get_by_role("button", name="Save").click()
    phone = page.get_by_role("link", name="3238486400")
    expect(phone).to_have_attribute("href", "tel:3238486400")
    box = phone.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24

    # The directory counts the city, in English and in Spanish.
    page.goto("/cities/")
    expect(page.get_by_text("1 of 88 cities registered")).to_be_visible()
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_text("1 de 88 ciudades registradas")).to_be_visible()
    page.get_by_role("link", name="English").click()
    sign_out()

    # 3. An outsider cannot reach the lead's pages.
    make_user(email="outsider@example.org", name="Otto Outsider")
    sign_in("outsider@example.org")
    for url in ["/cities/west-hollywood/members/", "/cities/requests/"]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You do not have access to this page"
        )

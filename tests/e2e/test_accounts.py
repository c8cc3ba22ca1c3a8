import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_confirms_signs_in_switches_to_spanish_and_signs_out(
    page, mailoutbox, seeded_transactional
):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open Sourced Smart City")
    page.get_by_role("link", name="Sign in").click()

    page.get_by_role("link", name="sign up").click()

    page.get_by_label("Email").fill("ana.rivera@example.org")
    page.get_by_label("Your name").fill("Ana Rivera")
    page.get_by_label("Password", exact=True).fill("smart-cities-share-2026")
    page.get_by_label("Password (again)").fill("smart-cities-share-2026")
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana.rivera@example.org"]
    confirmation_path = re.search(r"/accounts/confirm-email/[^/\s]+/", message.body).group(0)

    page.goto(confirmation_path)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have confirmed ana.rivera@example.org")).to_be_visible()
    expect(page).to_have_url(re.compile("/accounts/login/"))

    page.get_by_label("Email").fill("ana.rivera@example.org")
    page.get_by_label("Password").fill("smart-cities-share-2026")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()

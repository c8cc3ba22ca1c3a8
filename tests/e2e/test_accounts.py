import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_coordinator, make_user, totp_code

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


def test_a_coordinator_sets_up_two_step_verification_before_using_their_rights(
    page, seeded_transactional, sign_in
):
    make_coordinator(email="kate@weho.example", mfa=False)

    sign_in("kate@weho.example")

    # Asked for the password again (allauth does before any change to two-step verification).
    expect(page.get_by_text("needs two-step verification")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret=secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    page.goto("/round-tables/new/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Activate Authenticator App")
    expect(page).to_have_url(re.compile("/round-tables/new/"))


def test_a_person_downloads_their_data_and_closes_their_account(
    page, seeded_transactional, sign_in
):
    make_user(email="sam@example.org", name="Sam Ortiz")
    sign_in("sam@example.org")
    page.goto("/accounts/profile/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data (JSON)").click()
    assert '"email": "sam@example.org"' in download.value.path().read_text()

    page.get_by_role("link", name="Close your account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Close my account").click()

    expect(page.get_by_text("Your account is closed")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

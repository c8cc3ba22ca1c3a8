"""Coordinators, grant staff and site admins set up two-step verification before using their
rights; for everyone else it is optional."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import (
    PASSWORD,
    enrol_mfa,
    make_coordinator,
    make_grant_staff,
    make_model_plan,
    make_user,
    totp_code,
)
from toolkit.accounts.mfa import CHECKED_UNTIL
from toolkit.models import User

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"


def sign_in_with_password(client, person: User) -> None:
    """Sign in, then type the password again as allauth asks before changing two-step setup."""
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})


def make_unenrolled_coordinator() -> User:
    make_model_plan()  # the coordinators' page for a new entry of it
    return make_coordinator(mfa=False)


def make_site_admin(**kwargs) -> User:
    user = make_user(**kwargs)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


# Each privileged role, and a page that only that role may use.
PRIVILEGED = [
    pytest.param(make_unenrolled_coordinator, "/toolkit/entries/new/", id="coordinator"),
    pytest.param(lambda: make_grant_staff(mfa=False), "/metrics/export/cities.csv", id="grant"),
    pytest.param(make_site_admin, "/admin/", id="site-admin"),
]


@pytest.mark.parametrize(("make_person", "privileged_page"), PRIVILEGED)
def test_a_privileged_role_is_sent_to_set_up_mfa_until_enrolled(
    client, make_person, privileged_page
):
    person = make_person()
    client.force_login(person)

    refused = client.get(privileged_page)

    assert refused.status_code == 302
    assert refused["Location"] == SETUP
    [message] = get_messages(refused.wsgi_request)
    assert "needs two-step verification" in str(message)

    enrol_mfa(person)
    allowed = client.get(privileged_page)

    assert allowed.status_code == 200


@pytest.mark.parametrize(("make_person", "privileged_page"), PRIVILEGED)
def test_without_mfa_a_privileged_role_reaches_only_its_account_pages(
    client, make_person, privileged_page
):
    client.force_login(make_person())

    assert client.get("/")["Location"] == SETUP
    assert client.get("/es/cities/")["Location"] == "/es" + SETUP
    assert client.get(reverse("profile")).status_code == 200
    assert client.get("/api/v1/cities/").status_code == 200  # public, the same for everyone
    # allauth asks for the password again before setting up, not for a set-up again.
    assert client.get(SETUP)["Location"].startswith("/accounts/reauthenticate/")


def test_an_ordinary_member_needs_no_mfa_and_is_offered_it(client):
    client.force_login(make_user())

    profile = client.get(reverse("profile"))

    assert profile.status_code == 200
    assert reverse("mfa_index") in profile.content.decode()
    assert client.get("/cities/").status_code == 200


def test_the_demo_lets_coordinators_in_without_mfa(client, settings):
    settings.MFA_REQUIRED_FOR_PRIVILEGED_ROLES = False
    client.force_login(make_unenrolled_coordinator())

    assert client.get("/toolkit/entries/new/").status_code == 200


def test_the_setup_page_is_in_the_sites_layout_and_says_why(client):
    sign_in_with_password(client, make_coordinator(mfa=False))

    page = client.get("/", follow=True)

    html = page.content.decode()
    assert page.redirect_chain[-1] == (SETUP, 302)
    assert 'class="usa-header' in html
    assert "needs two-step verification" in html
    assert 'class="usa-input"' in html


def test_a_coordinator_enrols_with_a_code_from_the_app_and_gets_recovery_codes(client):
    coordinator = make_unenrolled_coordinator()
    sign_in_with_password(client, coordinator)
    client.get(SETUP)
    secret = client.session["mfa.totp.secret"]  # shown on the page, as a QR code and as text

    response = client.post(SETUP, {"code": totp_code(secret=secret)})

    assert response.status_code == 302
    assert coordinator.authenticator_set.filter(type="totp").exists()
    assert coordinator.authenticator_set.filter(type="recovery_codes").exists()
    assert client.get("/toolkit/entries/new/").status_code == 200


def test_an_enrolled_coordinator_signs_in_with_a_code(client):
    coordinator = make_coordinator()

    client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)


def test_a_role_given_during_a_session_needs_mfa_at_the_next_check(client, settings):
    person = make_user()
    client.force_login(person)
    assert client.get("/cities/").status_code == 200
    person.groups.add(Group.objects.get(name="Coordinators"))

    session = client.session
    session[CHECKED_UNTIL] = 0  # RECHECK_SECONDS have passed
    session.save()

    assert client.get("/cities/")["Location"] == SETUP

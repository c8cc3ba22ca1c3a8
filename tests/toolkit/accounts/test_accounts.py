import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.factories import PASSWORD, make_user
from toolkit.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, email="lee@example.org", name="Lee Park"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "name": name, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_signing_up_sends_a_verification_email_and_does_not_sign_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="lee@example.org")
    assert user.name == "Lee Park"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert "_auth_user_id" not in client.session


def test_an_unverified_person_cannot_sign_in_until_they_confirm(client):
    sign_up(client)

    response = client.post("/accounts/login/", {"login": "lee@example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    key_path = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body).group(0)
    client.post(key_path)
    response = client.post("/accounts/login/", {"login": "lee@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="lee@example.org").pk)


def test_signing_up_with_a_taken_address_reveals_nothing_and_warns_the_owner(client):
    make_user(email="taken@example.org")
    response = sign_up(client, email="taken@example.org")

    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    assert mail.outbox[0].to == ["taken@example.org"]
    assert "already" in mail.outbox[0].body.lower()


def test_password_reset_looks_the_same_for_known_and_unknown_addresses(client):
    make_user(email="known@example.org")

    known = client.post("/accounts/password/reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_a_bad_sign_up_shows_the_problem_next_to_the_field_and_creates_nobody(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "not-an-address", "name": "", "password1": "x", "password2": "y"},
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_name_error"' in html
    assert User.objects.count() == 0


def test_the_profile_holds_only_name_and_job_title(client):
    user = make_user(name="Old Name")
    client.force_login(user)

    response = client.get("/accounts/profile/")
    assert set(response.context["form"].fields) == {"name", "job_title"}

    response = client.post("/accounts/profile/", {"name": "New Name", "job_title": "Analyst"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.job_title) == ("New Name", "Analyst")


def test_the_profile_asks_visitors_to_sign_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_after_repeated_failed_sign_ins_even_the_right_password_must_wait(client):
    make_user(email="target@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "target@example.org", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"login": "target@example.org", "password": PASSWORD}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session

"""Each person downloads what the site keeps about them, and may close their account: they
leave their cities and round tables through the usual services, and no table keeps their
name, email address, job title or department."""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cities.models import Membership
from roundtables.models import Registration
from tests.factories import (
    PASSWORD,
    enrol_mfa,
    make_membership,
    make_registration,
    make_round_table,
    make_user,
)
from tests.toolkit.adaptations.world import decide, make_world, start
from toolkit.models import User
from toolkit.tasks import expired_sessions_clear

pytestmark = pytest.mark.django_db

NAME, JOB, DEPARTMENT = "Quinn Zebulon-Marsh", "Chief Zebra Officer", "Department of Zebras"
EMAIL = "quinn.zebulon@weho.example"


@pytest.fixture
def quinn():
    """The only lead of Testville, an editor of its adaptation, with a seat at a round table."""
    world = make_world()
    quinn = make_user(email=EMAIL, name=NAME)
    quinn.job_title = JOB
    quinn.save()
    Membership.objects.filter(city=world.city, role=Membership.Role.LEAD).update(
        role=Membership.Role.EDITOR
    )
    lead = make_membership(user=quinn, city=world.city, role=Membership.Role.LEAD)
    lead.job_title, lead.department = JOB, DEPARTMENT
    lead.save()
    plan = start(world)
    decide(plan.entries.first(), by=quinn, progress="in-progress")
    round_table = make_round_table(title="Zebra crossings", capacity=1)
    make_registration(round_table=round_table, user=quinn, city=world.city)
    waiting = make_registration(
        round_table=round_table,
        city=world.city,
        user=world.staff,
        status=Registration.Status.WAITLISTED,
    )
    enrol_mfa(quinn)
    return {"user": quinn, "world": world, "plan": plan, "waiting": waiting}


def test_a_person_downloads_everything_the_site_keeps_about_them(client, quinn):
    client.force_login(quinn["user"])

    response = client.get(reverse("account-data"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["name"] == NAME
    assert data["account"]["job_title"] == JOB
    assert data["account"]["two_step_verification"] == ["recovery_codes", "totp"]
    [membership] = data["memberships"]
    assert (membership["city"], membership["role"], membership["department"]) == (
        "Testville",
        "lead",
        DEPARTMENT,
    )
    [registration] = data["round_table_registrations"]
    assert (registration["round_table"], registration["status"]) == ("Zebra crossings", "confirmed")
    assert any(
        change["city"] == "Testville" and change["plan"] == quinn["plan"].title
        for change in data["adaptation_changes"]
    )


def test_the_profile_page_offers_the_download_and_closing_the_account(client):
    client.force_login(make_user())

    html = client.get(reverse("profile")).content.decode()

    assert reverse("account-data") in html
    assert reverse("account-close") in html


def test_a_wrong_password_closes_nothing(client, quinn):
    client.force_login(quinn["user"])

    response = client.post(reverse("account-close"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(email=EMAIL, is_active=True).exists()
    assert Membership.objects.approved().filter(user=quinn["user"]).exists()


def test_closing_the_account_ends_memberships_and_seats_through_the_services(client, quinn):
    client.force_login(quinn["user"])

    response = client.post(reverse("account-close"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert "Your account is closed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    city = quinn["world"].city
    # Quinn was Testville's only lead: the coordinators decide its requests from now on.
    assert not Membership.objects.leads().filter(city=city).exists()
    assert not Membership.objects.open().filter(user=quinn["user"]).exists()
    assert not Registration.objects.active().filter(user=quinn["user"]).exists()
    quinn["waiting"].refresh_from_db()
    assert quinn["waiting"].status == Registration.Status.CONFIRMED
    assert not client.login(email=EMAIL, password=PASSWORD)


def _text_columns(model) -> list[str]:
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.EmailField)
    ]


def test_closing_the_account_leaves_no_personal_field_in_any_table(client, quinn):
    client.force_login(quinn["user"])
    client.post(reverse("account-close"), {"password": PASSWORD})

    found = []
    for model in apps.get_models(include_auto_created=True):
        for column in _text_columns(model):
            for value in (NAME, EMAIL, JOB, DEPARTMENT, "Zebulon"):
                if model._default_manager.filter(**{f"{column}__icontains": value}).exists():
                    found.append(f"{model._meta.label}.{column}: {value}")

    assert found == []
    assert Membership.history.filter(user_id=quinn["user"].pk).exists()  # the record stays


def test_expired_sessions_are_cleared_every_night(client):
    client.force_login(make_user())
    Session.objects.create(
        session_key="expired", session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )

    expired_sessions_clear.call_local()

    assert list(Session.objects.values_list("session_key", flat=True)) == [
        client.session.session_key
    ]

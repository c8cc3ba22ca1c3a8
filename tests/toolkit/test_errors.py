"""A server error reaches someone (mail to ADMINS, Sentry), and carries nothing personal."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from toolkit.errors import FILTERED, admins, personal_data_scrubbed


def test_admins_are_read_from_names_and_addresses():
    assert admins("Ana Ruiz <ana@example.org>, ops@example.org, ") == [
        ("Ana Ruiz", "ana@example.org"),
        ("", "ops@example.org"),
    ]


@pytest.mark.django_db
@pytest.mark.urls("tests.toolkit.error_urls")
def test_a_server_error_is_mailed_to_the_admins(settings, mailoutbox):
    settings.ADMINS = [("Ana Ruiz", "ana@example.org")]

    response = Client(raise_request_exception=False).get("/failing")

    assert response.status_code == 500
    assert [message.to for message in mailoutbox] == [["ana@example.org"]]
    assert "/failing" in mailoutbox[0].subject
    assert "a bug in a view" in mailoutbox[0].body


@pytest.mark.django_db
def test_a_request_for_another_host_is_refused_without_mailing_anyone(settings, mailoutbox):
    settings.ADMINS = [("Ana Ruiz", "ana@example.org")]

    response = Client(raise_request_exception=False).get("/about/", HTTP_HOST="scanner.example")

    assert response.status_code == 400
    assert mailoutbox == []


def test_error_reports_carry_no_cookies_credentials_addresses_or_identity():
    event = {
        "request": {
            "url": "https://smartcity.example.org/cities/bell/",
            "cookies": {"__Host-sessionid": "s3cret"},
            "headers": {
                "Cookie": "__Host-sessionid=s3cret",
                "Authorization": "Bearer t0ken",
                "X-Forwarded-For": "203.0.113.9",
                "X-Real-IP": "203.0.113.9",
                "X-CSRFToken": "abc",
                "User-Agent": "Firefox",
            },
            "env": {"REMOTE_ADDR": "203.0.113.9", "SERVER_NAME": "app1"},
        },
        "user": {"id": 7, "email": "ana@example.org", "ip_address": "203.0.113.9", "name": "Ana"},
    }

    scrubbed = personal_data_scrubbed(event, {})

    assert "cookies" not in scrubbed["request"]
    assert scrubbed["request"]["headers"] == {
        "Cookie": FILTERED,
        "Authorization": FILTERED,
        "X-Forwarded-For": FILTERED,
        "X-Real-IP": FILTERED,
        "X-CSRFToken": FILTERED,
        "User-Agent": "Firefox",
    }
    assert scrubbed["request"]["env"] == {"SERVER_NAME": "app1"}
    assert scrubbed["user"] == {"id": 7}
    assert "203.0.113.9" not in str(scrubbed)


def test_sentry_is_switched_on_by_its_dsn_without_personal_data():
    code = (
        "import sentry_sdk; options = sentry_sdk.get_client().options;"
        "print(sentry_sdk.get_client().is_active(), options['send_default_pii'],"
        " options['before_send'].__name__)"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "1",
        # Nothing listens there; no event is sent by this test anyway.
        "SENTRY_DSN": "http://public@127.0.0.1:1/1",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["True", "False", "personal_data_scrubbed"], result.stderr

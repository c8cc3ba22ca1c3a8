"""One answer to "who is the client?": the sign-in rate limits and the download counting agree."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def failed_logins(client, count: int, *, who: str) -> list[str]:
    """Sign in `count` times with a wrong password (each time another address): what each says."""
    said = []
    for n in range(count):
        page = client.post(
            LOGIN, {"login": f"{who}{n}@example.org", "password": "not-the-password"}
        ).content.decode()
        said.append("too many" if "Too many failed login attempts" in page else "wrong")
    return said


def behind_proxy(address: str) -> Client:
    # Every request reaches the site from the proxy at 10.0.0.2, which forwards the client's.
    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first, second = behind_proxy("198.51.100.1"), behind_proxy("198.51.100.2")

    assert failed_logins(first, 10, who="a") == ["wrong"] * 10
    assert failed_logins(first, 1, who="b") == ["too many"]
    # Ten failed sign-ins elsewhere lock nobody else out.
    assert failed_logins(second, 1, who="c") == ["wrong"]


def test_without_a_trusted_proxy_a_forged_forwarded_address_gets_around_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert failed_logins(behind_proxy("198.51.100.1"), 10, who="a") == ["wrong"] * 10
    # The same socket address, whatever the header says: the same limit.
    assert failed_logins(behind_proxy("198.51.100.2"), 1, who="b") == ["too many"]

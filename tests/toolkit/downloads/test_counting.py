import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from toolkit.downloads import counting as downloads
from toolkit.models import VisitorSalt

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


def request_from(address="203.0.113.7", user_agent=FIREFOX):
    return RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=user_agent)


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
        "Go-http-client/2.0",
        "Scrapy/2.11 (+https://scrapy.org)",
    ],
)
def test_robots_and_machines_on_the_counter_list_and_empty_user_agents_look_like_bots(user_agent):
    assert downloads.looks_like_bot(user_agent)


@pytest.mark.parametrize(
    "user_agent",
    [
        FIREFOX,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ],
)
def test_ordinary_browsers_are_people(user_agent):
    assert not downloads.looks_like_bot(user_agent)


def test_the_visitor_key_never_contains_the_address_or_browser():
    now = timezone.now()
    key = downloads.visitor_key(request_from(), now=now)
    assert len(key) == 64
    assert "203.0.113.7" not in key and "Firefox" not in key


def test_a_new_browser_name_is_not_a_new_visitor_but_a_signed_in_person_is(django_user_model):
    now = timezone.now()
    firefox = downloads.visitor_key(request_from(), now=now)
    assert downloads.visitor_key(request_from(user_agent="Chrome/131"), now=now) == firefox

    people = []
    for n in range(2):
        request = request_from()
        request.user = django_user_model.objects.create_user(email=f"p{n}@example.org")
        people.append(downloads.visitor_key(request, now=now))
    assert len({firefox, *people}) == 3


def test_the_same_visitor_has_the_same_key_all_day_and_a_different_one_next_day():
    today = timezone.now()
    tomorrow = today + datetime.timedelta(days=1)
    same = [downloads.visitor_key(request_from(), now=today) for _ in range(2)]
    other_visitor = downloads.visitor_key(request_from(address="198.51.100.9"), now=today)
    next_day = downloads.visitor_key(request_from(), now=tomorrow)

    assert same[0] == same[1]
    assert other_visitor != same[0]
    assert next_day != same[0]


def test_yesterdays_secret_is_thrown_away_when_today_begins():
    today = timezone.localdate()
    downloads._secret_cache.clear()
    downloads.daily_secret(today - datetime.timedelta(days=1))
    downloads.daily_secret(today)
    assert list(VisitorSalt.objects.values_list("day", flat=True)) == [today]


def test_unique_download_keys_change_with_the_hour_and_package_not_the_format():
    noon = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)

    def key(**changes):
        values = {"visitor": "v", "package": "toolkit", "now": noon} | changes
        return downloads.unique_download_key(**values)

    assert key() == key(now=noon + datetime.timedelta(minutes=59))
    assert key() != key(now=noon + datetime.timedelta(minutes=60))
    assert key() != key(package="toolkit/smart-mobility")
    assert key() != key(visitor="w")


def forwarded(address, *, via="10.0.0.2"):
    return RequestFactory().get("/", REMOTE_ADDR=via, HTTP_X_FORWARDED_FOR=address)


def test_through_trusted_proxies_the_address_is_the_one_the_farthest_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = forwarded("1.2.3.4, 203.0.113.7")
    assert downloads.client_address(request) == "203.0.113.7"
    now = timezone.now()
    assert downloads.visitor_key(forwarded("198.51.100.1"), now=now) != downloads.visitor_key(
        forwarded("198.51.100.2"), now=now
    )


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert downloads.client_address(forwarded("203.0.113.7")) == "10.0.0.2"
    now = timezone.now()
    assert downloads.visitor_key(forwarded("198.51.100.1"), now=now) == downloads.visitor_key(
        forwarded("198.51.100.2"), now=now
    )

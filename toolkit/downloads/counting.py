"""Counting downloads honestly and privately, so that one script cannot move the figure.

Each download request is one DownloadEvent. The visitor is a keyed hash, made with a random
secret that changes every day and is then thrown away, of the signed-in person or, for
everyone else, of the network address alone (`client_address`, through the configured
trusted proxies). No address or browser is ever stored, nobody can be followed from one day
to the next, and a new browser name is not a new visitor. Then, following COUNTER:

- a robot or machine (the COUNTER robots list, from the `counter-robots` package) is
  recorded but never counted;
- the same visitor and package within one clock hour count as one unique download;
- the same visitor, package and format within 30 seconds is a repeat (a double click);
- past DOWNLOADS_PER_MINUTE requests a minute, a visitor is refused with a 429 and the
  request is recorded as over the limit, never counted.
"""

import datetime
import hashlib
import hmac
import secrets

import counter_robots
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from cities.common import cache as generations
from cities.models import Membership
from toolkit.models import DownloadEvent, VisitorSalt

REPEAT_SECONDS = 30


def looks_like_bot(user_agent: str) -> bool:
    """A robot or machine by the COUNTER robots list, or a request naming no browser at all.

    The list's patterns are matched as written and, as COUNTER intends, whatever the case
    ("AhrefsBot" is a "bot"): also against the user agent in lower case.
    """
    return not user_agent.strip() or any(
        counter_robots.is_robot_or_machine(agent) for agent in (user_agent, user_agent.lower())
    )


def client_address(request) -> str:
    """The client's address, as allauth's sign-in rate limits read it (one setting for both).

    Through TRUSTED_PROXY_COUNT proxies the address the farthest of them saw; without any,
    the socket's address, whatever X-Forwarded-For says.
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        # Fewer forwarded addresses than trusted proxies: only the socket is known.
        return request.META.get("REMOTE_ADDR", "")


_secret_cache: dict[datetime.date, str] = {}


def daily_secret(day: datetime.date) -> str:
    """The random secret of `day`, created on first use; older secrets are deleted."""
    if day in _secret_cache:
        return _secret_cache[day]
    salt = VisitorSalt.objects.filter(day=day).first()
    if salt is None:
        try:
            with transaction.atomic():
                salt = VisitorSalt.objects.create(day=day, secret=secrets.token_hex(32))
        except IntegrityError:
            # Another process created today's secret first; use theirs.
            salt = VisitorSalt.objects.get(day=day)
        VisitorSalt.objects.filter(day__lt=day).delete()
    _secret_cache.clear()
    _secret_cache[day] = salt.secret
    return salt.secret


def visitor_key(request, *, now: datetime.datetime) -> str:
    """A keyed hash, with the day's secret, of the signed-in person or else of the network."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        message = f"person\n{user.pk}"
    else:
        message = f"network\n{client_address(request)}"
    secret = daily_secret(timezone.localdate(now))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def unique_download_key(*, visitor: str, package: str, now: datetime.datetime) -> str:
    """Shared by all downloads of one package by one visitor in one clock hour, any format."""
    hour = now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H")
    return hashlib.sha256(f"{visitor}|{package}|{hour}".encode()).hexdigest()


def _is_repeat(visitor: str, package: str, format: str) -> bool:
    # The first request in 30 seconds adds the mark; those after it find it there.
    return not cache.add(f"download-click:{visitor}|{package}|{format}", 1, REPEAT_SECONDS)


def seconds_over_limit(visitor: str, *, now: datetime.datetime) -> int:
    """0 within the visitor's allowance this minute, else the seconds until the next minute."""
    moment = int(now.timestamp())
    minute = moment // 60
    # Kept well past its minute (the key names the minute, so it never counts twice).
    used = generations.hits(f"download-rate:{visitor}|{minute}", 600)
    if used <= settings.DOWNLOADS_PER_MINUTE:
        return 0
    return 60 - moment % 60


def downloader_city(user):
    """The city a signed-in downloader belongs to (their earliest approved membership)."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED)
        .select_related("city")
        .order_by("decided_at", "pk")
        .first()
    )
    return membership.city if membership else None


def download_record(*, request, package: str, format: str) -> DownloadEvent:
    """Record one download request of `package` in `format` by the visitor behind `request`.

    The event says whether it counts (see the module's docstring); `retry_after` is set on it
    (not stored) when the visitor is past the rate limit and must be refused.
    """
    now = timezone.now()
    visitor = visitor_key(request, now=now)
    wait = seconds_over_limit(visitor, now=now)
    event = DownloadEvent(
        package=package,
        format=format,
        created_at=now,
        city=downloader_city(request.user),
        visitor_key=visitor,
        unique_key=unique_download_key(visitor=visitor, package=package, now=now),
        is_bot=looks_like_bot(request.META.get("HTTP_USER_AGENT", "")),
        is_repeat=not wait and _is_repeat(visitor, package, format),
        over_limit=bool(wait),
    )
    # Every field is drawn from the request by this module (the package and format from the
    # address the view matched), so there is nothing a person typed to validate.
    event.save()
    event.retry_after = wait
    return event

"""Counting downloads honestly and privately.

Each download is one DownloadEvent. The visitor is identified only by a keyed
hash of their address and browser, made with a random secret that changes
every day and is then thrown away, so no raw address or user agent is ever
stored and nobody can follow a visitor from one day to the next. Requests that
look like crawlers are recorded but marked as bots, and every public count
leaves them out. Unique downloads follow the COUNTER rule: the same visitor,
package and format within one clock hour count once.
"""

import datetime
import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cities.models import Membership
from toolkit.models import DownloadEvent, VisitorSalt

# Crawlers, link checkers and scripted clients; matched anywhere in the user agent.
BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|scrap|curl|wget|python-requests|python-urllib|"
    r"aiohttp|httpx|go-http-client|okhttp|java/|libwww|lwp::|httpclient|facebookexternalhit|"
    r"linkcheck|validator|monitor|uptime|pingdom|feedfetcher|mediapartners|bingpreview|"
    r"ahrefs|semrush|mj12|yandex|baidu|phantomjs|wkhtmlto",
    re.IGNORECASE,
)

_secret_cache: dict[datetime.date, str] = {}


def looks_like_bot(user_agent: str) -> bool:
    """True for an empty user agent or one of a known crawler or scripted client."""
    return not user_agent.strip() or bool(BOT_USER_AGENT.search(user_agent))


def client_address(request) -> str:
    """The client's address: the proxy's last hop when the site runs behind one."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


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
    """A keyed hash of address and user agent with the day's secret."""
    message = f"{client_address(request)}\n{request.META.get('HTTP_USER_AGENT', '')}"
    secret = daily_secret(timezone.localdate(now))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def unique_download_key(*, visitor: str, package: str, format: str, now: datetime.datetime) -> str:
    """Shared by all downloads of one package and format by one visitor in one clock hour."""
    hour = now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H")
    return hashlib.sha256(f"{visitor}|{package}|{format}|{hour}".encode()).hexdigest()


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
    """Record one download of `package` in `format` by the visitor behind `request`."""
    now = timezone.now()
    visitor = visitor_key(request, now=now)
    event = DownloadEvent(
        package=package,
        format=format,
        created_at=now,
        city=downloader_city(request.user),
        visitor_key=visitor,
        unique_key=unique_download_key(visitor=visitor, package=package, format=format, now=now),
        is_bot=looks_like_bot(request.META.get("HTTP_USER_AGENT", "")),
    )
    # Every field is drawn from the request by this module (the package and format from the
    # address the view matched), so there is nothing a person typed to validate.
    event.save()
    return event

"""Whole anonymous pages, cached per address and language, never stale.

A public page is the same for every anonymous visitor who asks for the same address: the
language is in the address (i18n_patterns) and no form on it needs a CSRF token. So the
whole response is kept under the current CONTENT and DOWNLOADS generations
(`cities.common.cache`): any write starts a new generation, and the very next request draws
the page again. Nothing needs deleting and nothing is ever stale.

Only what is surely the same for everyone is kept: a GET (or HEAD, served from the GET's
entry) from someone who carries no session and no messages cookie, answered with a 200 that
is not streamed nor a file to download (downloads are counted by their view, every time),
sets no cookie (a CSRF token sets one) and does not say it is private.
Such a response carries `Vary: Cookie` (the header reads the session to show "Sign in"), and
rightly so for a proxy: a visitor with a session sees another page. Here a request that carries
a session or messages cookie never reaches the cache, which is what that Vary asks.

Kept pages get an ETag; a matching If-None-Match is answered 304 from the cache lookup,
without running the view. `Cache-Control: public, no-cache` lets a proxy or CDN keep them but
makes it ask again each time (cheap, a 304), so it never serves a stale page either. Every
other response says `private, no-store` (signed-in pages, the grant staff's dashboard and
exports, forms, messages), unless its view chose otherwise for an anonymous visitor.
"""

import bisect

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache as django_cache
from django.utils import timezone, translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)

from cities.common import cache
from roundtables.models import round_table_moments
from toolkit.health import PROBES

# A backstop only: a page is dropped as soon as the content changes (a new generation).
TIMEOUT = 24 * 3600
_READS = (cache.CONTENT, cache.DOWNLOADS)
_PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def is_anonymous(request) -> bool:
    """Whether the request says nothing about who sent it (no session, no messages)."""
    return not any(name in request.COOKIES for name in _PERSONAL_COOKIES) and (
        "HTTP_AUTHORIZATION" not in request.META
    )


def _clock() -> tuple:
    """What the clock alone changes on a page: the day, and the round-table moments passed.

    A round table that starts or ends, or whose sign-ups close, moves between "upcoming" and
    "past" with no write to the database. The moments still ahead are read once per content
    generation; a page is kept under how many of them have passed, so it is drawn again the
    moment one does.
    """
    moments = cache.cached(("round-table-moments",), round_table_moments)
    now = timezone.now()
    return timezone.localdate(now), bisect.bisect_right(moments, now)


def page_key(request) -> str:
    """The page's cache key: its full address and language, under the current generations."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return cache.key("page", request.build_absolute_uri(), language, *_clock(), reads=_READS)


def is_keepable(response) -> bool:
    """Whether `response` is the same for every anonymous visitor and may be kept."""
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        # A file to download is counted by its view, every time.
        and not response.has_header("Content-Disposition")
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def _without_accept_language(response) -> None:
    # The address alone decides the language (LocaleMiddleware adds this to unprefixed pages).
    if response.has_header("Vary"):
        kept = [
            field.strip()
            for field in response["Vary"].split(",")
            if field.strip().lower() != "accept-language"
        ]
        response["Vary"] = ", ".join(kept)
        if not kept:
            del response["Vary"]


def _answer(request, response):
    """`response`, or 304 Not Modified when the visitor already holds it."""
    return get_conditional_response(request, etag=response.get("ETag"), response=response)


class PageCacheMiddleware:
    """Serve anonymous pages from the cache (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in PROBES:  # they touch nothing, or check the cache itself
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            return self._private(self.get_response(request), personal=True)
        key = page_key(request)
        kept = django_cache.get(key)
        if kept is not None:
            return _answer(request, kept)
        response = self.get_response(request)
        if not is_keepable(response):
            return self._private(response, personal=False)
        set_response_etag(response)
        patch_cache_control(response, public=True, no_cache=True)
        _without_accept_language(response)
        if request.method == "GET":
            django_cache.set(key, response, TIMEOUT)
        return _answer(request, response)

    @staticmethod
    def _private(response, *, personal: bool):
        # A view's own choice stands for anonymous visitors (a calendar file, a download).
        if personal or not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

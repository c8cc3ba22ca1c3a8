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

A kept page is read with one round trip to the shared cache (the generations); the page
itself is also held in each server process's memory under the same key, which names the
generations, so a held copy is never stale either and the shared cache is asked only once
per process and generation.

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
from django.http import HttpResponse
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


_moments: tuple[str, list] = ("", [])


def _moments_ahead(content_generation: str) -> list:
    """The round-table moments still ahead, read once per process and content generation."""
    global _moments
    if _moments[0] != content_generation:
        found = cache.cached(("round-table-moments",), round_table_moments)
        _moments = (content_generation, found)
    return _moments[1]


def _key(request, kind: str, *parts, language: str) -> str:
    """The key of a kept page: its address and language under the current generations.

    The clock changes a page too: the day, and the round-table moments that have passed. A
    round table that starts or ends, or whose sign-ups close, moves between "upcoming" and
    "past" with no write to the database, so a page is kept under how many of them have
    passed and is drawn again the moment one does.
    """
    current = cache.generations(_READS)
    now = timezone.now()
    passed = bisect.bisect_right(_moments_ahead(current[0]), now)
    return cache.key_under(
        current,
        kind,
        *parts,
        request.build_absolute_uri(),
        language,
        timezone.localdate(now),
        passed,
    )


def page_key(request) -> str:
    """The key of an anonymous page (the address alone decides its language)."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    return _key(request, "page", language=language)


# Addresses whose last answer could not be kept (a download, a calendar file): not looked
# up in the cache until one of them answers with a page that can be kept.
_never_kept: set[str] = set()


def forget_held() -> None:
    """Empty this process's memory of pages (as emptying the shared cache does for it)."""
    global _moments
    cache.forget_held()
    _never_kept.clear()
    _moments = ("", [])


def _remember_never_kept(path: str) -> None:
    if len(_never_kept) >= 4 * cache.HELD:
        _never_kept.clear()
    _never_kept.add(path)


# What a view marks its response with for the middleware outside the cache (the embeddable page
# widens its Content-Security-Policy, see toolkit/grant/views.py): kept with the page, so a
# kept page gets the same headers as a drawn one.
_MARKS = ("_csp_update", "_csp_replace", "_csp_config", "_csp_exempt", "xframe_options_exempt")


def _page(response) -> tuple:
    """What is kept of a response: its body, its headers and its marks."""
    marks = {name: getattr(response, name) for name in _MARKS if hasattr(response, name)}
    return (response.content, dict(response.items()), marks)


def _response(page: tuple) -> HttpResponse:
    content, headers, *rest = page  # a page kept before marks were kept has none
    response = HttpResponse(content, headers=headers)
    for name, value in (rest[0] if rest else {}).items():
        setattr(response, name, value)
    return response


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
        if request.path_info.startswith("/api/"):
            # The API keeps its own answers (toolkit/api/kept.py), after its rate limit: served
            # from here, a request would skip the limit.
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            return self._private(self.get_response(request), personal=True)
        address = request.get_full_path()
        # The key is read before the view runs: a write during the view makes it stale.
        key = None if address in _never_kept else page_key(request)
        kept = cache.held_get(key) if key else None
        if kept is not None:
            return _answer(request, _response(kept))
        response = self.get_response(request)
        if not is_keepable(response):
            _remember_never_kept(address)
            return self._private(response, personal=False)
        _never_kept.discard(address)
        set_response_etag(response)
        patch_cache_control(response, public=True, no_cache=True)
        _without_accept_language(response)
        if key and request.method == "GET":
            page = _page(response)
            django_cache.set(key, page, TIMEOUT)
            cache.hold(key, page)
        return _answer(request, response)

    @staticmethod
    def _private(response, *, personal: bool):
        # A view's own choice stands for anonymous visitors (a calendar file, a download).
        if personal or not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _marked(request) -> bool:
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "func", None)
    # The mark is the class's own, not inherited: a form built on a kept page is not kept.
    own = getattr(getattr(view, "view_class", view), "__dict__", {})
    return own.get("kept_for_each_person", False)


class PersonalPageCacheMiddleware:
    """Keep whole the read-only pages a signed-in person asks for again and again.

    Only pages whose view is marked `kept_for_each_person` (cities.common.views) are kept,
    under the person, their CSRF cookie (the forms on the page carry a token made from it),
    the address and language, the clock's moments and the current generations: any write
    starts a new generation, so a kept page is never stale. It sits after the authentication
    middleware, so the session has been checked (a signed-out or expired session never
    reaches a kept page). A request or response that carries messages is never served from
    or kept in the cache, nor one whose view changed the session or set a cookie. Such pages
    stay `private, no-store` for browsers and proxies (PageCacheMiddleware sees to that).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or user is None
            or not user.is_authenticated
            or CookieStorage.cookie_name in request.COOKIES
            or "_messages" in request.session
        ):
            return self.get_response(request)
        key = _personal_key(request, user)
        kept = cache.held_get(key)
        if kept is not None:
            return _response(kept)
        response = self.get_response(request)
        if _marked(request) and is_keepable(response) and not request.session.modified:
            page = _page(response)
            django_cache.set(key, page, TIMEOUT)
            cache.hold(key, page)
        return response


def _personal_key(request, user) -> str:
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return _key(request, "personal page", user.pk, csrf, language=translation.get_language())

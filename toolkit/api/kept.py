"""API answers kept whole under the content generations, with an ETag and Last-Modified.

The page cache (toolkit/pagecache.py) leaves /api/ alone so that every request passes the
API's rate limit. The API keeps its own answers instead, the same way: the JSON body is kept
under the current generations of what it reads (`cities.common.cache`) and the day, so an
unchanged list costs one cache read, and nothing kept is ever stale. A matching
If-None-Match (or an If-Modified-Since not older than the answer) gets 304 Not Modified.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer

from cities.common import cache


@dataclass(frozen=True)
class Kept:
    body: bytes
    etag: str
    drawn_at: int  # when this generation's answer was first drawn (seconds since the epoch)


def _keep(data) -> Kept:
    body = JSONRenderer().render(data)
    return Kept(body, f'"{hashlib.sha256(body).hexdigest()[:40]}"', int(time.time()))


def kept_answer(request, *, reads: tuple[str, ...], compute: Callable[[], object]):
    """The JSON of `compute()` for this address, drawn once per generation; 304 when held."""
    kept = cache.cached(
        ("api", request.build_absolute_uri(), timezone.localdate()),
        lambda: _keep(compute()),
        reads=reads,
        held=True,
    )
    response = get_conditional_response(
        request, etag=kept.etag, last_modified=kept.drawn_at
    ) or HttpResponse(kept.body, content_type="application/json")
    response["ETag"] = kept.etag
    response["Last-Modified"] = http_date(kept.drawn_at)
    patch_cache_control(response, public=True, no_cache=True)
    return response

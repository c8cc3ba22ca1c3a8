"""The API's rate limit: per client, counted in the default cache, without the address.

The client is known by a keyed hash of its address (the proxy's last hop behind one, as the
download counter reads it), so no address is kept even in the cache. The key is the site's
secret: a count lives a window, so there is nothing to rotate, and no database write. Each
window (a second, a minute, ... as the rate says) is one counter: one round trip a request.
"""

import hashlib
import hmac
import time

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from cities.common import cache
from toolkit.downloads.counting import client_address


def client_key(request) -> str:
    """A keyed hash of the client's address."""
    secret = f"api-rate-limit:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, client_address(request).encode(), hashlib.sha256).hexdigest()


class ClientRateThrottle(BaseThrottle):
    """At most the `api` rate of requests per client and window (REST_FRAMEWORK's rates)."""

    scope = "api"

    def allow_request(self, request, view):
        # Read at each request, so that a change of the setting applies at once.
        allowed, seconds = SimpleRateThrottle.parse_rate(
            None, api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        )
        now = time.time()
        window = int(now // seconds)
        self.retry_after = seconds - now % seconds
        name = f"throttle:{self.scope}:{client_key(request)}:{seconds}:{window}"
        return cache.hits(name, seconds) <= allowed

    def wait(self):
        return self.retry_after

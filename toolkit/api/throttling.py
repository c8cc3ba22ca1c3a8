"""The API's rate limit: per client, counted in the default cache, without the address.

The client is known by a keyed hash of its address with the day's secret, the one the
download counter uses (toolkit.downloads.counting), so no address is kept even in the cache.
"""

import hashlib
import hmac

from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from toolkit.downloads.counting import client_address, daily_secret


def client_key(request) -> str:
    """A keyed hash of the client's address, rotated daily."""
    secret = daily_secret(timezone.localdate())
    return hmac.new(secret.encode(), client_address(request).encode(), hashlib.sha256).hexdigest()


class ClientRateThrottle(SimpleRateThrottle):
    """At most the `api` rate of requests per client (REST_FRAMEWORK's throttle rates)."""

    scope = "api"

    def get_rate(self):
        # Read at each request, so a test can change the setting.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_key(request)}

"""The API's rate limit: per client, counted in the default cache, without the address.

The client is known by a keyed hash of its address (the proxy's last hop behind one, as the
download counter reads it), so no address is kept even in the cache. The key is the site's
secret: a count lives a minute, so there is nothing to rotate, and no database write.
"""

import hashlib
import hmac

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from toolkit.downloads.counting import client_address


def client_key(request) -> str:
    """A keyed hash of the client's address."""
    secret = f"api-rate-limit:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, client_address(request).encode(), hashlib.sha256).hexdigest()


class ClientRateThrottle(SimpleRateThrottle):
    """At most the `api` rate of requests per client (REST_FRAMEWORK's throttle rates)."""

    scope = "api"

    def get_rate(self):
        # Read at each request, so that a change of the setting applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_key(request)}

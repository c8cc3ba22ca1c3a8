"""Probes for load balancers and process managers: liveness and readiness.

`/healthz` says the process answers: a bare view that touches nothing (the benchmark
measures every page against it). `/readyz` says the server can do its work: the database
answers a query, the cache keeps and returns a value, and the task worker has beaten its
heart recently. It answers 200 with each check, or 503 naming what failed.

A probe asks by the server's IP address over plain HTTP: `ProbeMiddleware`, first in the
stack, answers these two paths itself when Django would otherwise refuse the host (400) or
redirect to HTTPS, so a probe is never turned away by the production settings. It always
answers `/readyz` itself, so that no other middleware (sessions, the page cache) touches the
database or the cache it is about to check.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from huey.contrib.djhuey import HUEY

HEARTBEAT_KEY = "worker-heartbeat"
# The worker beats every minute; a few missed beats mean it is gone or stuck.
HEARTBEAT_MAX_AGE = 5 * 60
_CACHE_PROBE_KEY = "readyz-probe"


@never_cache
def healthz(request):
    """A bare view for load balancers and the benchmark: touches nothing."""
    return HttpResponse("ok", content_type="text/plain")


def heartbeat_record() -> None:
    """Note that the worker is alive now (called by its periodic task, toolkit/tasks.py).

    Kept in the task queue's own storage, which the worker and every app server share even
    without Redis (the SQLite queue file of the demo), unlike a per-process memory cache.
    """
    HUEY.put(HEARTBEAT_KEY, time.time())


def heartbeat_age() -> float | None:
    """Seconds since the worker's last heartbeat; None when it never beat."""
    beat = HUEY.get(HEARTBEAT_KEY, peek=True)
    return None if beat is None else time.time() - beat


def database_is_ready() -> bool:
    """Whether every configured database answers a query."""
    try:
        for connection in connections.all():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def cache_is_ready() -> bool:
    """Whether the cache keeps a value and hands it back."""
    token = str(time.monotonic_ns())
    try:
        cache.set(_CACHE_PROBE_KEY, token, 30)
        return cache.get(_CACHE_PROBE_KEY) == token
    except Exception:
        return False


def worker_is_ready() -> bool:
    """Whether the task worker beat its heart within HEARTBEAT_MAX_AGE seconds."""
    try:
        age = heartbeat_age()
    except Exception:  # the queue's storage does not answer
        return False
    return age is not None and age <= HEARTBEAT_MAX_AGE


CHECKS = {"database": database_is_ready, "cache": cache_is_ready, "worker": worker_is_ready}


@never_cache
def readyz(request):
    """200 when every check passes, else 503 naming the failures; JSON either way."""
    results = {name: "ok" if check() else "failing" for name, check in CHECKS.items()}
    failing = [name for name, result in results.items() if result != "ok"]
    return JsonResponse(
        {"status": "failing" if failing else "ok", "failing": failing, "checks": results},
        status=503 if failing else 200,
    )


PROBES = {"/healthz": healthz, "/readyz": readyz}


def is_turned_away(request) -> bool:
    """Whether Django would refuse this request's host or redirect it to HTTPS."""
    try:
        request.get_host()
    except DisallowedHost:
        return True
    return settings.SECURE_SSL_REDIRECT and not request.is_secure()


class ProbeMiddleware:
    """Answer /readyz, and a /healthz that asks by IP address or over plain HTTP.

    Any other /healthz goes through the whole stack like every page, so the benchmark's bare
    view still measures Django's full request path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/readyz" or (
            request.path_info == "/healthz" and is_turned_away(request)
        ):
            return PROBES[request.path_info](request)
        return self.get_response(request)

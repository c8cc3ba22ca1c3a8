"""Sign-ups per second under contention, over HTTP: many signed-in city staff sign up for the
same round table at once, so every request queues for that one round table's row lock.

Called from bench/run.py while gunicorn is serving (`benchmark(env, base_url)`). It runs
`python bench/signups.py prepare` and `... verify` in the bench's environment to create the
people (with sessions, so no password hashing is measured) and to check afterwards that the
seats came out exact: as many confirmed as the capacity, everyone else waitlisted in order.

Environment: BENCH_SIGNUPS (default 2000 people), BENCH_SIGNUP_CLIENTS (default 32 at once).
"""

import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("BENCH_SIGNUPS", "2000"))
CLIENTS = int(os.environ.get("BENCH_SIGNUP_CLIENTS", "32"))


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toolkit.settings")
    import django

    django.setup()


def prepare(people: int) -> dict:
    """A round table with a fifth as many seats as people, and that many signed-in staff."""
    _django()
    import datetime

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from cities.models import City, Membership
    from roundtables.models import RoundTable
    from toolkit.models import User

    run = secrets.token_hex(4)
    starts_at = timezone.now() + datetime.timedelta(days=30)
    round_table = RoundTable.objects.create(
        title=f"Benchmark round table {run}",
        slug=f"benchmark-round-table-{run}",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        capacity=people // 5,
    )
    password = make_password(secrets.token_urlsafe(16))
    users = User.objects.bulk_create(
        User(email=f"bench-{run}-{n}@example.org", name=f"Bench {n}", password=password)
        for n in range(people)
    )
    cities = list(City.objects.order_by("pk"))
    Membership.objects.bulk_create(
        Membership(user=user, city=cities[n % len(cities)], status=Membership.Status.APPROVED)
        for n, user in enumerate(users)
    )
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expires = timezone.now() + datetime.timedelta(hours=2)
    sessions, clients = [], []
    for n, user in enumerate(users):
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=SessionStore().encode(data), expire_date=expires)
        )
        clients.append({"session": key, "city": cities[n % len(cities)].pk})
    Session.objects.bulk_create(sessions)
    return {
        "path": f"/round-tables/{round_table.slug}/sign-up/",
        "slug": round_table.slug,
        "capacity": round_table.capacity,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "clients": clients,
    }


def verify(slug: str) -> dict:
    """How the seats came out."""
    _django()
    from roundtables.models import Registration, RoundTable

    round_table = RoundTable.objects.get(slug=slug)
    registrations = Registration.objects.filter(round_table=round_table)
    sequences = list(registrations.order_by("sequence").values_list("sequence", flat=True))
    first_waitlisted = (
        registrations.filter(status="waitlisted")
        .order_by("sequence")
        .values_list("sequence", flat=True)[:1]
    )
    return {
        "confirmed": registrations.filter(status="confirmed").count(),
        "waitlisted": registrations.filter(status="waitlisted").count(),
        "seats_taken": round_table.seats_taken,
        "arrival_numbers_unique": sequences == list(range(1, len(sequences) + 1)),
        "waitlist_after_seats": not first_waitlisted or first_waitlisted[0] > round_table.capacity,
    }


def _run(env, *args) -> dict:
    result = subprocess.run(
        [sys.executable, str(Path(__file__)), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _post(host: str, port: int, path: str, cookie: str, body: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": "127.0.0.1",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def benchmark(env: dict, base_url: str) -> dict:
    """Prepare, let CLIENTS threads sign everyone up as fast as the server answers, verify."""
    prepared = _run(env, "prepare", str(PEOPLE))
    url = urlsplit(base_url)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret
    jobs = [
        (
            f"{prepared['session_cookie']}={client['session']}; {prepared['csrf_cookie']}={csrf}",
            urlencode({"csrfmiddlewaretoken": csrf, "city": client["city"]}),
        )
        for client in prepared["clients"]
    ]
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    queue = iter(jobs)

    def worker():
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                return
            outcome = _post(url.hostname, url.port, prepared["path"], *job)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for _status, seconds in results)
    quantiles = statistics.quantiles(latencies, n=100)
    seats = _run(env, "verify", prepared["slug"])
    return {
        "people": PEOPLE,
        "clients": CLIENTS,
        "capacity": prepared["capacity"],
        "seconds": elapsed,
        "signups_per_second": len(results) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p95_ms": quantiles[94] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "redirects": sum(1 for status, _ in results if status == 302),
        "errors": sum(1 for status, _ in results if status != 302),
        **seats,
        "exact": seats["confirmed"] == prepared["capacity"]
        and seats["waitlisted"] == PEOPLE - prepared["capacity"]
        and seats["seats_taken"] == prepared["capacity"]
        and seats["arrival_numbers_unique"]
        and seats["waitlist_after_seats"],
    }


def report(result: dict) -> None:
    print(
        f"\nSign-ups under contention: {result['people']} people, {result['clients']} at once, "
        f"one round table of {result['capacity']} seats"
    )
    print(
        f"{result['signups_per_second']:.0f} sign-ups/s; p50 {result['p50_ms']:.1f} ms, "
        f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
        f"{result['errors']} errors"
    )
    print(
        f"seats: {result['confirmed']} confirmed, {result['waitlisted']} waitlisted "
        f"({'exact' if result['exact'] else 'NOT EXACT'})"
    )


if __name__ == "__main__":
    command, argument = sys.argv[1], sys.argv[2]
    output = prepare(int(argument)) if command == "prepare" else verify(argument)
    print(json.dumps(output))

"""Data and sessions for benchmarking the grant dashboard at scale and the signed-in pages.

`make bench` fills the database with BENCH_DOWNLOAD_EVENTS download events (100,000 by
default) spread over the last year and over the cities, then loads the public dashboard
and the grant staff's dashboard (with its per-city table) like any other page. It signs in
by making a session directly, so no password hashing is measured.
"""

import os
import subprocess
from pathlib import Path

EVENTS = int(os.environ.get("BENCH_DOWNLOAD_EVENTS", "100000"))

SEED_EVENTS = """
import datetime, random
from django.utils import timezone
from cities.models import City
from toolkit.models import DownloadEvent
random.seed(2026)
cities = list(City.objects.values_list("pk", flat=True)) + [None] * 88
packages = [
    "toolkit", "toolkit/smart-mobility", "toolkit/data-and-privacy", "adaptation/west-hollywood",
]
now = timezone.now()
batch = []
for n in range({count}):
    moment = now - datetime.timedelta(minutes=random.randrange(0, 365 * 24 * 60))
    visitor = f"visitor-{{random.randrange(20000)}}"
    package = random.choice(packages)
    fmt = random.choice(["pdf", "docx", "csv", "json", "zip"])
    batch.append(DownloadEvent(
        package=package, format=fmt, created_at=moment, city_id=random.choice(cities),
        visitor_key=visitor, unique_key=f"{{visitor}}|{{package}}|{{fmt}}|{{moment:%Y%m%d%H}}",
        is_bot=random.random() < 0.05,
    ))
    if len(batch) == 5000:
        DownloadEvent.objects.bulk_create(batch)
        batch = []
DownloadEvent.objects.bulk_create(batch)
print(DownloadEvent.objects.count())
"""

SESSION = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cached_db import SessionStore
from toolkit.models import User
user, _ = User.objects.get_or_create(email={email!r})
if {group!r}:
    user.groups.add(Group.objects.get(name={group!r}))
    # Coordinators and grant staff have two-step verification set up (toolkit/accounts/mfa.py).
    from allauth.mfa.models import Authenticator
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={{"data": {{"secret": "unused"}}}}
    )
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(f"{{settings.SESSION_COOKIE_NAME}}={{session.session_key}}")
"""


def _shell(python: str, root: Path, env: dict, code: str) -> str:
    result = subprocess.run(
        [python, "manage.py", "shell", "-c", code],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def seed_download_events(python: str, root: Path, env: dict) -> int:
    return int(_shell(python, root, env, SEED_EVENTS.format(count=EVENTS)))


def session_cookie(python: str, root: Path, env: dict, email: str, group: str = "") -> str:
    """A session cookie for `email` (made if missing, and added to `group` if one is named)."""
    return _shell(python, root, env, SESSION.format(email=email, group=group))


def grant_staff_cookie(python: str, root: Path, env: dict) -> str:
    return session_cookie(python, root, env, "bench.grant.staff@example.org", "Grant staff")


def city_lead_cookie(python: str, root: Path, env: dict) -> str:
    """The demo's lead of West Hollywood, whose city has a published adaptation."""
    return session_cookie(python, root, env, "lead@weho.demo.example")

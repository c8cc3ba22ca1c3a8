"""Data and a session for benchmarking the grant dashboard at scale.

`make bench` fills the database with BENCH_DOWNLOAD_EVENTS download events (100,000 by
default) spread over the last year and over the cities, then loads the public dashboard
and the grant staff's dashboard (with its per-city table) like any other page.
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

GRANT_STAFF_SESSION = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from toolkit.models import User
user, _ = User.objects.get_or_create(email="bench.grant.staff@example.org")
user.groups.add(Group.objects.get(name="Grant staff"))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
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


def grant_staff_cookie(python: str, root: Path, env: dict) -> str:
    return _shell(python, root, env, GRANT_STAFF_SESSION)

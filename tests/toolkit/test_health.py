"""/healthz says the process answers; /readyz says the database, cache and worker do too."""

import datetime
import os
import subprocess
import sys
import time

import dj_database_url
import pytest
from django.conf import settings
from django.db import connections
from django.test import override_settings
from huey.contrib.djhuey import HUEY

from toolkit.health import HEARTBEAT_KEY, HEARTBEAT_MAX_AGE
from toolkit.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db

CLOSED_PORT = 1  # nothing listens there: a connection is refused at once
PRODUCTION = {"ALLOWED_HOSTS": ["smartcity.example.org"], "SECURE_SSL_REDIRECT": True}


@pytest.fixture
def worker_alive():
    """The worker's periodic task has just run, as it does every minute."""
    worker_heartbeat.call_local()


@pytest.fixture
def unreachable_database():
    """A second database, configured like production's, whose server does not answer."""
    alias = "unreachable"
    connections.settings[alias] = dj_database_url.parse(
        f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/smartcity"
    )
    connections.configure_settings(connections.settings)
    yield
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_readyz_is_ready_when_the_database_the_cache_and_the_worker_answer(client, worker_alive):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "checks": {"database": "ok", "cache": "ok", "worker": "ok"},
    }


def test_readyz_names_the_database_when_it_does_not_answer(
    client, worker_alive, unreachable_database
):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_readyz_names_the_cache_when_redis_does_not_answer(client, worker_alive):
    redis_down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/14",
        }
    }
    with override_settings(CACHES=redis_down):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_readyz_names_the_worker_when_its_heartbeat_is_stale(client):
    HUEY.put(HEARTBEAT_KEY, time.time() - HEARTBEAT_MAX_AGE - 60)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_readyz_names_the_worker_when_it_never_beat(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_readyz_is_never_kept_by_a_cache(client, worker_alive):
    assert client.get("/readyz").status_code == 200
    HUEY.delete(HEARTBEAT_KEY)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_by_ip_address_over_http_are_answered_in_production(
    client, settings, worker_alive, path
):
    settings.ALLOWED_HOSTS = PRODUCTION["ALLOWED_HOSTS"]
    settings.SECURE_SSL_REDIRECT = PRODUCTION["SECURE_SSL_REDIRECT"]

    response = client.get(path, HTTP_HOST="10.0.0.7")

    assert response.status_code == 200


def test_other_pages_by_ip_address_are_still_refused_in_production(client, settings):
    settings.ALLOWED_HOSTS = PRODUCTION["ALLOWED_HOSTS"]
    settings.SECURE_SSL_REDIRECT = PRODUCTION["SECURE_SSL_REDIRECT"]

    assert client.get("/about/", HTTP_HOST="10.0.0.7").status_code == 400
    assert client.get("/about/", HTTP_HOST="smartcity.example.org").status_code == 301


def test_the_worker_beats_its_heart_every_minute():
    due = [task.name for task in HUEY.read_periodic(datetime.datetime(2026, 3, 2, 10, 7))]

    assert worker_heartbeat.s().name in due


def test_readyz_names_postgresql_and_redis_when_a_server_has_neither(tmp_path):
    # A whole server process whose database and Redis do not answer: every middleware in
    # front of the probe would need them, and none may turn the report into a server error.
    code = (
        "from django.test import Client; response = Client().get('/readyz');"
        "print(response.status_code, ','.join(response.json()['failing']))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7Qe-production-like-secret-key-for-the-health-0f3a9c1b2d4e6f8a0",
        "DJANGO_ALLOWED_HOSTS": "smartcity.example.org",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/smartcity",
        "REDIS_URL": f"redis://127.0.0.1:{CLOSED_PORT}/14",
        "DJANGO_MEDIA_ROOT": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1] == "503 database,cache,worker", result.stderr

import functools
import importlib

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from huey.contrib.djhuey import HUEY

from tests.queue import queue  # noqa: F401 (a fixture for the tests about the queue)
from toolkit import pagecache

# Rows that data migrations create. A transactional test empties every table when it ends,
# so the next one puts these back, through the migrations' own functions.
DATA_MIGRATIONS = [
    ("toolkit.migrations.0003_groups_and_grant_measures", "create_groups_and_measures"),
    ("plans.migrations.0003_core_values", "create_core_values"),
]


@functools.cache
def _migrated_state_apps():
    from django.db.migrations.executor import MigrationExecutor

    return MigrationExecutor(connection).loader.project_state().apps


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        for module, function in DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(_migrated_state_apps(), None)
    yield


@pytest.fixture(autouse=True)
def _mail_through_the_queue(settings):
    # Every email goes through the site's queue backend and the mail task, as on the site; the
    # task runs the moment it is queued (huey's immediate mode, see tests/queue.py) and
    # delivers to Django's test outbox. Tests about the queue use the `queue` fixture.
    settings.EMAIL_BACKEND = "cities.common.mail.QueuedEmailBackend"
    settings.QUEUED_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    HUEY.immediate = True
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached figures live in the cache; every test starts clean, and so does
    # this process's own memory of pages.
    cache.clear()
    pagecache.forget_held()
    yield
    cache.clear()
    pagecache.forget_held()


@pytest.fixture(autouse=True)
def _site_language():
    # A request to /es/... leaves Spanish active in the thread: each test starts in the default.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's site admin, with two-step verification set up as every site admin must."""
    from tests.factories import enrol_mfa

    return enrol_mfa(admin_user)


@pytest.fixture
def seeded(db):
    """The county's subregions and 88 cities, as `load_seed_data` loads them."""
    call_command("load_seed_data", verbosity=0)


@pytest.fixture
def seeded_transactional(transactional_db):
    call_command("load_seed_data", verbosity=0)

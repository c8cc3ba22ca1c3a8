"""The task queue in tests.

Most tests are not about the queue: for them tests/conftest.py puts huey in immediate mode, so a
task runs the moment it is queued (mail lands in Django's test outbox at once), while a task
scheduled for later (a package rebuild waits PACKAGES_REBUILD_DELAY) stays in the in-memory
schedule until a test runs it with `worker_run`. Tests about the queue itself use the `queue`
fixture: huey's real SQLite storage in a file of their own, and `worker_run` doing what the
consumer's scheduler and worker do.
"""

import datetime
import threading

import pytest
from huey.consumer import Worker
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage


def worker_run(now: datetime.datetime | None = None, *, limit: int | None = None) -> int:
    """Run the consumer's loops until nothing is left to do at `now`; returns the tasks run.

    As huey's scheduler does, the tasks due at `now` (huey's clock: UTC, naive) move from the
    schedule to the queue; as its worker does, each queued task is taken and executed (a
    failure is logged and, with retries left, put back on the schedule for later).
    """
    now = now or HUEY._get_timestamp()
    for task in HUEY.read_schedule(now):
        HUEY.enqueue(task)
    worker = Worker(HUEY, threading.Event(), default_delay=0.1, max_delay=0.1, backoff=1)
    ran = 0
    while HUEY.pending_count() and (limit is None or ran < limit):
        worker.loop(now)
        ran += 1
    return ran


def later(seconds: float) -> datetime.datetime:
    """huey's clock `seconds` from now: what the scheduler sees when that time comes."""
    return HUEY._get_timestamp() + datetime.timedelta(seconds=seconds)


@pytest.fixture
def queue(tmp_path):
    """huey on its real SQLite storage (a file of this test's own), not in immediate mode."""
    storage = HUEY.storage
    HUEY.immediate = False
    HUEY.storage = SqliteStorage(HUEY.name, filename=str(tmp_path / "queue.sqlite3"))
    yield HUEY
    HUEY.storage = storage
    HUEY.immediate = True

"""Packages are built by the worker from the real queue, never in a download request."""

import json

import pytest
from django.conf import settings

from plans.models import Plan
from plans.services import entry_update
from tests.factories import make_entry
from tests.queue import later, worker_run
from toolkit.downloads import packages
from toolkit.downloads.snapshots import toolkit_specs

pytestmark = pytest.mark.django_db(transaction=True)

JSON = "/toolkit/downloads/whole/json/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def titles(response) -> list[str]:
    data = json.loads(b"".join(response.streaming_content))
    return [entry["title"] for area in data["focus_areas"] for entry in area["entries"]]


def rebuild_time():
    """When the scheduler hands the builds queued by a change to a worker."""
    return later(settings.PACKAGES_REBUILD_DELAY)


def test_a_plan_change_is_built_by_the_worker_and_until_then_the_previous_revision_is_served(
    queue, media, client
):
    entry = make_entry(title="Smart parking")
    plan = Plan.objects.model_plan()

    # Nothing built yet: the visitor is asked to come back, and nothing is built for them.
    waiting = client.get(JSON, HTTP_USER_AGENT=FIREFOX)
    assert waiting.status_code == 503
    assert int(waiting["Retry-After"]) > 0
    assert "being prepared" in waiting.content.decode()
    assert not list(media.glob("packages/*.json"))

    worker_run(rebuild_time())
    plan.refresh_from_db()
    first = str(plan.revision)
    response = client.get(JSON, HTTP_USER_AGENT=FIREFOX)
    assert (response["X-Package-Revision"], response["X-Package-Current"]) == (first, "yes")
    assert titles(response) == ["Smart parking"]

    entry_update(entry=entry, values={"title": "Parking for all"}, expected_version=entry.version)
    plan.refresh_from_db()
    second = str(plan.revision)
    assert queue.pending_count() + len(queue.scheduled()) >= 1  # waiting for the worker

    response = client.get(JSON, HTTP_USER_AGENT=FIREFOX)
    assert (response["X-Package-Revision"], response["X-Package-Current"]) == (first, "no")
    assert titles(response) == ["Smart parking"]
    new_file = packages.built_path(toolkit_specs(plan)[0], "json")
    assert not new_file.exists()  # the request did not build
    page = client.get("/toolkit/downloads/").content.decode()
    assert f"A newer version (revision {second}) is being prepared" in page
    assert f"previous revision {first}" in page

    worker_run(rebuild_time())
    response = client.get(JSON, HTTP_USER_AGENT=FIREFOX)
    assert (response["X-Package-Revision"], response["X-Package-Current"]) == (second, "yes")
    assert titles(response) == ["Parking for all"]
    assert new_file.exists()
    page = client.get("/toolkit/downloads/").content.decode()
    assert "is being prepared" not in page


def test_a_burst_of_edits_is_built_once(queue, media):
    entry = make_entry(title="Smart parking")
    worker_run(rebuild_time())
    for number in range(20):
        entry.refresh_from_db()
        entry_update(
            entry=entry, values={"title": f"Edit {number}"}, expected_version=entry.version
        )
    plan = Plan.objects.model_plan()
    files = [packages.built_path(spec, "pdf") for spec in toolkit_specs(plan)]

    while not all(path.exists() for path in files):  # one queued task at a time
        assert worker_run(rebuild_time(), limit=1) == 1
    built = [path.stat().st_mtime_ns for path in files]
    assert worker_run(rebuild_time()) >= 19  # the rest of the burst's builds: nothing to do

    assert [path.stat().st_mtime_ns for path in files] == built
    assert len(list(media.glob("packages/smart-city-toolkit--*.pdf"))) == 1


def test_build_packages_at_deploy_builds_what_the_worker_would(media):
    from django.core.management import call_command

    make_entry(title="Smart parking")
    call_command("build_packages", verbosity=0)

    plan = Plan.objects.model_plan()
    assert all(
        packages.built_file(spec, format)
        for spec in toolkit_specs(plan)
        for format in packages.FORMATS
    )

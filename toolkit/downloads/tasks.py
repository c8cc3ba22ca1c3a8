"""The worker's side of the downloads: packages are built here, never in a request.

A change to a plan (plans.models.plan_touch) queues `toolkit_packages_build` once the change
is committed, PACKAGES_REBUILD_DELAY seconds later, so a burst of edits makes one build: each
run builds only what is not built for the plan's revision at that moment, and the runs queued
by the rest of the burst find everything built and do nothing.
"""

from django.conf import settings
from django.db import transaction
from huey.contrib.djhuey import db_task

from plans.models import Plan
from toolkit.downloads.packages import specs_build
from toolkit.downloads.snapshots import toolkit_specs


def rebuild_queue(task, plan_id: int) -> None:
    """Queue `task(plan_id)` after the current transaction commits, after the rebuild delay."""
    transaction.on_commit(
        lambda: task.schedule(args=(plan_id,), delay=settings.PACKAGES_REBUILD_DELAY)
    )


@db_task()
def toolkit_packages_build(plan_id: int) -> int:
    """Build every package of the model plan not built for its current revision yet."""
    plan = Plan.objects.filter(pk=plan_id, kind=Plan.Kind.MODEL).first()
    return specs_build(toolkit_specs(plan)) if plan else 0


def toolkit_packages_queue(sender, *, plan_id: int, **kwargs) -> None:
    """On a change to a plan, queue the build of the model plan's packages (skipped for others)."""
    rebuild_queue(toolkit_packages_build, plan_id)

"""The worker builds a city's adaptation files when the adaptation changes (see
toolkit/downloads/tasks.py for how a burst of changes makes one build)."""

from huey.contrib.djhuey import db_task

from plans.models import Plan
from toolkit.adaptations.exports import ALL_FORMATS, FORMATS, adaptation_spec, all_adaptations_spec
from toolkit.downloads.packages import specs_build
from toolkit.downloads.tasks import rebuild_queue


@db_task()
def adaptation_packages_build(plan_id: int) -> int:
    """Build every format of the adaptation not built for its current revision yet."""
    plan = Plan.objects.filter(pk=plan_id, kind=Plan.Kind.ADAPTATION).select_related("city")
    plan = plan.first()
    return specs_build([adaptation_spec(plan)], formats=list(FORMATS)) if plan else 0


@db_task()
def all_adaptations_build(plan_id: int) -> int:
    """Build the file of every published adaptation, if a change made a new revision of it."""
    return specs_build([all_adaptations_spec()], formats=list(ALL_FORMATS))


def adaptation_packages_queue(sender, *, plan_id: int, **kwargs) -> None:
    """On a change to a plan, queue the build of its adaptation files (skipped for the model),
    and of the file of every published adaptation (which it may have joined or left)."""
    rebuild_queue(adaptation_packages_build, plan_id)
    rebuild_queue(all_adaptations_build, plan_id)

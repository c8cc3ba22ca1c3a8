import time

from django.core.management.base import BaseCommand

from plans.models import Plan
from toolkit.packages import specs_build
from toolkit.snapshots import toolkit_specs


class Command(BaseCommand):
    help = (
        "Build every downloadable package of the model plan that is not built for its current "
        "revision yet, so the downloads page shows exact sizes. Safe to run at every deploy."
    )

    def handle(self, *args, **options):
        plan = Plan.objects.model_plan()
        if plan is None:
            self.stdout.write("No model plan yet: run load_seed_data first.")
            return
        started = time.monotonic()
        built = specs_build(toolkit_specs(plan))
        self.stdout.write(
            self.style.SUCCESS(f"{built} packages built in {time.monotonic() - started:.1f} s.")
        )

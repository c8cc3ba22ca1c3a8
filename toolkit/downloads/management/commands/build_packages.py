import time

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from toolkit.downloads.packages import FORMATS, specs_build
from toolkit.downloads.snapshots import toolkit_specs


class Command(BaseCommand):
    help = (
        "Build every downloadable package of the model plan that is not built for its current "
        "revision yet, so the downloads page shows exact sizes. Safe to run at every deploy."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", help='Only this package: "whole" or a focus area slug.')
        parser.add_argument("--format", choices=list(FORMATS), help="Only this format.")

    def handle(self, *args, scope=None, format=None, **options):
        plan = Plan.objects.model_plan()
        if plan is None:
            self.stdout.write("No model plan yet: run load_seed_data first.")
            return
        specs = [spec for spec in toolkit_specs(plan) if scope in (None, spec.slug)]
        if not specs:
            raise CommandError(f"No package called {scope!r}.")
        started = time.monotonic()
        built = specs_build(specs, formats=[format] if format else None)
        self.stdout.write(
            self.style.SUCCESS(f"{built} packages built in {time.monotonic() - started:.1f} s.")
        )

import time

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from toolkit.adaptations.exports import ALL_FORMATS, all_adaptations_spec
from toolkit.downloads.packages import FORMATS, specs_build
from toolkit.downloads.snapshots import toolkit_specs


class Command(BaseCommand):
    help = (
        "Build every downloadable package of the model plan (and the file of every published "
        "adaptation) that is not built for its current revision yet, so the downloads and open "
        "data pages show exact sizes. Safe to run at every deploy."
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
        if scope is None:
            # The open data page's file of every published adaptation, too.
            formats = [f for f in ALL_FORMATS if format in (None, f)]
            built += specs_build([all_adaptations_spec()], formats=formats) if formats else 0
        self.stdout.write(
            self.style.SUCCESS(f"{built} packages built in {time.monotonic() - started:.1f} s.")
        )

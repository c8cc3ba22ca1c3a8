from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from toolkit.demo.people import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Add the demo: a coordinator, a program officer, staff in a few cities and two round "
        "tables. Prints the demo sign-ins. Run load_seed_data first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load the demo even with DJANGO_DEBUG off (for the benchmark; never production).",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "The demo's accounts share a published password; refusing to load them with "
                "DJANGO_DEBUG off. Use --allow-without-debug for a throwaway database."
            )
        people = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with any of these:"))
        for person in people:
            self.stdout.write(f"  {person.email:<34} {person.role_note}")
        self.stdout.write(f"  Password for all of them: {DEMO_PASSWORD}")

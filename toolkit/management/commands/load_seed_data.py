from django.conf import settings
from django.core.management.base import BaseCommand

from cities.seed import seed_regions_and_cities
from plans.seed import model_plan_load

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the seed data every installation needs: the county's subregions and its 88 "
        "cities, and the model plan. Safe to run again: rows already up to date are left alone."
    )

    def handle(self, *args, **options):
        result = seed_regions_and_cities(
            regions_path=FIXTURES / "regions.yaml", cities_path=FIXTURES / "cities.yaml"
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Seed data loaded: {created} created, {updated} updated.".format(**result)
            )
        )
        plan = model_plan_load(path=FIXTURES / "model_plan.yaml")
        self.stdout.write(
            self.style.SUCCESS(
                "Model plan loaded: {entries} entries; {created} rows created, "
                "{updated} updated.".format(**plan)
            )
        )

import pytest
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection

from cities.models import City, CityEmailDomain, Region
from cities.seed import seed_regions_and_cities
from tests.factories import make_city, make_region

FIXTURES = settings.BASE_DIR / "fixtures"


@pytest.fixture
def region(db):
    return make_region(name="Westside Cities")


@pytest.fixture
def city(region):
    """A city whose staff use addresses on weho.example."""
    city = make_city(name="West Hollywood", region=region, population=35_757)
    CityEmailDomain.objects.create(city=city, domain="weho.example")
    return city


@pytest.fixture
def other_city(region):
    city = make_city(name="Santa Monica", region=region, population=93_076)
    CityEmailDomain.objects.create(city=city, domain="smgov.example")
    return city


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the mail a change sends once committed (tests run inside one transaction)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def reload(city: City) -> City:
    return City.objects.get(pk=city.pk)


_county: dict = {}


@pytest.fixture
def county(db):
    """The county's subregions and 88 cities, without the model plan `seeded` also loads.

    Seeding runs once per test session; later tests copy its rows back in three queries.
    """
    models = [Region, City, City.regions.through, CityEmailDomain]
    if not _county:
        seed_regions_and_cities(
            regions_path=FIXTURES / "regions.yaml", cities_path=FIXTURES / "cities.yaml"
        )
        _county.update({model: list(model.objects.values()) for model in models})
        return
    for model in models:
        model.objects.bulk_create(model(**row) for row in _county[model])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)

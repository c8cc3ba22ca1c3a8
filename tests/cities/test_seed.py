import pytest
from django.core.management import call_command

from cities import services
from cities.models import City, CityEmailDomain, Region
from tests.factories import make_coordinator

pytestmark = pytest.mark.django_db


def test_seed_data_loads_all_88_cities_and_the_county_subregions(seeded):
    assert City.objects.count() == 88
    assert Region.objects.count() == 9
    west_hollywood = City.objects.get(name="West Hollywood")
    assert west_hollywood.primary_region.name == "Westside Cities"
    assert west_hollywood.population == 35757
    # The sum the sources give for the 88 cities in the 2020 census.
    assert sum(City.objects.values_list("population", flat=True)) == 8_991_842


def test_a_city_in_two_subregions_keeps_the_first_as_primary(seeded):
    burbank = City.objects.get(name="Burbank")
    assert burbank.primary_region.name == "Arroyo Verdugo"
    assert sorted(burbank.regions.values_list("name", flat=True)) == [
        "Arroyo Verdugo",
        "San Fernando Valley",
    ]


def test_loading_the_seed_data_twice_changes_nothing(seeded, capsys):
    before = list(City.objects.values().order_by("pk"))
    call_command("load_seed_data")
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert list(City.objects.values().order_by("pk")) == before


def test_a_citys_own_edits_survive_a_reload(seeded):
    City.objects.filter(slug="bell").update(website="https://www.cityofbell.org/")
    call_command("load_seed_data", verbosity=0)
    assert City.objects.get(slug="bell").website == "https://www.cityofbell.org/"


def test_the_seed_gives_cities_their_official_website_and_email_domain(county):
    west_hollywood = City.objects.get(slug="west-hollywood")
    assert west_hollywood.website == "https://www.weho.org"
    assert list(west_hollywood.email_domains.values_list("domain", flat=True)) == ["weho.org"]
    # Every seeded domain is on the city's own website's domain family and unique.
    assert CityEmailDomain.objects.count() == len(
        set(CityEmailDomain.objects.values_list("domain"))
    )


def test_a_domain_a_coordinator_removed_does_not_come_back_with_the_seed(county):
    domain = CityEmailDomain.objects.get(domain="weho.org")
    services.domain_remove(domain=domain, by=make_coordinator())
    call_command("load_seed_data", verbosity=0)
    domain.refresh_from_db()
    assert not domain.is_active
    assert CityEmailDomain.objects.filter(domain="weho.org").count() == 1


def test_a_domain_a_coordinator_moved_to_another_city_stays_there(county):
    CityEmailDomain.objects.filter(domain="weho.org").update(
        city=City.objects.get(slug="beverly-hills")
    )
    call_command("load_seed_data", verbosity=0)
    assert CityEmailDomain.objects.get(domain="weho.org").city.slug == "beverly-hills"


def test_the_seed_adds_domains_to_cities_loaded_before_domains_existed(county):
    CityEmailDomain.objects.all().delete()
    call_command("load_seed_data", verbosity=0)
    assert CityEmailDomain.objects.filter(city__slug="west-hollywood").exists()

import pytest

from cities.models import City, Membership
from tests.factories import make_membership, make_user
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_the_directory_lists_every_city_by_subregion_with_a_summary(client, seeded):
    make_membership(city=City.objects.get(slug="west-hollywood"))
    html = client.get("/cities/").content.decode()

    assert "1 of 88 cities registered." in html
    assert html.count('href="/cities/') >= 88
    assert "Westside Cities" in html and "Gateway Cities" in html


def test_a_city_page_shows_its_facts(client, seeded):
    html = client.get("/cities/west-hollywood/").content.decode()
    assert "West Hollywood" in html
    assert "35,757" in html
    assert "1984" in html
    assert "Not registered yet" in html


def test_the_directory_query_count_does_not_grow_with_members(client, seeded):
    cities = list(City.objects.all()[:10])

    def grow(factor):
        wanted = factor * len(cities)
        while Membership.objects.count() < wanted:
            index = Membership.objects.count()
            make_membership(user=make_user(), city=cities[index % len(cities)])

    make_membership(city=cities[0])
    assert_constant_queries(client, "/cities/", grow)


def test_a_city_page_query_count_does_not_grow_with_members(client, seeded):
    city = City.objects.get(slug="west-hollywood")

    def grow(factor):
        while city.memberships.count() < factor:
            make_membership(city=city)

    make_membership(city=city)
    assert_constant_queries(client, city.get_absolute_url(), grow)

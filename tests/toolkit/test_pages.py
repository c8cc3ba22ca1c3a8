import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from roundtables.models import RoundTable
from tests.factories import make_membership, make_registration, make_round_table


def test_home_page_explains_the_collaborative_and_shows_the_three_measures(client, seeded):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "One smart city plan, shared by the 88 cities of Los Angeles County" in html
    for label in ["Participating cities", "Toolkit downloads", "Round tables held"]:
        assert label in html
    assert "<strong>0</strong> of 16" in html
    assert "<strong>0</strong> of 50" in html
    assert "<strong>0</strong> of 2" in html


def test_home_page_figures_move_when_a_city_registers_and_a_round_table_is_held(client, seeded):
    from cities.models import City

    make_membership(city=City.objects.get(slug="west-hollywood"))
    round_table = make_round_table(status=RoundTable.Status.HELD)
    make_registration(round_table=round_table, attended=True)

    html = client.get("/").content.decode()

    # Two cities: West Hollywood, and the city of the round table's attendee.
    assert "<strong>2</strong> of 16" in html
    assert "<strong>1</strong> of 2" in html


def test_health_check_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.content == b"ok"


# The page cache reads the round tables' coming moments once per content generation.
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/about/", "/privacy/", "/accessibility/"])
def test_information_pages_are_public(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_privacy_page_states_the_download_counting_rules(client):
    html = client.get("/privacy/").content.decode()
    assert "never keep" in html
    assert "one clock hour count once" in html
    assert "COUNTER robots list" in html


def test_a_wrong_address_gets_the_sites_own_404_page(client, db):
    response = client.get("/cities/atlantis/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Smart City Collaborative" in response.content.decode()


def test_the_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()

"""The site-wide helpers of cities/common: each rule defined once, tested once."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory

from cities.common import cache, numbers, redirects, slugs
from cities.models import City, Region
from toolkit.models import DownloadEvent


def _city(name, slug, region):
    return City.objects.create(
        name=name,
        slug=slug,
        primary_region=region,
        population=100,
        incorporated_on=datetime.date(1900, 1, 1),
    )


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 8, 13),
        (5, 8, 63),
        (3, 8, 38),
        (1, 2, 50),
        (2, 16, 13),
        (0, 5, 0),
        (3, 0, 0),
        (8, 8, 100),
    ],
)
def test_a_percentage_rounds_halves_up_everywhere(part, whole, expected):
    # 1 of 8 is 12.5 %: half-to-even would say 12, the site says 13 wherever it is shown.
    assert numbers.percent(part, whole) == expected


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "foo",
        "//example.org",
        "https://example.org/",
        "javascript:alert(1)",
        "/\\example.org",
        "",
    ],
)
def test_a_next_address_off_this_site_or_not_a_path_falls_back(value):
    request = RequestFactory().post("/somewhere/", {"next": value})
    assert redirects.safe_next(request, "/default/") == "/default/"
    assert redirects.redirect_next(request, "/default/")["Location"] == "/default/"


def test_a_next_path_on_this_site_is_followed():
    request = RequestFactory().post("/x/", {"next": "/cities/bell/?page=2"})
    assert redirects.safe_next(request, "/default/") == "/cities/bell/?page=2"
    request = RequestFactory().get("/x/", {"next": "/toolkit/"})
    assert redirects.safe_next(request, "/default/") == "/toolkit/"


@pytest.mark.django_db
def test_unique_slugs_take_the_first_free_suffix_and_avoid_reserved_words():
    region = Region.objects.create(name="Test region", slug="test-region")
    _city("Bell", "bell", region)
    _city("Bell 2", "bell-2", region)
    cities = City.objects.all()
    assert slugs.unique_slug(cities, "Bell", max_length=80, fallback="city") == "bell-3"
    assert slugs.unique_slug(cities, "Carson", max_length=80, fallback="city") == "carson"
    assert slugs.unique_slug(cities, "¡¿!", max_length=80, fallback="city") == "city"
    assert slugs.unique_slug(cities, "New", max_length=80, fallback="city", reserved={"new"}) == (
        "new-city"
    )
    long = slugs.unique_slug(cities, "b" * 200, max_length=10, fallback="city")
    assert len(long) <= 10


@pytest.mark.django_db
def test_every_kind_of_write_starts_a_new_generation():
    connection.ensure_connection()
    region = Region.objects.create(name="Test region", slug="test-region")
    before = cache.generation()
    _city("Bell", "bell", region)
    after_insert = cache.generation()
    City.objects.filter(slug="bell").update(name="Bell Gardens")
    after_update = cache.generation()
    City.objects.filter(slug="bell").delete()
    after_delete = cache.generation()
    assert len({before, after_insert, after_update, after_delete}) == 4


@pytest.mark.django_db
def test_a_download_changes_only_the_downloads_generation():
    connection.ensure_connection()
    content, downloads = cache.generation(cache.CONTENT), cache.generation(cache.DOWNLOADS)
    DownloadEvent.objects.create(
        package="toolkit/whole", format="pdf", visitor_key="v" * 64, unique_key="k" * 64
    )
    assert cache.generation(cache.CONTENT) == content
    assert cache.generation(cache.DOWNLOADS) != downloads


@pytest.mark.django_db
def test_a_cached_value_is_drawn_again_after_a_change():
    connection.ensure_connection()
    region = Region.objects.create(name="Test region", slug="test-region")
    count = lambda: City.objects.count()  # noqa: E731
    assert cache.cached(("cities",), count) == 0
    _city("Bell", "bell", region)
    assert cache.cached(("cities",), count) == 1

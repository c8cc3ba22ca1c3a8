import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and cached figures live in the cache; every test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db):
    """The county's subregions and 88 cities, as `load_seed_data` loads them."""
    call_command("load_seed_data", verbosity=0)


@pytest.fixture
def seeded_transactional(transactional_db):
    call_command("load_seed_data", verbosity=0)

import pytest

from tests.toolkit.grant.spread import make_spread


@pytest.fixture
def spread(db):
    """Cities, downloads and round tables in two periods (tests/toolkit/grant/spread.py)."""
    make_spread()

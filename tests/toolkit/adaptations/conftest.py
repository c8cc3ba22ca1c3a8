import pytest

from tests.toolkit.adaptations.world import make_world, start


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Built exports go to a folder of the test's own: none is served from another test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def plan(world):
    return start(world)

import pytest


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Built exports go to a folder of the test's own: none is served from another test."""
    settings.MEDIA_ROOT = tmp_path / "media"

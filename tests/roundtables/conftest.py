import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded materials go to a throwaway folder, never the project's media/.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def send_mail_on_commit(django_capture_on_commit_callbacks):
    """Run the mail the services queue for after the commit (tests run inside a transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _default_language():
    # A request in Spanish leaves Spanish active in the thread; the next test starts afresh.
    yield
    translation.deactivate()

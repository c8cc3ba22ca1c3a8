# The API's world (a published adaptation, a draft, a round table), and each test's own media.
from tests.toolkit.api.conftest import _own_media, published  # noqa: F401

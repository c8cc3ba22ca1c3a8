import os

from django.core.asgi import get_asgi_application

from toolkit.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toolkit.settings")

application = get_asgi_application()

# Fail fast with a clear message rather than on the first request.
require_secret_key()

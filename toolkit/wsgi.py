import os

from django.core.wsgi import get_wsgi_application

from toolkit.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toolkit.settings")

application = get_wsgi_application()

# Fail fast with a clear message rather than on the first request.
require_secret_key()

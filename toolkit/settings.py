"""Settings for the Open Sourced Smart City Collaborative.

Everything that differs between a laptop, CI and production comes from the
environment; the README lists the variables. Debug is off unless asked for.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from toolkit.errors import admins, sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# With debug off and no key, serving (wsgi.py, asgi.py) and `check --deploy` stop with this
# message (toolkit/checks.py), while commands that need no key, such as makemigrations, run.
SECRET_KEY_MISSING = (
    "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. Set it to a long random "
    "string, for example the output of:\n"
    "  python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG=1"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The public address, for links in emails and downloadable documents.
_named_hosts = [host.lstrip(".") for host in ALLOWED_HOSTS if host.lstrip(".") and host != "*"]
SITE_URL = os.environ.get(
    "DJANGO_SITE_URL",
    f"https://{_named_hosts[0]}" if _named_hosts and not DEBUG else "http://127.0.0.1:8000",
).rstrip("/")

INSTALLED_APPS = [
    # Our apps first so that their templates override those of the libraries.
    "toolkit.apps.ToolkitConfig",
    # The toolkit's rooms: each capability with its views, URLs and templates in one folder.
    "toolkit.accounts",
    "toolkit.demo",
    "toolkit.downloads",
    "toolkit.grant",
    "cities",
    "plans",
    "roundtables",
    "toolkit.adaptations",
    "toolkit.api",
    "toolkit.opendata",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "toolkit.apps.ProjectStaticFilesConfig",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "taggit",
    "simple_history",
    "csp",
    "huey.contrib.djhuey",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First: answers /healthz and /readyz to a probe by IP address or over plain HTTP.
    "toolkit.health.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside the session, CSRF and messages middleware, so that it sees the cookies they set.
    "toolkit.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and messages: coordinators, grant staff and admins enrol first.
    "toolkit.accounts.mfa.PrivilegedRolesNeedMfaMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: the person is known and their session checked before a kept page is served.
    "toolkit.pagecache.PersonalPageCacheMiddleware",
]

ROOT_URLCONF = "toolkit.urls"
WSGI_APPLICATION = "toolkit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Forms render with the U.S. Web Design System markup from templates/forms and
# templates/django/forms, so every form on the site looks and reads the same.
FORM_RENDERER = "toolkit.forms.USWDSFormRenderer"

# --- Database -------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: threads in the concurrency tests need
    # real locking. The process id keeps parallel test runs apart.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"smartcity-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Task queue (huey) --------------------------------------------------------------
# Package builds, mail and the hourly reminders run on a worker: `manage.py run_huey`.
# Redis in production (REDIS_URL); otherwise a SQLite file, so the demo needs nothing installed.

QUEUE_FILE = Path(os.environ.get("DJANGO_QUEUE_FILE", BASE_DIR / "var" / "queue.sqlite3"))
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "smartcity",
        "connection": {"url": os.environ["REDIS_URL"]},
    }
else:
    QUEUE_FILE.parent.mkdir(parents=True, exist_ok=True)
    HUEY = {"huey_class": "huey.SqliteHuey", "name": "smartcity", "filename": str(QUEUE_FILE)}
HUEY |= {
    "immediate": False,  # djhuey's default follows DEBUG; the demo runs a real worker too
    "results": False,  # no task's return value is read
    "consumer": {
        "workers": int(os.environ.get("DJANGO_QUEUE_WORKERS", "2")),
        "worker_type": "thread",
    },
}
# A change to a plan waits this many seconds before its packages are rebuilt, so a burst of
# edits makes one build.
PACKAGES_REBUILD_DELAY = int(os.environ.get("DJANGO_PACKAGES_REBUILD_DELAY", "5"))

# --- Cache ------------------------------------------------------------------------

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "cities.common.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "smartcity",
        }
    }
else:
    # One process's memory (the demo, the tests): room for every page and figure it keeps.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# --- Accounts -----------------------------------------------------------------------

AUTH_USER_MODEL = "toolkit.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# A name, not a path: reversed in the language of the page the person signed out from.
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "toolkit.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Smart City Collaborative] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's built-in rate limits stay on (its defaults); they live in the cache.

# Two-step verification: an authenticator app (TOTP) with recovery codes. Optional for everyone;
# coordinators, grant staff and site admins must set it up first (toolkit/accounts/mfa.py),
# except in the demo, whose shared accounts have no authenticator app.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Smart City Collaborative"
MFA_REQUIRED_FOR_PRIVILEGED_ROLES = env_bool("DJANGO_MFA_REQUIRED", not DEBUG)

# --- Mail -------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Smart City Collaborative <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write about the open data (the contact of the DCAT-US catalogue, /data.json).
CONTACT_EMAIL = os.environ.get("DJANGO_CONTACT_EMAIL") or (
    f"open-data@{_named_hosts[0]}" if _named_hosts else "open-data@localhost"
)
# Every message goes through the task queue (below): a worker sends it through
# QUEUED_EMAIL_BACKEND, and tries again later when the mail server is down or refuses it.
EMAIL_BACKEND = "cities.common.mail.QueuedEmailBackend"
QUEUED_EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
QUEUED_EMAIL_RETRIES = int(os.environ.get("DJANGO_EMAIL_RETRIES", "12"))
QUEUED_EMAIL_RETRY_DELAY = int(os.environ.get("DJANGO_EMAIL_RETRY_DELAY", "300"))
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
USWDS_DIST = BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    *[(f"uswds/{part}", USWDS_DIST / part) for part in ("css", "js", "img", "fonts")],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# --- Security -------------------------------------------------------------------------

SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
if SECURE_COOKIES:
    # The __Host- prefix pins a cookie to this host, HTTPS and path "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the shared cache (the database keeps them when the cache forgets).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the site append to X-Forwarded-For: the client's address is
# the one the farthest of them saw. One answer for every reader of the address (the sign-in
# rate limits, the download counting and its rate limit, the API's); 0 ignores the header.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT") or int(BEHIND_PROXY))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Downloads one network (or one signed-in person) may make per minute before a 429.
DOWNLOADS_PER_MINUTE = int(os.environ.get("DJANGO_DOWNLOADS_PER_MINUTE") or 30)
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # but for the embeddable progress page (toolkit/grant/views.py)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # USWDS draws some icons from data: URIs in its stylesheet.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- The public API (toolkit/api/) -----------------------------------------------------

REST_FRAMEWORK = {
    # Read-only and public: every answer is the same whoever asks (a signed-in person keeps
    # their session, and sees nothing more); only GET, HEAD and OPTIONS are allowed.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["toolkit.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("DJANGO_API_RATE", "300/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Sourced Smart City Collaborative API",
    "DESCRIPTION": (
        "Read-only open data of the collaborative: the model plan's toolkit, the county's "
        "cities, their published adaptations, the round tables and the grant figures. "
        "Content is shared under CC BY 4.0. No key is needed; each client may make a limited "
        "number of requests per minute (429 with Retry-After beyond it)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
}

# --- Logging and error reports -----------------------------------------------------------
# A server error is mailed to ADMINS ("Name <email>, Other <email>") through the mail queue
# and, when SENTRY_DSN is set, sent to Sentry with personal data scrubbed (toolkit/errors.py).

ADMINS = admins(os.environ.get("DJANGO_ADMINS", ""))
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Requests that fail, and Django's own errors; they reach the console through root.
        # (Not the worker's errors: a mail task failing while the mail server is down would
        # mail about itself.)
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # Scanners send any Host header: refused with a 400, logged, never mailed.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
    },
}
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    sentry_init(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", "production"))
CSRF_FAILURE_VIEW = "toolkit.views.csrf_failure"

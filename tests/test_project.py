"""Project-wide guarantees: migrations are complete, production settings are safe."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Qe-production-like-secret-key-for-the-check-0f3a9c1b2d4e6f8a0b1c2",
    "DJANGO_ALLOWED_HOSTS": "smartcity.example.org",
    "DATABASE_URL": "postgres://smartcity@db.example.org:5432/smartcity",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_the_deploy_check_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def without(*names: str) -> dict:
    return {name: value for name, value in PRODUCTION_ENV.items() if name not in names}


@pytest.mark.parametrize(
    ("missing", "error"),
    [
        (("DATABASE_URL",), "(toolkit.E002) Production runs on PostgreSQL"),
        (("REDIS_URL",), "(toolkit.E003) Production needs Redis"),
    ],
)
def test_production_refuses_to_start_without_its_shared_services(missing, error):
    result = manage("check", "--deploy", env=without(*missing))

    assert result.returncode != 0
    assert error in result.stderr


def test_production_refuses_to_start_without_a_public_address():
    env = without("DJANGO_ALLOWED_HOSTS") | {"DJANGO_ALLOWED_HOSTS": "*"}

    result = manage("check", "--deploy", env=env)

    assert result.returncode != 0
    assert "(toolkit.E004) The site's public address is http://127.0.0.1:8000" in result.stderr
    assert "DJANGO_SITE_URL" in result.stderr


def test_an_explicit_site_url_is_a_public_address():
    env = without("DJANGO_ALLOWED_HOSTS") | {
        "DJANGO_ALLOWED_HOSTS": "*",
        "DJANGO_SITE_URL": "https://smartcity.example.org",
    }

    result = manage("check", "--deploy", env=env)

    assert "toolkit.E004" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr

    server = subprocess.run(
        [sys.executable, "-c", "import toolkit.wsgi"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in server.stderr


def test_tools_that_need_no_secret_key_run_without_one():
    result = manage("makemigrations", "--check", "--dry-run", env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_production_cookies_are_host_prefixed_and_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
        "True",
    ], result.stderr


def test_sqlite_queues_writers_instead_of_failing():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 20


def _lint_imports(tree) -> subprocess.CompletedProcess:
    lint_imports = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    return subprocess.run(
        [lint_imports, "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_import_from_a_lower_app_into_a_higher_one_fails_the_lint(tmp_path):
    import shutil

    base = settings.BASE_DIR
    shutil.copy(base / "pyproject.toml", tmp_path / "pyproject.toml")
    for app in ("cities", "plans", "roundtables", "toolkit"):
        shutil.copytree(
            base / app,
            tmp_path / app,
            ignore=shutil.ignore_patterns("templates", "static", "locale", "__pycache__", "*.mo"),
        )
    kept = _lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    # The cities app reaching up into the round tables breaks the layers.
    with open(tmp_path / "cities" / "models.py", "a") as models:
        models.write("\nfrom roundtables.models import RoundTable  # noqa\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout
    assert "cities.models -> roundtables.models" in broken.stdout

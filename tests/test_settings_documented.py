"""Every environment variable the settings read is in the README's table of variables."""

import re

from django.conf import settings

ENVIRONMENT_READ = re.compile(
    r"""(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\()\s*["']([A-Z0-9_]+)["']"""
)


def variables_read_by_the_settings() -> set[str]:
    return set(
        ENVIRONMENT_READ.findall((settings.BASE_DIR / "toolkit" / "settings.py").read_text())
    )


def variables_in_the_readme_table() -> set[str]:
    readme = (settings.BASE_DIR / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.lstrip().startswith("|")]
    return {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)(?:=[^`]*)?`", row)}


def test_the_settings_read_the_environment_somewhere():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SENTRY_DSN"} <= (
        variables_read_by_the_settings()
    )


def test_every_variable_the_settings_read_is_in_the_readme_table():
    missing = variables_read_by_the_settings() - variables_in_the_readme_table()

    assert not missing, f"add to the README's table of variables: {sorted(missing)}"

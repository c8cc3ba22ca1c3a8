import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app keeps its own catalogue so that work on one app never rewrites
# another's; the project-wide one (locale/) holds templates/ and toolkit/.
APPS = ["cities", "plans", "roundtables"]
NOT_SOURCE = [".venv", "node_modules", "staticfiles", "media", "tests", "fixtures", ".git"]
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_paths(base: Path) -> list[Path]:
    return [
        folder / "locale" / language / "LC_MESSAGES" / "django.po"
        for folder in [base, *(base / app for app in APPS)]
        for language in LANGUAGES
    ]


def extract(base: Path, only: str = "") -> None:
    """Run makemessages for every catalogue under `base` (or only one: an app or "project")."""
    django_admin = [sys.executable, "-m", "django"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    languages = [arg for code in LANGUAGES for arg in ("-l", code)]
    common = [*django_admin, "makemessages", *languages, "--no-obsolete", "--no-location"]
    ignore = [arg for name in [*APPS, *NOT_SOURCE] for arg in ("-i", name)]
    if only in ("", "project"):
        subprocess.run([*common, *ignore], cwd=base, env=env, check=True, capture_output=True)
    for app in APPS:
        if only in ("", app):
            subprocess.run(common, cwd=base / app, env=env, check=True, capture_output=True)


def problems(path: Path) -> list[str]:
    catalogue = polib.pofile(str(path))
    found = [f"untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    found += [f"fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    return found


class Command(BaseCommand):
    help = (
        "Extract every translatable string into the Spanish catalogues (one per app, plus "
        "locale/ for templates/ and toolkit/). With --check, work on a copy and fail if any "
        "string lacks a translation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument(
            "--only",
            choices=["project", *APPS],
            default="",
            help="Extract into one catalogue only: an app's, or the project's (locale/).",
        )

    def handle(self, *args, check=False, only="", **options):
        base = Path(settings.BASE_DIR)
        if not check:
            extract(base, only)
            for path in catalogue_paths(base):
                missing = problems(path)
                self.stdout.write(f"{path.relative_to(base)}: {len(missing)} to translate")
            return
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp)
            for name in ["templates", "toolkit", "locale", *APPS]:
                shutil.copytree(base / name, copy / name, ignore=shutil.ignore_patterns("*.mo"))
            extract(copy)
            report = {str(path.relative_to(copy)): problems(path) for path in catalogue_paths(copy)}
        failures = {path: found for path, found in report.items() if found}
        if failures:
            lines = [f"{path}:\n  " + "\n  ".join(found) for path, found in failures.items()]
            raise CommandError("Catalogues are incomplete:\n" + "\n".join(lines))
        self.stdout.write(self.style.SUCCESS("Every string has a translation."))

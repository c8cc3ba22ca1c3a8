"""`make run` and `make test` install the Debian packages they need, or say how."""

import os
import shutil
import subprocess

from django.conf import settings

SCRIPT = settings.BASE_DIR / "bin" / "system-packages"


def system_packages(*args, env):
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_a_missing_chromium_is_named_with_the_command_that_installs_it():
    env = os.environ | {"CHROMIUM_PATH": "/nonexistent/chromium"}

    result = system_packages("--browser", "--check", env=env)

    assert result.returncode == 1
    assert "sudo apt-get install -y chromium" in result.stderr


def test_chromium_is_not_asked_for_without_the_browser_tests():
    env = os.environ | {"CHROMIUM_PATH": "/nonexistent/chromium"}

    result = system_packages("--check", env=env)

    assert "chromium" not in result.stderr


def test_a_missing_gettext_is_named_with_the_command_that_installs_it(tmp_path):
    # A PATH holding the tools the script probes with, but no msgfmt.
    for tool in ("bash", "id", "grep", "ldconfig", "fc-list"):
        if found := shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin"):
            (tmp_path / tool).symlink_to(found)
    env = os.environ | {"PATH": str(tmp_path)}

    result = system_packages("--check", env=env)

    assert result.returncode == 1
    missing_line, command_line = result.stderr.splitlines()
    assert missing_line.startswith("Missing system packages: gettext")
    assert command_line.strip().startswith("sudo apt-get install -y gettext")

"""Download benchmarks for `make bench`.

- Cold build: the whole toolkit's PDF built from an empty package cache, in a
  child process, reporting seconds and the child's peak memory.
- Cached downloads: wrk fetches the built PDF through the download view (each
  request records an event) and the same file as a static file through
  whitenoise, in the same run; the ratio compares the two.
"""

import resource
import shutil
import subprocess
import time
from pathlib import Path


def cold_pdf_build(python: str, root: Path, env: dict) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run(
        [python, "manage.py", "build_packages", "--scope", "whole", "--format", "pdf"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mib": max(peak, before) / 1024}


def stage_static_copy(media_root: Path, static_root: Path) -> Path:
    """Put the built PDF among the static files so whitenoise serves the very same bytes."""
    built = next(media_root.glob("packages/smart-city-toolkit--*.pdf"))
    target = static_root / "bench" / "smart-city-toolkit.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, target)
    return target


def unstage_static_copy(target: Path) -> None:
    shutil.rmtree(target.parent, ignore_errors=True)


def events_recorded(python: str, root: Path, env: dict) -> int:
    result = subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            "from toolkit.models import DownloadEvent; print(DownloadEvent.objects.count())",
        ],
        cwd=root,
        env={**env, "PYTHONWARNINGS": "ignore"},
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def media_root_for(env: dict, tmp: Path) -> Path:
    path = tmp / "media"
    path.mkdir(exist_ok=True)
    env["DJANGO_MEDIA_ROOT"] = str(path)
    return path


__all__ = [
    "cold_pdf_build",
    "events_recorded",
    "media_root_for",
    "stage_static_copy",
    "unstage_static_copy",
]


def exact_downloads(url: str, *, total: int = 1000, clients: int = 32) -> dict:
    """Send exactly `total` downloads from `clients` concurrent keep-alive connections."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    shares = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    statuses: list[int] = []
    lock = threading.Lock()

    def client_run(count: int, number: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {
            "User-Agent": f"Mozilla/5.0 (X11; Linux x86_64) bench-client-{number} Firefox/132.0"
        }
        for _ in range(count):
            connection.request("GET", parts.path, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client_run, args=(n, i)) for i, n in enumerate(shares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    return {
        "requests": len(statuses),
        "errors": sum(status != 200 for status in statuses),
        "seconds": seconds,
        "rps": len(statuses) / seconds,
    }


CHANGE_THE_PLAN = """
from plans.models import Entry, Plan
from plans.services import entry_update
entry = Entry.objects.filter(plan=Plan.objects.model_plan()).order_by("pk").first()
entry_update(
    entry=entry,
    values={"summary": entry.summary.rstrip(" .") + f". (Benchmark change {round}.)"},
    expected_version=entry.version,
)
print(entry.pk)
"""


def first_downloads_after_change(
    python: str, root: Path, env: dict, url: str, *, rounds: int = 5
) -> dict:
    """Change the model plan through its service, then time the very next download; `rounds` times.

    The change runs in its own process, as a coordinator's edit would in another request; the
    download is a full GET, so it is counted like any visitor's.
    """
    import urllib.request

    seconds, statuses = [], []
    for number in range(rounds):
        subprocess.run(
            [python, "manage.py", "shell", "-c", CHANGE_THE_PLAN.replace("{round}", str(number))],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        seconds.append(time.monotonic() - started)
    ordered = sorted(seconds)
    return {
        "rounds": rounds,
        "seconds": seconds,
        "statuses": statuses,
        # With a handful of rounds the 95th percentile is the slowest but none.
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
        "max_ms": ordered[-1] * 1000,
    }

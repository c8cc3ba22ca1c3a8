"""`make bench`: serve the demo with gunicorn in production mode and load it with wrk.

Prints requests per second and p50/p95/p99 latency for each page, and each
page's throughput as a share of a bare Django view (/healthz) measured in the
same run, so the figures compare across machines. Results also go to
bench-results/latest.json.

Environment: BENCH_DATABASE_URL (default: a fresh PostgreSQL database on the
local server when one answers, else a throwaway SQLite file), BENCH_SECONDS
(default 10), BENCH_CONNECTIONS (default 32), BENCH_WORKERS (default 4).
bench/signups.py then measures round-table sign-ups per second under contention.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import dashboard as dashboard_bench  # noqa: E402
from bench import downloads as download_bench  # noqa: E402
from bench import signups as signup_bench  # noqa: E402

PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8099"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))

# (label, path). The first is the baseline every other page is compared with.
PAGES = [
    ("bare view", "/healthz"),
    ("home", "/"),
    ("city directory", "/cities/"),
    ("city page", "/cities/west-hollywood/"),
    ("toolkit", "/toolkit/"),
    ("toolkit list", "/toolkit/entries/"),
    ("toolkit search", "/toolkit/entries/?q=grants"),
    ("toolkit entry", "/toolkit/smart-mobility/ev-charging-expansion/"),
    ("round tables", "/round-tables/"),
    ("round table", "/round-tables/westside-round-table-smart-streetlights/"),
    ("metrics", "/metrics/"),
    ("downloads page", "/toolkit/downloads/"),
    ("adaptation", "/adaptations/west-hollywood/"),
    ("adaptation diff", "/adaptations/west-hollywood/changes/"),
]


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def database_url(tmp: Path) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if _answers("127.0.0.1", 5432):
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS smartcity_bench WITH (FORCE)")
            c.execute("CREATE DATABASE smartcity_bench")
        return "postgres://postgres@127.0.0.1:5432/smartcity_bench"
    return f"sqlite:///{tmp / 'bench.sqlite3'}"


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url(tmp),
        # Round-table sign-ups send mail: build every message, but hand it to no server.
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    if _answers("127.0.0.1", 6379) and "REDIS_URL" not in os.environ:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def wrk(url: str, seconds: int, cookie: str | None = None) -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            *headers,
            "-s",
            str(ROOT / "bench" / "report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    return report


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(Path(tmp))
        print(f"database: {env['DATABASE_URL']}")
        print(f"cache: {env.get('REDIS_URL', 'local memory')}")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_seed_data", "-v", "0")
        manage(env, "load_demo_data", "--allow-without-debug", "-v", "0")
        event_count = dashboard_bench.seed_download_events(PYTHON, ROOT, env)
        print(f"download events in the database: {event_count:,}")
        grant_cookie = dashboard_bench.grant_staff_cookie(PYTHON, ROOT, env)
        media_root = download_bench.media_root_for(env, Path(tmp))
        cold = download_bench.cold_pdf_build(PYTHON, ROOT, env)
        manage(env, "build_packages", "-v", "0")
        static_copy = download_bench.stage_static_copy(media_root, ROOT / "staticfiles")
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "toolkit.wsgi",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(WORKERS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{PORT}"
            wait_until_up(base + "/healthz")
            results = []
            pages = [(label, path, None) for label, path in PAGES]
            pages.append(("metrics, grant staff", "/metrics/", grant_cookie))
            for label, path, cookie in pages:
                wrk(base + path, 2, cookie=cookie)  # warm up
                report = wrk(base + path, SECONDS, cookie=cookie)
                results.append({"label": label, "path": path, **report})
            pdf = wrk(base + "/toolkit/downloads/whole/pdf/", SECONDS)
            static = wrk(base + "/static/bench/smart-city-toolkit.pdf", SECONDS)
            events_before = download_bench.events_recorded(PYTHON, ROOT, env)
            exact = download_bench.exact_downloads(base + "/toolkit/downloads/whole/csv/")
            events = download_bench.events_recorded(PYTHON, ROOT, env) - events_before
            signup = signup_bench.benchmark(env, base)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            download_bench.unstage_static_copy(static_copy)

    baseline = results[0]["rps"]
    print(
        f"\n{WORKERS} gunicorn workers, wrk with {CONNECTIONS} connections for {SECONDS}s per page"
    )
    header = f"{'page':<22}{'path':<42}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header + f"{'vs bare':>9}{'errors':>8}")
    for r in results:
        errors = r["errors"] + r["non_2xx_3xx"]
        print(
            f"{r['label']:<22}{r['path']:<42}{r['rps']:>9.0f}{r['p50_us'] / 1000:>9.1f}"
            f"{r['p95_us'] / 1000:>9.1f}{r['p99_us'] / 1000:>9.1f}"
            f"{r['rps'] / baseline:>9.2f}{errors:>8}"
        )
    print("\nToolkit downloads (whole toolkit PDF, already built; every download recorded)")
    for label, report in [("cached downloads", pdf), ("same file as static", static)]:
        print(
            f"  {label + ':':<22} {report['rps']:>8.0f} req/s  "
            f"p95 {report['p95_us'] / 1000:.1f} ms  "
            f"errors {report['errors'] + report['non_2xx_3xx']}"
        )
    print(f"  ratio download/static: {pdf['rps'] / static['rps']:>8.2f}")
    print(
        f"  exactness: {exact['requests']} downloads from 32 concurrent clients recorded "
        f"{events} events, {exact['errors']} errors ({exact['rps']:.0f} req/s)"
    )
    print(
        f"  cold build of the whole toolkit PDF: {cold['seconds']:.1f} s, "
        f"peak memory {cold['peak_mib']:.0f} MiB"
    )
    signup_bench.report(signup)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {
                "pages": results,
                "downloads": {
                    "pdf": pdf,
                    "static": static,
                    "exact": {**exact, "events": events},
                    "cold_pdf_build": cold,
                },
                "signups": signup,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

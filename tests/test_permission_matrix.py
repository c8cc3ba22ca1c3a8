"""Every URL that changes something or shows private data, as every role.

The cases live next to each app's tests, in tests/<app>/matrix.py or, for a room of an app,
tests/<app>/<room>/matrix.py (see tests/matrix.py for how to write one); this file runs them
all, and fails when one of our URLs is neither in a matrix nor in PUBLIC below, so a new page
cannot ship without saying who may use it.
"""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REFUSED, ROLES, build_world

# Pages anyone may read, that change nothing and show nothing private.
PUBLIC = {
    "home",
    "healthz",
    "readyz",
    "about",
    "privacy",
    "accessibility",
    "metrics:dashboard",
    # Downloads are public by design; each full download is counted, nothing else changes.
    "downloads:download-list",
    "downloads:package-download",
    "plans:toolkit-home",
    "adaptations:adaptation-list",
    "cities:city-list",
    "cities:city-detail",
    "roundtables:roundtable-list",
    "roundtables:roundtable-detail",
    # Open data (toolkit/opendata/): the catalogue page and data.json, the sitemap, robots.txt,
    # the file of every published adaptation (drafts are never in it: tests/toolkit/opendata/),
    # the public dashboard's tables as CSV and the embeddable progress page.
    "opendata:catalogue",
    "data-json",
    "sitemap",
    "robots",
    "adaptations:all-download",
    "metrics:open-export",
    "metrics:embed",
}

# Not ours: Django's admin, allauth's account pages, static files.
SKIPPED_PREFIXES = ("admin/", "static/", "media/")
SKIPPED_MODULES = ("allauth", "django.contrib.admin", "django.views.static")
OUR_APPS = ("toolkit", "cities", "plans", "roundtables")

# Every tests/<app>/matrix.py, and those of the rooms within an app (tests/toolkit/adaptations/).
MATRICES = {
    ".".join(path.parent.relative_to(Path(__file__).parent).parts): importlib.import_module(
        ".".join(("tests", *path.relative_to(Path(__file__).parent).with_suffix("").parts))
    )
    for path in sorted(Path(__file__).parent.glob("*/**/matrix.py"))
}
CASES = [(app, case) for app, module in MATRICES.items() for case in module.CASES]


def our_url_names() -> tuple[set[str], list[str]]:
    """The names of our URL patterns, and the routes of any pattern that has no name."""
    names, unnamed = set(), []

    def walk(patterns, namespace: str, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                if module.startswith(SKIPPED_MODULES):
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                if pattern.callback.__module__.startswith(SKIPPED_MODULES):
                    continue
                if not pattern.name:
                    unnamed.append(route)
                else:
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names, unnamed


def test_every_url_is_public_or_in_a_permission_matrix():
    names, unnamed = our_url_names()
    covered = {case.url_name for _app, case in CASES}
    assert not unnamed, f"name these URL patterns so the matrix can refer to them: {unnamed}"
    missing = sorted(names - covered - PUBLIC)
    assert not missing, (
        "These URLs are in no permission matrix. Add cases to tests/<app>/matrix.py, or, for "
        f"a read-only page anyone may see, add the name to PUBLIC: {missing}"
    )


def test_the_public_list_and_the_matrices_name_only_existing_urls():
    names, _unnamed = our_url_names()
    stale = sorted((PUBLIC | {case.url_name for _app, case in CASES}) - names)
    assert not stale, f"no such URL names (renamed or removed?): {stale}"


def test_case_names_are_unique_within_each_app():
    seen = [(app, case.name) for app, case in CASES]
    assert len(seen) == len(set(seen)), "two cases of one app share a name"


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model of our apps (and their history tables).

    `last_login` is left out: signing each role in writes it, and it is no one's content.
    """
    rows = {}
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.name != "last_login"]
            rows[model._meta.label] = list(
                model._default_manager.order_by("pk").values_list(*fields)
            )
    return rows


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


def outcome_problem(case, role: str, response, before: dict, after: dict) -> str | None:
    """What is wrong with this response for this role, or None."""
    wanted = case.expect[role]
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and location.startswith(reverse("account_login"))
    changed = changed_tables(before, after)
    got = f"got {status}{' to ' + location if location else ''}"
    if wanted == OK:
        if not (status == 200 or (300 <= status < 400 and not to_login)):
            return f"expected success, {got}"
        must_change = case.changes if case.changes is not None else case.method == "post"
        if must_change and not changed:
            return f"expected a change, but no row changed ({got})"
        if case.changes is False and changed:
            return f"expected no change, but {changed} changed"
        return None
    if wanted == REFUSED:
        if not (status == 200 or (300 <= status < 400 and not to_login)):
            return f"expected a refusal with a message, {got}"
    elif wanted == LOGIN:
        if not to_login:
            return f"expected a redirect to sign in, {got}"
    elif wanted == FORBIDDEN and status != 403:
        return f"expected 403, {got}"
    elif wanted == NOT_FOUND and status != 404:
        return f"expected 404, {got}"
    if changed:
        return f"was refused ({wanted}) but changed {changed}"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "case"), CASES, ids=[f"{app}: {case.name}" for app, case in CASES])
def test_permission_matrix(app, case):
    world = build_world()
    setup = getattr(MATRICES[app], "setup", None)
    if setup is not None:
        setup(world)
    problems = []
    # Every role starts from this same state: its own changes are rolled back afterwards.
    before = snapshot()
    # One client for all roles: a new one would set up the middleware (and whitenoise's
    # scan of the static files) again.
    client = Client()
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        with transaction.atomic():
            url = reverse(case.url_name, kwargs=case.kwargs(world))
            send = getattr(client, case.method)
            response = send(url, case.data(world) if case.method == "post" else case.query)
            problem = outcome_problem(case, role, response, before, snapshot())
            if problem:
                problems.append(f"{role}: {problem}")
            transaction.set_rollback(True)
        mail.outbox.clear()
    assert not problems, f"{case.method.upper()} {url}\n" + "\n".join(problems)

"""No input crashes a page: every form of the site, as every role, with hostile values.

Nothing here lists the forms. The URL configuration gives every page; the permission
matrices (tests/<app>/matrix.py) give the world, the roles and the arguments of each URL,
and the links on the pages give the arguments of the public pages. Every role reads every
page, and every form found on one is played (tests/hostile.py has the values):

- by the first role the matrix lets use it (or the first that sees it): as it stands, with
  the matrix's valid data filled in, then with one field at a time given each hostile value
  that fits it, then with every field at once given the worst;
- by every other role that sees it: as it stands, with a script in every field, and with
  every field left out;
- by the roles that do not see it: with every field given a script;
- the same form aimed at another row (another entry's "retire", say): as it stands, and
  with every field given a script, then a huge number.
A field already given every value in another form to the same address is not again. A POST
form without a `next` is also sent one, as a view may read it from elsewhere (a link's query).

Addresses that take a POST but that no page shows a form for are played with hostile values
in the fields the matrix sends them, and in `next`. Each submission is rolled back, so each
starts from the same world; a redirect on the site is followed, to see what was stored.

The test fails on any server error, hostile markup echoed unescaped, or redirect off the
site, to a script, or (from our views) to a relative address, and lists them all.
"""

import contextlib
import logging
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)

from cities.models import City
from plans.models import Plan
from tests import hostile
from tests.factories import PASSWORD
from tests.matrix import OK, ROLES, build_world
from tests.test_permission_matrix import CASES, MATRICES, OUR_APPS
from toolkit.adaptations.exports import ALL_FORMATS, all_adaptations_spec
from toolkit.downloads.packages import specs_build
from toolkit.downloads.snapshots import toolkit_specs
from toolkit.tasks import worker_heartbeat

# Not ours to play: Django's admin, static and media files.
SKIPPED_PREFIXES = ("admin/", "static/", "media/")
# allauth's pages are played when they need no argument (those with a key cannot be reached).
THIRD_PARTY_NAMES = ("account_", "socialaccount_", "mfa_", "set_language")
# How many addresses of one URL pattern the crawl keeps from the links it finds.
LINKS_PER_PATTERN = 3
# Who plays a form with every hostile value: the first of these the matrix lets use it.
PLAYERS = ("editor_a", "lead_a", "coordinator", "staff_a", "lead_b", "grant_staff", "signed_in")
# A value for a required field the page leaves empty, so the rest of the form is reached.
FILLERS = {
    "email": "fuzz@example.org",
    "url": "https://example.org/fuzz",
    "number": "1",
    "date": "2030-06-14",
    "datetime-local": "2030-06-14T10:00",
    "tel": "310-555-0100",
    "password": PASSWORD,  # every person's of the world, so the form is reached
}


@dataclass
class Failure:
    role: str
    method: str
    url: str
    variant: str
    problem: str  # what kind of failure, the same for each occurrence of one bug
    detail: str = ""
    trace: str = ""

    @property
    def signature(self) -> tuple[str, str, str]:
        return (self.method.upper(), view_name(self.url), self.problem)


def view_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return urlsplit(url).path


def is_ours(url: str) -> bool:
    try:
        return resolve(urlsplit(url).path).func.__module__.startswith(OUR_APPS)
    except Resolver404:
        return False


@dataclass
class Run:
    """Plays requests as one role at a time, and keeps what went wrong."""

    client: Client
    world: object
    role: str = "anonymous"
    session_key: str | None = None
    failures: list[Failure] = field(default_factory=list)
    requests: int = 0
    submissions: int = 0

    def sign_in(self, role: str) -> None:
        self.role = role
        self.client.logout()
        if self.world.users[role] is not None:
            self.client.force_login(self.world.users[role])
        self.session_key = self.session_cookie()

    def session_cookie(self) -> str | None:
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        return cookie.value if cookie else None

    def request(self, method: str, url: str, data: dict | None = None, variant: str = "read"):
        """One request, rolled back, checked, and its redirect followed when on the site."""
        with transaction.atomic():
            response = self.send(method, url, data or {}, variant)
            location = response.get("Location", "")
            if (
                300 <= response.status_code < 400
                and location.startswith("/")
                and not location.startswith(("//", reverse("account_login")))
            ):
                self.send("get", location, {}, f"{variant}, then its redirect")
            transaction.set_rollback(True)
        mail.outbox.clear()
        # Signing out, or changing a password, ends the session: start the role's again.
        if self.session_cookie() != self.session_key:
            self.sign_in(self.role)
        return response

    def send(self, method: str, url: str, data: dict, variant: str):
        self.requests += 1
        for values in data.values():
            for value in values:
                if hasattr(value, "seek"):
                    value.seek(0)  # a file played before is read again from its start
        response = getattr(self.client, method)(url, data)
        if response.status_code >= 500:
            self.fail(method, url, variant, *error_of(response))
        marker = hostile.echoed_marker(response)
        if marker:
            self.fail(method, url, variant, f"echoes {marker!r} unescaped")
        redirect = hostile.unsafe_redirect(response, relative_too=is_ours(url))
        if redirect:
            self.fail(method, url, variant, redirect[0], f"to {redirect[1]!r}")
        return response

    def fail(self, method, url, variant, problem, detail="", trace=""):
        self.failures.append(Failure(self.role, method, url, variant, problem, detail, trace))


def error_of(response) -> tuple[str, str, str]:
    """The exception behind a server error: its kind and place, its message, its traceback."""
    if not response.exc_info:
        return f"status {response.status_code}", "", ""
    kind, error, trace = response.exc_info
    frames = traceback.extract_tb(trace)
    ours = [frame for frame in frames if "/.venv/" not in frame.filename] or frames
    where = "/".join(ours[-1].filename.split("/")[-2:]) + f":{ours[-1].lineno}"
    lines = traceback.format_exception(kind, error, trace)
    return f"{kind.__name__} at {where}", str(error)[:300], "".join(lines[-6:])


# --- The site's pages ---------------------------------------------------------------------


def url_names() -> list[str]:
    """Every named URL pattern of the site, but Django's admin and static files."""
    names = set()

    def walk(patterns, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    ":".join(filter(None, [namespace, pattern.namespace])),
                    route,
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(":".join(filter(None, [namespace, pattern.name])))

    walk(get_resolver().url_patterns, "", "")
    return sorted(names)


def build_everything():
    """The matrix's world, with every app's objects in it."""
    world = build_world()
    for module in MATRICES.values():
        if hasattr(module, "setup"):
            module.setup(world)
    # The worker has built the model plan's packages and the file of every published
    # adaptation, as after any change on the site (a
    # download that finds none answers "being prepared", a 503 by design).
    specs_build(toolkit_specs(Plan.objects.model_plan()))
    specs_build([all_adaptations_spec()], formats=list(ALL_FORMATS))
    # And its scheduler beats every minute: /readyz answers 503 when no worker is seen, by design.
    worker_heartbeat.call_local()
    return world


def addresses(world) -> dict[str, list[str]]:
    """For each URL name: its address if it takes no argument, and those the matrix reads."""
    found = {name: [] for name in url_names()}
    for name in found:
        with contextlib.suppress(NoReverseMatch):
            found[name].append(reverse(name))
    for _app, case in CASES:
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        if case.method == "get" and case.query:
            url += "?" + urlencode(case.query)
        if url not in found[case.url_name]:
            found[case.url_name].append(url)
    return found


def posted_by_the_matrix(world) -> dict[str, tuple[list[str], dict]]:
    """For each address the matrix POSTs to: the roles that may, and the data it sends."""
    posts = {}
    for _app, case in CASES:
        if case.method != "post":
            continue
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        roles = [role for role in PLAYERS if case.expect[role] == OK]
        data = {key: as_list(value) for key, value in case.data(world).items()}
        if url not in posts or (roles and not posts[url][0]):
            posts[url] = (roles, data)
    return posts


def as_list(value) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def foreign_ids(world) -> list[str]:
    """The ids of the world's rows that belong to a city other than city A."""
    ids = set()
    for value in vars(world).values():
        if not isinstance(value, Model):
            continue
        city = value if isinstance(value, City) else getattr(value, "city", None)
        if city is None and getattr(value, "plan", None) is not None:
            city = value.plan.city
        if isinstance(city, City) and city != world.city_a:
            ids.add(str(value.pk))
    return sorted(ids, key=int)


@dataclass
class Seen:
    form: hostile.Form
    roles: list[str] = field(default_factory=list)


def crawl(run: Run, known: dict[str, list[str]]) -> dict[tuple, Seen]:
    """Read every page as every role, following links to pages not reached yet."""
    forms: dict[tuple, Seen] = {}
    link_shapes = {}  # one link of each query shape per page: (URL name, fields) -> form key
    visited = defaultdict(set)
    unread = True
    while unread:
        unread = False
        for role in ROLES:
            run.sign_in(role)
            for url in [url for urls in list(known.values()) for url in urls]:
                if url in visited[role]:
                    continue
                visited[role].add(url)
                unread = True
                response = run.request("get", url)
                # /readyz is answered before anyone's session is read (toolkit/health.py).
                if hasattr(response.wsgi_request, "user"):
                    signed_in = response.wsgi_request.user.is_authenticated
                    assert signed_in == (role != "anonymous"), f"{role} is not signed in at {url}"
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                page = response.content.decode()
                found = hostile.forms_of(page, url)
                for path, query in hostile.links_of(page, url):
                    name = view_name(path)
                    urls = known.get(name)
                    if urls is not None and path not in urls and len(urls) < LINKS_PER_PATTERN:
                        urls.append(path)
                    link = hostile.form_of_link(path, query) if urls is not None else None
                    if link is not None and (name, *link.key[2:]) not in link_shapes:
                        link_shapes[(name, *link.key[2:])] = link.key
                    if link is not None and link_shapes[(name, *link.key[2:])] == link.key:
                        found.append(link)
                for form in found:
                    seen = forms.setdefault(form.key, Seen(form))
                    if role not in seen.roles:
                        seen.roles.append(role)
    return forms


# --- Playing the forms --------------------------------------------------------------------


def base_of(form: hostile.Form, matrix_data: dict) -> dict:
    """What a browser sends, with the matrix's valid data, and required blanks filled."""
    base = form.baseline()
    for name, values in matrix_data.items():
        if name in form.fields:
            base[name] = values
    for name, one in form.fields.items():
        if one.required and not any(base.get(name, [])) and one.kind != "file":
            if one.kind in hostile.CHOICE_KINDS:
                base[name] = [option for option in one.options if option][:1]
            else:
                base[name] = [FILLERS.get(one.kind, f"Fuzz {name}")]
    return base


def values_in_use(forms: dict[tuple, Seen]) -> dict[str, list[str]]:
    """What the site's forms already hold, by field name (a title in use, say)."""
    taken = defaultdict(list)
    for seen in forms.values():
        for name, one in seen.form.fields.items():
            if one.kind in hostile.TEXT_KINDS:
                for value in one.values:
                    if value.strip() and value not in taken[name]:
                        taken[name].append(value)
    return taken


def form_plays(forms: dict[tuple, Seen], posts: dict, ids: list[str]) -> list[tuple]:
    """(role, form, variant, data) for every submission of every form found."""
    plays = []
    shapes = set()
    played = defaultdict(set)  # the fields given every value, by method and view
    taken = values_in_use(forms)
    for seen in forms.values():
        form = seen.form
        allowed, matrix_data = posts.get(form.action, ([], {}))
        base = base_of(form, matrix_data if form.method == "post" else {})
        first = next((role for role in [*allowed, *PLAYERS] if role in seen.roles), seen.roles[0])
        at_once = [("as it stands", base), *hostile.all_at_once(form)]
        view = (form.method, view_name(form.action))
        shape = (*view, tuple(sorted(form.fields)))
        if shape in shapes:  # the same form aimed at another row
            plays += [(first, form, label, data) for label, data in at_once[:2] + at_once[4:5]]
            continue
        shapes.add(shape)
        every_value = list(hostile.one_at_a_time(form, base, ids, taken, played[view]))
        if form.method == "post" and "next" not in form.fields and "next" not in played[view]:
            # A view may read a `next` its form does not carry (from a link's query, say).
            every_value += [
                (f"next = {value!r}", {**base, "next": [value]}) for value in hostile.REDIRECTS
            ]
            played[view].add("next")
        for role in ROLES:
            if role == first:
                variants = at_once + every_value
            elif role in seen.roles:
                variants = [at_once[0], at_once[1], at_once[-1]]
            else:
                variants = at_once[1:2]
            plays += [(role, form, label, data) for label, data in variants]
    return plays


def posts_without_a_form(forms: dict[tuple, Seen], posts: dict) -> list[tuple]:
    """The addresses that take a POST but that no page shows a form for: as the matrix sends
    them, with a script in every field and with none, as every role; with every hostile value
    in the fields the matrix sends and in `next`, as the first role the matrix lets use it."""
    shown = {seen.form.action for seen in forms.values() if seen.form.method == "post"}
    plays = []
    for url, (allowed, data) in posts.items():
        if url in shown:
            continue
        form = hostile.Form(method="post", action=url)
        for name in [*data, "next"]:
            form.fields[name] = hostile.Field(name=name, kind="hidden", values=data.get(name, []))
        at_once = hostile.all_at_once(form)
        variants = [("as the matrix sends it", data), at_once[0], at_once[-1]]
        every_value = list(hostile.one_at_a_time(form, data, [], {}, set()))
        for role in ROLES:
            if role == [*allowed, *PLAYERS][0]:
                mine = [*variants, *at_once[1:-1], *every_value]
            else:
                mine = variants
            plays += [(role, form, label, values) for label, values in mine]
    return plays


def play(run: Run, plays: list[tuple]) -> set:
    """Make the submissions, one role at a time; the role × form combinations played."""
    combinations = set()
    for role in ROLES:
        run.sign_in(role)
        for player, form, label, data in plays:
            if player == role:
                combinations.add((role, form.key))
                run.submissions += 1
                run.request(form.method, form.action, data, label)
    return combinations


def report(run: Run, unreached: list[str]) -> str:
    lines = []
    if unreached:
        lines.append(
            "These URLs are reached by no address: give them a case in a permission matrix, "
            f"or link them from a page: {unreached}\n"
        )
    grouped = defaultdict(list)
    for failure in run.failures:
        grouped[failure.signature].append(failure)
    lines.append(f"{len(run.failures)} failures, {len(grouped)} different:")
    for (method, name, problem), failures in sorted(grouped.items()):
        example = failures[0]
        roles = sorted({failure.role for failure in failures})
        variants = sorted({failure.variant for failure in failures})
        lines.append(
            f"\n* {method} {name}: {problem}\n"
            f"  {len(failures)} times, as {', '.join(roles)}, with: {'; '.join(variants[:10])}"
            f"{' …' if len(variants) > 10 else ''}\n"
            f"  for example {method} {example.url} as {example.role} with {example.variant}: "
            f"{example.detail}"
        )
        if example.trace:
            lines.append("  " + example.trace.strip().replace("\n", "\n  "))
    return "\n".join(lines)


@pytest.fixture
def quiet_request_log():
    """Thousands of refusals would fill the log; a failure carries its own traceback."""
    logger = logging.getLogger("django.request")
    logger.disabled = True
    yield
    logger.disabled = False


@pytest.mark.django_db
@pytest.mark.usefixtures("quiet_request_log")
def test_no_form_of_the_site_gives_a_server_error_or_echoes_a_hostile_value(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # what a hostile upload manages to store goes away
    # Password forms are played hundreds of times: a fast hash, for everyone of the world.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.monotonic()
    world = build_everything()
    get_user_model().objects.update(password=make_password(PASSWORD))
    for user in filter(None, world.users.values()):
        user.refresh_from_db()  # or the session's hash of the old password signs them out
    run = Run(client=Client(raise_request_exception=False), world=world)
    known = addresses(world)
    forms = crawl(run, known)
    pages_read = run.requests
    unreached = [
        name for name in url_names() if not name.startswith(THIRD_PARTY_NAMES) and not known[name]
    ]
    posts = posted_by_the_matrix(world)
    plays = form_plays(forms, posts, foreign_ids(world)) + posts_without_a_form(forms, posts)
    combinations = play(run, plays)
    print(
        f"\n{sum(map(len, known.values()))} addresses, {pages_read} page reads; {len(forms)} forms;"
        f" {len(combinations)} role × form combinations; {run.submissions} submissions; "
        f"{run.requests} requests in all; {time.monotonic() - started:.0f} s"
    )
    if unreached or run.failures:
        pytest.fail(report(run, unreached), pytrace=False)


# --- The helpers, on their own ---------------------------------------------------------------


def test_a_page_is_read_into_the_fields_a_browser_would_send():
    page = """
    <form method="post" action="edit/" id="f">
      <input type="hidden" name="csrfmiddlewaretoken" value="token">
      <input type="hidden" name="next" value="/back/">
      <input name="title" value="Old &amp; new" required>
      <textarea name="body">
Line</textarea>
      <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
      <input type="checkbox" name="entries" value="1" checked>
      <input type="checkbox" name="entries" value="2">
      <input type="file" name="file">
      <button type="submit" name="save" value="1">Save</button>
      <button type="submit" name="preview" value="1">Preview</button>
      <button type="submit" formaction="/elsewhere/">Decline</button>
    </form>
    <input name="outside" value="x" form="f">
    <form method="get"><input name="q"></form>
    """
    edit, search, elsewhere = hostile.forms_of(page, "/things/1/")

    assert (edit.method, edit.action) == ("post", "/things/1/edit/")
    assert edit.baseline() == {
        "csrfmiddlewaretoken": ["token"],
        "next": ["/back/"],
        "title": ["Old & new"],
        "body": ["Line"],
        "kind": ["b"],
        "entries": ["1"],
        "save": ["1"],
        "outside": ["x"],
    }
    assert edit.fields["title"].required and edit.fields["kind"].options == ["a", "b"]
    assert edit.fields["entries"].options == ["1", "2"] and edit.fields["file"].kind == "file"
    assert (search.method, search.action, list(search.fields)) == ("get", "/things/1/", ["q"])
    assert (elsewhere.action, elsewhere.fields.keys()) == ("/elsewhere/", edit.fields.keys())


def test_each_kind_of_field_gets_the_hostile_values_that_fit_it():
    def values(kind, **extra):
        return hostile.values_for(hostile.Field(name="x", kind=kind, **extra), ["7"], ["Taken"])

    assert {hostile.LONG, hostile.SCRIPT, hostile.BIDI, "", "  \t  ", "Taken"} == set(
        values("text")
    )
    assert {"-1", hostile.HUGE, "1e309", "NaN"} <= set(values("number"))
    assert {"9999-12-31", "0001-01-01", "2024-02-30"} <= set(values("date"))
    assert {"0", "//example.org", "javascript:alert(1)", hostile.MISSING} <= set(
        values("hidden", values=["3"])
    )
    assert {hostile.SCRIPT, "7", hostile.MISSING} <= set(values("select", options=["1", "2"]))
    assert all(value not in ("1",) for value in values("select", options=["1"], values=["1"]))


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("//example.org", "redirects off the site"),
        ("https://example.org/", "redirects off the site"),
        ("javascript:alert(1)", "redirects to a script"),
        ("0", "redirects to a relative address"),
        ("/cities/", None),
        ("http://testserver/cities/", None),
    ],
)
def test_a_redirect_is_safe_only_to_a_page_of_this_site(location, problem):
    from django.http import HttpResponseRedirect

    response = HttpResponseRedirect("/")
    response["Location"] = location  # HttpResponseRedirect itself refuses javascript:

    found = hostile.unsafe_redirect(response)

    assert (found[0] if found else None) == problem


def test_markup_counts_as_echoed_only_when_it_is_not_escaped():
    from django.http import HttpResponse
    from django.utils.html import escape

    assert hostile.echoed_marker(HttpResponse(f"<p>{hostile.SCRIPT}</p>")) == hostile.SCRIPT
    assert hostile.echoed_marker(HttpResponse(f"<p>{escape(hostile.IMAGE)}</p>")) is None
    assert hostile.echoed_marker(HttpResponse(hostile.SCRIPT, content_type="text/csv")) is None

"""Real-browser tests: Playwright drives Debian's Chromium against Django's live server.

Every page a test visits is checked with axe-core (installed from the npm
registry) for WCAG 2.2 A/AA and best-practice violations; one violation fails
the test and the report names the rule and the element.
"""

import functools
import json
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import PASSWORD, recovery_code, totp_code
from toolkit.models import User

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# Runs in every document before its own scripts: when the page has loaded,
# axe checks it and reports back to the test through an exposed binding. Until
# the check is done, a link followed or a form sent from the page waits, so no
# page can slip past unchecked however fast the test clicks.
AXE_RUNNER = """
(() => {
  if (window.top !== window.self || location.protocol === "about:") return;
  const documentId = "%(document_id_prefix)s" + Math.random().toString(36).slice(2);
  let checked = false;
  const waiting = [];
  const hold = (event, resume) => {
    if (checked) return;
    event.preventDefault();
    waiting.push(resume);
  };
  document.addEventListener("submit", (event) => {
    const form = event.target, submitter = event.submitter;
    hold(event, () => form.requestSubmit(submitter || undefined));
  }, true);
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (link.target === "_blank" || link.getAttribute("href").startsWith("#")) return;
    hold(event, () => { location.href = link.href; });
  }, true);
  const run = () => {
    window.__axeStarted(documentId, location.href);
    axe.run(document, {runOnly: {type: "tag", values: %(tags)s}, resultTypes: ["violations"]})
      .then((results) => window.__axeReport(documentId, location.href, JSON.stringify(
        results.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
        }))
      )))
      .finally(() => {
        checked = true;
        waiting.splice(0).forEach((resume) => resume());
      });
  };
  if (document.readyState === "complete") run();
  else window.addEventListener("load", run, {once: true});
})();
"""


class AxeMonitor:
    """Collects axe's findings for every document a page loads."""

    def __init__(self):
        self.started: dict[str, str] = {}
        self.reported: dict[str, str] = {}
        self.violations: list[tuple[str, list[dict]]] = []

    def on_started(self, source, document_id, url):
        self.started[document_id] = url

    def on_report(self, source, document_id, url, violations_json):
        self.reported[document_id] = url
        violations = json.loads(violations_json)
        if violations:
            self.violations.append((url, violations))

    @property
    def pending(self) -> list[str]:
        return [url for doc, url in self.started.items() if doc not in self.reported]

    def describe(self) -> str:
        lines = []
        for url, violations in self.violations:
            for violation in violations:
                lines.append(
                    f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']}"
                )
                for node in violation["nodes"][:5]:
                    lines.append(
                        f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}"
                    )
        return "\n".join(lines)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    if not AXE_SOURCE.exists():
        pytest.fail(f"axe-core is missing at {AXE_SOURCE} (npm ci)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@functools.cache
def person_agent(browser) -> str:
    """Chromium's own user agent, as a person's browser gives it.

    Headless, it names itself "HeadlessChrome", which is on the COUNTER robots list: the
    download counting would rightly leave every download of these tests out.
    """
    probe = browser.new_page()
    try:
        return probe.evaluate("navigator.userAgent").replace("HeadlessChrome", "Chrome")
    finally:
        probe.close()


@pytest.fixture
def axe():
    return AxeMonitor()


@pytest.fixture
def page(browser, live_server, axe):
    """A fresh browser tab on the live server; every page it loads is checked by axe."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", user_agent=person_agent(browser)
    )
    context.set_default_timeout(10_000)
    context.expose_binding("__axeStarted", axe.on_started)
    context.expose_binding("__axeReport", axe.on_report)
    context.add_init_script(AXE_SOURCE.read_text(encoding="utf-8"))
    context.add_init_script(
        AXE_RUNNER % {"tags": json.dumps(AXE_TAGS), "document_id_prefix": uuid.uuid4().hex[:6]}
    )
    page = context.new_page()
    page.wait_for_axe = lambda: wait_for_axe(page, axe)
    # A test's own page.goto() leaves the current page at once: let axe finish first.
    goto = page.goto
    page.goto = lambda *args, **kwargs: (wait_for_axe(page, axe), goto(*args, **kwargs))[1]
    yield page
    wait_for_axe(page, axe)
    context.close()
    assert not axe.violations, "axe found accessibility violations:\n" + axe.describe()
    assert axe.reported, "axe checked no page at all"


def wait_for_axe(page, axe, timeout_ms: int = 10_000) -> None:
    """Let axe finish on the current page before the test moves on or ends."""
    page.wait_for_load_state("load")
    waited = 0
    while axe.pending and waited < timeout_ms:
        page.wait_for_timeout(50)
        waited += 50
    assert not axe.pending, f"axe did not finish checking: {axe.pending}"


@pytest.fixture
def sign_in(page):
    """Sign in through the form, as a person does: `sign_in(email)`, with the test password
    unless told otherwise, landing on `next_url` when given."""

    codes_used = set()

    def sign_in(email: str, password: str = PASSWORD, next_url: str | None = None) -> None:
        page.goto("/accounts/login/" + (f"?next={next_url}" if next_url else ""))
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        sign_out_button = page.get_by_role("button", name="Sign out")
        code_field = page.get_by_label("Code", exact=True)
        expect(sign_out_button.or_(code_field)).to_be_visible()
        if code_field.is_visible():  # two-step verification: the app's code, each used once
            code = totp_code()
            if (email, code) in codes_used:
                code = recovery_code(User.objects.get(email=email))
            codes_used.add((email, code))
            code_field.fill(code)
            page.get_by_role("button", name="Sign In").click()
        expect(sign_out_button).to_be_visible()

    return sign_in


@pytest.fixture
def sign_out(page):
    """Sign out with the header's button, and wait until the page offers to sign in again."""

    def sign_out() -> None:
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    return sign_out

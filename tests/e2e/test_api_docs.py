import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_loads_from_this_site_under_its_policy(page, live_server):
    blocked, elsewhere = [], []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name="Public API documentation", level=1)).to_be_visible()
    # Swagger UI drew the operations from the schema.
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/entries/").first).to_be_visible()
    page.wait_for_axe()
    assert not blocked, blocked
    assert not elsewhere, elsewhere

import pytest
from playwright.sync_api import expect

from tests.toolkit.adaptations.world import make_world
from toolkit.downloads import packages
from toolkit.downloads.snapshots import toolkit_specs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def built(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    packages.specs_build(toolkit_specs(world.model)[:1])
    return world


def test_a_visitor_finds_the_open_data_from_the_footer_and_downloads_a_file(page, built):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Open data").click()
    expect(page.get_by_role("heading", name="Open data", level=1)).to_be_visible()
    page.wait_for_axe()
    toolkit = page.locator("#toolkit")
    expect(toolkit).to_contain_text("CC BY 4.0")
    with page.expect_download() as download:
        toolkit.get_by_role(
            "link", name="Download The model smart city plan (the toolkit), Data (JSON)"
        ).click()
    assert download.value.suggested_filename.endswith(".json")


def test_the_progress_page_reads_well_in_a_narrow_frame(page, built, live_server):
    page.set_viewport_size({"width": 300, "height": 700})
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto("/metrics/embed/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("banner")).to_have_count(0)
    # Nothing wider than the frame: no sideways scrolling at 300 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 300
    page.wait_for_axe()
    assert not elsewhere, elsewhere

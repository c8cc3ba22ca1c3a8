import csv
import json

import pytest
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from plans.models import Entry
from tests.queue import later, worker_run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def counts(page, format_name):
    row = page.locator("#package-whole").locator("..").locator("tr", has_text=format_name)
    return [row.locator(f'[data-count="{kind}"]').inner_text() for kind in ("unique", "total")]


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    return info.value


def test_a_visitor_downloads_the_pdf_and_csv_and_sees_the_counts_move(
    page, queue, seeded_transactional, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    titles = list(
        Entry.objects.of_model_plan().active().in_reading_order().values_list("title", flat=True)
    )
    page.goto("/toolkit/")
    page.get_by_role("link", name="Download the toolkit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download the toolkit")
    # Loading the model plan queued its packages: until the worker has built them, the page
    # says so. The test is the worker's scheduler and worker: it runs the queued builds.
    expect(page.get_by_text("being prepared", exact=True).first).to_be_visible()
    worker_run(later(settings.PACKAGES_REBUILD_DELAY))
    page.goto("/toolkit/downloads/")
    expect(page.get_by_text("being prepared", exact=True)).to_have_count(0)
    assert counts(page, "PDF") == ["0", "0"]

    pdf = download(page, "Download The whole toolkit, PDF")
    assert pdf.suggested_filename.startswith("smart-city-toolkit-")
    reader = PdfReader(pdf.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert len(reader.pages) > 10
    assert all(" ".join(title.split()) in text for title in titles)

    spreadsheet = download(page, "Download The whole toolkit, Spreadsheet (CSV)")
    with open(spreadsheet.path(), encoding="utf-8-sig") as file:
        assert [row["Title"] for row in csv.DictReader(file)] == titles

    page.goto("/toolkit/downloads/")
    assert counts(page, "PDF") == ["1", "1"]
    assert counts(page, "Spreadsheet (CSV)") == ["1", "1"]

    # The same file again at once is a double click: recorded, counted once.
    download(page, "Download The whole toolkit, PDF")
    page.goto("/toolkit/downloads/")
    assert counts(page, "PDF") == ["1", "1"]

    word = download(page, "Download The whole toolkit, Word (DOCX)")
    headings = [p.text for p in Document(word.path()).paragraphs if p.style.name == "Heading 2"]
    assert headings == titles
    data = download(page, "Download The whole toolkit, Data (JSON)")
    with open(data.path(), encoding="utf-8") as file:
        assert json.load(file)["version"] == 1
    page.goto("/toolkit/downloads/")
    assert counts(page, "Word (DOCX)") == ["1", "1"]

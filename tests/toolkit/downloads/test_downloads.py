import csv
import io
import json
import threading
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from cities import participation
from cities.models import City
from plans.models import Entry, Plan
from plans.services import entry_update
from tests.factories import make_membership
from tests.querycount import assert_constant_queries
from toolkit.downloads import packages
from toolkit.downloads.snapshots import toolkit_specs
from toolkit.grant import metrics
from toolkit.models import DownloadEvent

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
WHOLE = "/toolkit/downloads/whole/{}/"


@pytest.fixture(scope="session")
def shared_media(tmp_path_factory):
    # Packages of the untouched seed plan are the same in every test: build them once.
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def seed_packages(settings, shared_media, seeded):
    # Built as the worker builds them (nothing is built in a request); once per session.
    settings.MEDIA_ROOT = shared_media
    specs = toolkit_specs(Plan.objects.model_plan())
    packages.specs_build(specs[:1])
    packages.specs_build([spec for spec in specs if spec.slug == "smart-mobility"], ["json"])
    return shared_media


@pytest.fixture
def browser_client():
    return Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.7")


def active_entries():
    return list(Entry.objects.of_model_plan().active().in_reading_order())


def download(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize(
    ("format", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
        ("zip", "application/zip"),
    ],
)
def test_every_format_arrives_as_an_attachment_with_a_dated_name(
    browser_client, seed_packages, format, content_type
):
    plan = Plan.objects.model_plan()
    response, body = download(browser_client, WHOLE.format(format))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    month = f"{(plan.content_changed_at or plan.updated_at):%Y-%m}"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="smart-city-toolkit-{month}.{format}"'
    )
    assert int(response["Content-Length"]) == len(body) > 0


def test_the_pdf_has_a_cover_contents_page_numbers_and_every_entry(browser_client, seed_packages):
    _, body = download(browser_client, WHOLE.format("pdf"))
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())

    assert len(reader.pages) > len(active_entries()) / 2
    assert "Contents" in reader.pages[1].extract_text()
    assert f"Page 3 of {len(reader.pages)}" in reader.pages[2].extract_text()
    for entry in active_entries():
        assert " ".join(entry.title.split()) in flat, entry.title
    assert "Typical cost" in text and "Source:" in text


def test_the_word_document_has_one_heading_per_entry_under_its_focus_area(
    browser_client, seed_packages
):
    _, body = download(browser_client, WHOLE.format("docx"))
    document = Document(io.BytesIO(body))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    entry_headings = [text for style, text in headings if style == "Heading 2"]
    area_headings = [text for style, text in headings if style == "Heading 1"]

    assert entry_headings == [entry.title for entry in active_entries()]
    plan = Plan.objects.model_plan()
    assert area_headings == [a.title for a in plan.focus_areas.filter(status="active")]


def test_the_csv_has_a_header_and_one_row_per_entry_in_utf8(browser_client, seed_packages):
    _, body = download(browser_client, WHOLE.format("csv"))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))

    assert [row["Title"] for row in rows] == [entry.title for entry in active_entries()]
    assert {"Focus area", "Kind", "Typical cost", "Source", "Source link"} <= set(rows[0])
    funding = next(row for row in rows if row["Kind"] == "Funding mechanism")
    assert funding["Funder"] and funding["Funding cycle"]


def test_the_json_has_a_versioned_shape_with_every_entry(browser_client, seed_packages):
    _, body = download(browser_client, WHOLE.format("json"))
    data = json.loads(body)

    assert (data["format"], data["version"]) == ("smart-city-toolkit", 1)
    assert data["licence"]["name"] == "CC BY 4.0"
    entries = [entry for area in data["focus_areas"] for entry in area["entries"]]
    assert [entry["slug"] for entry in entries] == [entry.slug for entry in active_entries()]
    assert all(entry["source"]["url"].startswith("http") for entry in entries)


def test_the_zip_bundles_every_format_with_the_licence_and_a_read_me(browser_client, seed_packages):
    _, body = download(browser_client, WHOLE.format("zip"))
    bundle = zipfile.ZipFile(io.BytesIO(body))
    names = set(bundle.namelist())

    assert {f"smart-city-toolkit.{f}" for f in ("pdf", "docx", "csv", "json")} <= names
    assert "CC BY 4.0" in bundle.read("LICENSE.txt").decode()
    assert "smart-city-toolkit.json" in bundle.read("README.txt").decode()


def test_a_focus_area_package_holds_only_that_area(browser_client, seed_packages):
    _, body = download(browser_client, "/toolkit/downloads/smart-mobility/json/")
    data = json.loads(body)
    assert [area["slug"] for area in data["focus_areas"]] == ["smart-mobility"]
    assert data["scope"] == {
        "kind": "focus-area",
        "slug": "smart-mobility",
        "title": "Smart Mobility",
    }


def test_a_download_records_one_event_and_no_address_or_browser(browser_client, seed_packages):
    download(browser_client, WHOLE.format("csv"))

    event = DownloadEvent.objects.get()
    assert (event.package, event.format, event.is_bot, event.city) == (
        "toolkit",
        "csv",
        False,
        None,
    )
    stored = " ".join(str(value) for value in DownloadEvent.objects.values().get().values())
    assert "203.0.113.7" not in stored and "Firefox" not in stored


def test_a_signed_in_member_records_their_city_and_it_reaches_the_participation_state(
    browser_client, seed_packages
):
    west_hollywood = City.objects.get(slug="west-hollywood")
    browser_client.force_login(make_membership(city=west_hollywood).user)
    download(browser_client, WHOLE.format("csv"))

    assert DownloadEvent.objects.get().city == west_hollywood
    city = participation.annotate(City.objects.filter(pk=west_hollywood.pk)).get()
    assert participation.state(city).key == "downloaded"


def test_checking_the_size_or_resuming_a_download_is_not_counted(browser_client, seed_packages):
    head = browser_client.head(WHOLE.format("csv"))
    ranged = browser_client.get(WHOLE.format("csv"), HTTP_RANGE="bytes=0-99")
    impossible = browser_client.get(WHOLE.format("csv"), HTTP_RANGE="bytes=999999999-")

    assert head.status_code == 200 and int(head["Content-Length"]) > 100
    assert ranged.status_code == 206
    assert len(b"".join(ranged.streaming_content)) == 100
    assert ranged["Content-Range"].startswith("bytes 0-99/")
    assert impossible.status_code == 416
    assert DownloadEvent.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/toolkit/downloads/atlantis/pdf/",
        "/toolkit/downloads/whole/exe/",
        "/toolkit/downloads/whole/PDF/",
    ],
)
def test_an_unknown_package_or_format_is_a_404_and_counts_nothing(
    browser_client, seed_packages, url
):
    assert browser_client.get(url).status_code == 404
    assert DownloadEvent.objects.count() == 0


def test_a_post_is_refused_and_counts_nothing(browser_client, seed_packages):
    assert browser_client.post(WHOLE.format("csv")).status_code == 405
    assert DownloadEvent.objects.count() == 0


def test_bots_are_recorded_but_left_out_of_every_count(seed_packages):
    Client(HTTP_USER_AGENT="Googlebot/2.1").get(WHOLE.format("csv"))
    Client(HTTP_USER_AGENT="").get(WHOLE.format("csv"))

    assert DownloadEvent.objects.filter(is_bot=True).count() == 2
    assert metrics.toolkit_downloads() == {**metrics.NO_DOWNLOADS, "robots": 2, "raw_total": 2}


def test_the_downloads_page_counts_unique_and_total_downloads_per_format(
    browser_client, seed_packages
):
    download(browser_client, WHOLE.format("pdf"))
    download(browser_client, WHOLE.format("csv"))
    download(browser_client, WHOLE.format("csv"))  # same hour: unique stays, total grows

    html = browser_client.get("/toolkit/downloads/").content.decode()
    whole = html.split('id="package-whole"', 1)[1].split("</section>", 1)[0]

    def counts(format_name):
        row = whole.split(f">{format_name}</th>", 1)[1].split("</tr>", 1)[0]
        return [
            row.split(f'data-count="{kind}">', 1)[1].split("<", 1)[0]
            for kind in ("unique", "total")
        ]

    assert counts("PDF") == ["1", "1"]
    assert counts("Spreadsheet (CSV)") == ["1", "1"]
    assert counts("Word (DOCX)") == ["0", "0"]
    assert "one clock hour count once" in html
    # One visitor, one package within the hour: one unique download whatever the format.
    totals = metrics.toolkit_downloads()
    assert (totals["unique"], totals["human_total"], totals["repeats"]) == (1, 2, 1)
    assert totals["raw_total"] == 3


def test_the_downloads_page_shows_sizes_before_anyone_downloads(client, seed_packages):
    plan = Plan.objects.model_plan()
    packages.specs_build(toolkit_specs(plan)[:1])
    html = client.get("/toolkit/downloads/").content.decode()
    size = packages.built_file(toolkit_specs(plan)[0], "pdf").stat().st_size
    assert f"{size / 1024:.1f}\xa0KB" in html


def test_the_downloads_page_query_count_does_not_grow_with_downloads(client, seed_packages):
    def grow(factor):
        DownloadEvent.objects.bulk_create(
            DownloadEvent(package="toolkit", format="pdf", visitor_key="v", unique_key=f"k{i}")
            for i in range(factor * 10 - DownloadEvent.objects.count())
        )

    DownloadEvent.objects.bulk_create(
        DownloadEvent(package="toolkit", format="pdf", visitor_key="v", unique_key=f"s{i}")
        for i in range(10)
    )
    assert_constant_queries(client, "/toolkit/downloads/", grow)


def test_an_unchanged_plan_is_never_rebuilt(browser_client, media, seeded):
    spec = toolkit_specs(Plan.objects.model_plan())[0]
    packages.specs_build([spec], ["json"])
    path = packages.built_file(spec, "json")
    first = path.stat().st_mtime_ns

    download(browser_client, WHOLE.format("json"))
    assert packages.specs_build([spec], ["json"]) == 0

    assert path.stat().st_mtime_ns == first
    assert DownloadEvent.objects.count() == 1


def test_a_failed_build_keeps_the_previous_package(browser_client, media, seeded, monkeypatch):
    plan = Plan.objects.model_plan()
    packages.specs_build(toolkit_specs(plan)[:1], ["csv"])
    previous = packages.built_file(toolkit_specs(plan)[0], "csv")
    entry = active_entries()[0]
    entry_update(entry=entry, values={"title": "Changed"}, expected_version=entry.version)

    def disk_full(snapshot, out):
        out.write(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(packages._WRITERS, "csv", disk_full)
    plan.refresh_from_db()
    with pytest.raises(packages.PackageBuildError):
        packages.specs_build(toolkit_specs(plan)[:1], ["csv"])
    response = browser_client.get(WHOLE.format("csv"))

    assert response.status_code == 200
    assert response["X-Package-Revision"] == previous.name.split("--")[1].removesuffix(".csv")
    assert previous.exists()
    assert not list(media.glob("packages/.building-*"))


@pytest.mark.django_db(transaction=True)
def test_a_thousand_downloads_from_32_clients_record_exactly_a_thousand_events(
    seeded_transactional, media, settings
):
    settings.DOWNLOADS_PER_MINUTE = 100  # 32 quick downloads each, more than a person makes
    plan = Plan.objects.model_plan()
    packages.specs_build(toolkit_specs(plan)[:1], ["csv"])
    errors = []
    requests_per_client = [32] * 8 + [31] * 24  # 1,000 in all

    def client_run(count, number):
        client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR=f"198.51.100.{number}")
        try:
            for _ in range(count):
                response = client.get(WHOLE.format("csv"))
                b"".join(response.streaming_content)
                if response.status_code != 200:
                    errors.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=client_run, args=(count, number))
        for number, count in enumerate(requests_per_client)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert DownloadEvent.objects.count() == 1000
    assert metrics.toolkit_downloads()["unique"] == 32


ROBOTS = ["Googlebot/2.1", "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/2.0"]


def browser_like(n: int) -> str:
    return f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + n}.0) Gecko/20100101 Firefox/{100 + n}.0"


@pytest.fixture
def one_minute(monkeypatch):
    """A clock stopped one second into a minute, so the test's requests share that minute."""
    now = timezone.now().replace(second=1, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.mark.django_db(transaction=True)
def test_one_address_with_two_hundred_browser_names_moves_the_figure_by_one_package(
    seeded_transactional, media, settings, one_minute
):
    packages.specs_build(toolkit_specs(Plan.objects.model_plan())[:1], ["csv", "pdf"])
    before = metrics.toolkit_downloads()
    statuses = []
    for n in range(200):
        agent = ROBOTS[n % 4] if n % 5 == 0 else browser_like(n)
        client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="203.0.113.50")
        response = client.get(WHOLE.format("pdf" if n % 2 else "csv"))
        statuses.append(response.status_code)
    after = metrics.toolkit_downloads()

    limit = settings.DOWNLOADS_PER_MINUTE
    assert statuses[:limit] == [200] * limit
    # The rest of the minute: refused, as this test states.
    assert set(statuses[limit:]) == {429}, statuses
    # One package downloaded: the grant figure moves by one, robots by none.
    assert after["unique"] - before["unique"] == 1
    assert after["robots"] - before["robots"] == 200 // 5  # every fifth was a robot
    # Every request stays visible, refused ones included.
    assert after["raw_total"] - before["raw_total"] == 200
    assert after["over_limit"] - before["over_limit"] == 200 - limit - (200 - limit) // 5

    # Five signed-in staff of one city, from that same exhausted address: five more.
    city = City.objects.get(slug="west-hollywood")
    for _person in range(5):
        person = make_membership(city=city).user
        client = Client(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.50")
        client.force_login(person)
        assert client.get(WHOLE.format("csv")).status_code == 200
    assert metrics.toolkit_downloads()["unique"] - after["unique"] == 5


def test_past_the_limit_a_visitor_is_told_to_wait_and_nothing_is_sent(
    browser_client, seed_packages, settings, one_minute
):
    settings.DOWNLOADS_PER_MINUTE = 2
    assert [download(browser_client, WHOLE.format("csv"))[0].status_code for _ in range(2)] == [
        200,
        200,
    ]
    refused, body = download(browser_client, WHOLE.format("csv"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "59"
    assert "Content-Disposition" not in refused
    assert "Too many downloads at once" in body.decode()
    assert "does not count" in body.decode()
    assert metrics.toolkit_downloads()["over_limit"] == 1


def test_a_double_click_counts_once_in_the_totals(browser_client, seed_packages):
    download(browser_client, WHOLE.format("pdf"))
    download(browser_client, WHOLE.format("pdf"))
    totals = metrics.toolkit_downloads()
    assert (totals["unique"], totals["human_total"], totals["repeats"]) == (1, 1, 1)
    assert totals["raw_total"] == 2

"""The open data page, /data.json (DCAT-US 1.1), the file of every published adaptation,
sitemap.xml, robots.txt and the embeddable progress page."""

import csv
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_entry
from tests.querycount import assert_constant_queries
from toolkit.adaptations.exports import ALL_FORMATS, all_adaptations_spec
from toolkit.downloads import packages
from toolkit.downloads.snapshots import toolkit_specs
from toolkit.models import DownloadEvent

DATASET_FIELDS = {
    "title",
    "description",
    "keyword",
    "modified",
    "publisher",
    "contactPoint",
    "identifier",
    "accessLevel",
    "license",
    "distribution",
}


def build_files(world) -> None:
    """What the worker does after a change: the whole toolkit's packages and the file of every
    published adaptation."""
    packages.specs_build(toolkit_specs(world.model)[:1])
    packages.specs_build([all_adaptations_spec()], formats=list(ALL_FORMATS))


def catalogue(client) -> dict:
    response = client.get("/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_data_json_carries_every_field_dcat_us_requires(client, published):
    build_files(published)
    data = catalogue(client)
    assert data["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert data["@type"] == "dcat:Catalog"
    assert [d["title"] for d in data["dataset"]] == [
        "The model smart city plan (the toolkit)",
        "Published city adaptations",
        "Round-table calendar",
        "Grant figures",
        "Public API",
    ]
    identifiers = [d["identifier"] for d in data["dataset"]]
    assert len(set(identifiers)) == len(identifiers)
    for dataset in data["dataset"]:
        missing = DATASET_FIELDS - set(dataset)
        assert not missing, f"{dataset['title']} lacks {missing}"
        assert dataset["title"] and dataset["description"] and dataset["keyword"]
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", dataset["modified"])
        assert dataset["publisher"]["name"] == "Open Sourced Smart City Collaborative"
        assert dataset["contactPoint"]["fn"]
        assert re.match(r"^mailto:[^@\s]+@[^@\s]+$", dataset["contactPoint"]["hasEmail"])
        assert dataset["accessLevel"] == "public"
        assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert dataset["distribution"]
        for distribution in dataset["distribution"]:
            assert urlsplit(distribution["downloadURL"]).scheme in ("http", "https")
            assert re.match(r"^[a-z]+/[a-z0-9.+-]+$", distribution["mediaType"])


def test_every_file_data_json_lists_downloads_with_its_media_type(client, published):
    build_files(published)
    for dataset in catalogue(client)["dataset"]:
        for distribution in dataset["distribution"]:
            url = urlsplit(distribution["downloadURL"])
            response = client.get(url.path)
            assert response.status_code == 200, url.path
            content_type = response["Content-Type"].split(";")[0].strip()
            assert content_type == distribution["mediaType"], url.path
            body = b"".join(response) if response.streaming else response.content
            assert body, url.path


def test_the_open_data_page_lists_the_same_datasets_and_files_as_data_json(client, published):
    build_files(published)
    data = catalogue(client)
    expected = [
        [urlsplit(d["downloadURL"]).path for d in dataset["distribution"]]
        for dataset in data["dataset"]
    ]
    for prefix in ("", "/es"):
        page = client.get(f"{prefix}/open-data/").content.decode()
        sections = page.split('data-dataset="')[1:]
        assert [s.split('"')[0] for s in sections] == [
            d["identifier"].rsplit("#", 1)[1] for d in data["dataset"]
        ]
        shown = [re.findall(r'data-distribution="([^"]+)"', section) for section in sections]
        assert shown == [[prefix + path for path in paths] for paths in expected] or (
            prefix and shown == [[_spanish(path) for path in paths] for paths in expected]
        )


def _spanish(path: str) -> str:
    # Pages have a Spanish address; the API, data.json and the files under /api/ do not.
    return path if path.startswith("/api/") else "/es" + path


def test_the_open_data_page_gives_licence_update_time_and_size(client, published):
    build_files(published)
    page = client.get("/open-data/").content.decode()
    assert page.count('rel="license"') >= 5
    whole = packages.package_latest(toolkit_specs(published.model)[0], "pdf")
    assert f"{whole.size}" in page or "KB" in page or "MB" in page
    assert "being prepared" not in page
    assert page.count("<time datetime=") == 5


def test_the_open_data_page_is_linked_from_the_footer(client, published):
    assert 'href="/open-data/"' in client.get("/").content.decode()
    assert 'href="/es/open-data/"' in client.get("/es/").content.decode()


def test_the_file_of_every_adaptation_agrees_with_the_api(client, published):
    build_files(published)
    listed = client.get("/api/v1/adaptations/").json()["results"]
    whole = client.get(reverse("adaptations:all-download", kwargs={"format": "json"}))
    everything = json.loads(b"".join(whole))
    assert [
        {key: value for key, value in item.items() if key != "focus_areas"}
        for item in everything["adaptations"]
    ] == listed
    assert [item["city"]["name"] for item in everything["adaptations"]] == ["Testville"]
    detail = client.get(
        listed[0]["api_url"]
        .split("testserver", 1)[-1]
        .replace(urlsplit(listed[0]["api_url"]).netloc, "")
    )
    api_areas = client.get(urlsplit(listed[0]["api_url"]).path).json()["focus_areas"]
    assert detail.status_code == 200
    assert [
        [e["slug"] for e in area["entries"]] for area in everything["adaptations"][0]["focus_areas"]
    ] == [[e["slug"] for e in area["entries"]] for area in api_areas]

    table = client.get(reverse("adaptations:all-download", kwargs={"format": "csv"}))
    rows = list(csv.reader(io.StringIO(b"".join(table).decode("utf-8-sig"))))
    header = next(row for row in rows if not row[0].startswith("#"))
    data = [dict(zip(header, row, strict=True)) for row in rows[rows.index(header) + 1 :]]
    api_entries = [e for area in api_areas for e in area["entries"]]
    assert [(row["City"], row["Entry"], row["Decision"]) for row in data] == [
        ("Testville", e["title"], e["decision_label"]) for e in api_entries
    ]
    assert "EV charging at Testville lots" in {row["Entry"] for row in data}


def test_a_draft_adaptation_is_in_neither_file(client, published):
    build_files(published)
    for format in ALL_FORMATS:
        response = client.get(reverse("adaptations:all-download", kwargs={"format": format}))
        body = b"".join(response).decode("utf-8-sig")
        assert "Secret draft plan" not in body
        assert published.draft_city.name not in body


def test_a_new_revision_of_an_adaptation_makes_a_new_file_of_every_adaptation(published):
    before = all_adaptations_spec().revision
    make_entry(plan=published.plan, title="Our own idea", decision="own")
    published.plan.refresh_from_db()
    from plans.models import plan_touch

    plan_touch(published.plan.pk)
    assert all_adaptations_spec().revision != before


def test_an_unknown_format_of_every_adaptation_is_not_found(client, published):
    assert client.get("/adaptations/downloads/pdf/").status_code == 404
    assert client.get("/adaptations/downloads/exe/").status_code == 404


def test_dataset_files_are_counted_every_time_and_never_kept_by_the_page_cache(client, published):
    build_files(published)
    url = reverse("adaptations:all-download", kwargs={"format": "csv"})
    for _ in range(2):
        response = client.get(url)
        assert response.has_header("Content-Disposition")
        assert "public" not in response.get("Cache-Control", "")
    assert DownloadEvent.objects.filter(package="adaptations/all").count() == 2
    figures = client.get(reverse("metrics:open-export", kwargs={"table": "measures"}))
    assert figures.has_header("Content-Disposition")
    assert "public" not in figures.get("Cache-Control", "")


def test_the_public_figures_files_hold_the_dashboards_figures(client, published):
    from toolkit.grant import metrics

    response = client.get(reverse("metrics:open-export", kwargs={"table": "measures"}))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    for figure in metrics.grant_figures():
        assert f"{figure.label},{figure.value},{figure.target}," in text
    # The city-by-city table stays with the grant's staff.
    assert client.get("/metrics/figures/cities.csv").status_code == 404


def test_data_json_is_kept_and_says_when_the_toolkit_last_changed(client, published):
    first = client.get("/data.json")
    assert "public" in first["Cache-Control"]
    assert client.get("/data.json", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    from plans.models import Plan, plan_touch

    plan_touch(published.model.pk)
    changed = Plan.objects.get(pk=published.model.pk).content_changed_at
    toolkit = catalogue(client)["dataset"][0]
    assert toolkit["modified"] == changed.isoformat(timespec="seconds")


# --- sitemap.xml and robots.txt -----------------------------------------------------------------


def test_the_sitemap_lists_the_public_pages_in_both_languages(client, published):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    text = response.content.decode()
    locations = {urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", text)}
    area, entry = published.mobility, published.entries[0]
    pages = [
        "/",
        "/about/",
        "/toolkit/",
        area.get_absolute_url(),
        entry.get_absolute_url(),
        "/cities/",
        published.city.get_absolute_url(),
        "/round-tables/",
        published.round_table.get_absolute_url(),
        "/adaptations/",
        f"/adaptations/{published.city.slug}/",
        "/open-data/",
        "/metrics/",
    ]
    for page in pages:
        assert page in locations, page
        assert "/es" + page in locations, "/es" + page
    assert 'hreflang="es"' in text and 'hreflang="x-default"' in text
    assert f"/adaptations/{published.draft_city.slug}/" not in locations
    assert not any(
        path.startswith(("/accounts/", "/admin/", "/es/accounts/")) for path in locations
    )


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_private_pages(client, published):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert {"Disallow: /admin/", "Disallow: /accounts/", "Disallow: /es/accounts/"} <= set(lines)
    sitemap = next(line for line in lines if line.startswith("Sitemap: "))
    assert urlsplit(sitemap.removeprefix("Sitemap: ")).path == "/sitemap.xml"
    assert not any(line.strip() == "Disallow: /" for line in lines)


# --- The embeddable progress page ---------------------------------------------------------------


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(
        part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors")
    )


@pytest.mark.parametrize("address", ["/metrics/embed/", "/es/metrics/embed/"])
def test_only_the_progress_page_may_be_framed_by_other_sites(client, published, address):
    from toolkit.grant import metrics

    for attempt in ("drawn", "kept"):
        response = client.get(address)
        assert response.status_code == 200
        assert _frame_ancestors(response) != "frame-ancestors 'none'", attempt
        assert "'none'" not in _frame_ancestors(response), attempt
        assert "X-Frame-Options" not in response, attempt
        text = response.content.decode()
        for figure in metrics.grant_figures():
            assert str(figure.label) in text
        # Nothing from another host, and none of the site's header and navigation.
        assert not re.search(r'(src|href)="(https?:)?//', text)
        assert "usa-header" not in text
    for ordinary in ("/", "/metrics/", "/open-data/"):
        for attempt in ("drawn", "kept"):
            response = client.get(ordinary)
            assert _frame_ancestors(response) == "frame-ancestors 'none'", (ordinary, attempt)
            assert response["X-Frame-Options"] == "DENY", (ordinary, attempt)


# --- Queries -----------------------------------------------------------------------------------


def _grow(world, factor: int) -> None:
    """`factor` times the published adaptations, round tables and model entries."""
    from plans.models import Plan
    from tests.factories import make_city, make_round_table

    for n in range(Plan.objects.adaptations().published().count(), factor):
        city = make_city(name=f"Grown City {factor}-{n}")
        Plan.objects.create(
            kind=Plan.Kind.ADAPTATION,
            city=city,
            title=f"Plan of {city.name}",
            status=Plan.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        make_round_table(title=f"Grown round table {factor}-{n}")
        make_entry(focus_area=world.mobility, title=f"Grown entry {factor}-{n}")


@pytest.mark.parametrize("address", ["/open-data/", "/data.json", "/sitemap.xml"])
def test_the_catalogue_and_the_sitemap_run_a_constant_number_of_queries(client, published, address):
    build_files(published)
    counts = assert_constant_queries(client, address, lambda f: _grow(published, f), (10, 30))
    print(f"{address}: {counts[0]} queries at 1x, 10x and 30x")

"""The public API: what it shows, what it never shows, and how it answers again."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate

from plans.models import Entry
from tests.factories import make_entry
from toolkit.adaptations.exports import adaptation_spec
from toolkit.downloads import packages
from toolkit.downloads.snapshots import toolkit_specs
from toolkit.grant import metrics


def get_json(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.django_db
def test_the_schema_is_valid_openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    schema = json.loads(response.content)
    validate(schema)
    assert {"/api/v1/entries/", "/api/v1/adaptations/{city}/", "/api/v1/figures/"} <= set(
        schema["paths"]
    )


def test_entries_agree_with_the_toolkit_package_file(client, published):
    spec = toolkit_specs(published.model)[0]
    with open(packages.package_build(spec, "json"), encoding="utf-8") as file:
        package = json.load(file)
    from_package = [entry for area in package["focus_areas"] for entry in area["entries"]]
    from_api = get_json(client, "/api/v1/entries/")["results"]
    assert [e["slug"] for e in from_api] == [e["slug"] for e in from_package]
    for api_entry, package_entry in zip(from_api, from_package, strict=True):
        assert {key: api_entry[key] for key in package_entry} == package_entry


def test_entries_are_filtered_and_searched_like_the_browse_page(client, published):
    found = get_json(client, "/api/v1/entries/?q=chargers")["results"]
    assert [e["title"] for e in found] == ["EV charging expansion"]
    funding = get_json(client, "/api/v1/entries/?kind=funding")["results"]
    assert [e["title"] for e in funding] == ["Safe streets grants"]
    assert get_json(client, "/api/v1/entries/?area=no-such-area")["count"] == 0
    page = client.get("/api/v1/entries/?q=" + "x" * 300)
    assert page.status_code == 400
    assert "q" in page.json()


def test_an_entry_shows_its_revision_number(client, published):
    entry = published.entries[0]
    answer = get_json(client, f"/api/v1/entries/{entry.slug}/")
    assert answer["revision"] == Entry.objects.get(pk=entry.pk).version
    assert answer["focus_area"]["slug"] == "smart-mobility"


def test_a_published_adaptation_agrees_with_its_json_file(client, published):
    with open(packages.package_build(adaptation_spec(published.plan), "json")) as file:
        package = json.load(file)
    answer = get_json(client, f"/api/v1/adaptations/{published.city.slug}/")
    assert answer["progress"] == package["progress"]
    for api_area, file_area in zip(answer["focus_areas"], package["focus_areas"], strict=True):
        assert api_area["progress"] == file_area["progress"]
        for api_entry, file_entry in zip(api_area["entries"], file_area["entries"], strict=True):
            for key in ("slug", "title", "decision", "status", "owner_department", "target_date"):
                assert api_entry[key] == file_entry[key]
    adapted = answer["focus_areas"][0]["entries"][0]
    assert adapted["decision"] == "adapted"
    assert adapted["changes_from_model"] == [
        {
            "field": "Title",
            "model_text": "EV charging expansion",
            "city_text": "EV charging at Testville lots",
        }
    ]


def test_the_adaptation_list_shows_the_roll_up_of_each_published_one(client, published):
    answer = get_json(client, "/api/v1/adaptations/")
    assert [row["city"]["slug"] for row in answer["results"]] == [published.city.slug]
    progress = answer["results"][0]["progress"]
    assert (progress["in_plan"], progress["done"], progress["done_percent"]) == (2, 1, 50)


def test_a_draft_adaptation_is_not_found(client, published):
    response = client.get(f"/api/v1/adaptations/{published.draft_city.slug}/")
    assert response.status_code == 404
    assert b"Secret draft plan" not in client.get("/api/v1/adaptations/").content


def test_round_tables_never_show_registrants_nor_the_online_link(client, published):
    body = client.get("/api/v1/round-tables/").content.decode()
    assert "meet.example.org" not in body
    assert published.round_table.registrations.first().user.email not in body
    row = json.loads(body)["results"][0]
    assert row["online"] is True
    assert row["seats_left"] == published.round_table.capacity - 1


def test_figures_are_the_dashboards(client, published):
    answer = get_json(client, "/api/v1/figures/")
    figures = metrics.grant_figures()
    assert [(m["key"], m["value"], m["target"]) for m in answer["measures"]] == [
        (f.key, f.value, f.target) for f in figures
    ]
    funnel = metrics.participation_funnel(metrics.grant_period())
    assert [(s["key"], s["cities"]) for s in answer["funnel"]] == [
        (s.key, s.cities) for s in funnel
    ]
    dashboard = client.get(reverse("metrics:dashboard")).content.decode()
    for measure in answer["measures"]:
        assert str(measure["definition"]).replace("'", "&#x27;") in dashboard


def test_cities_carry_the_participation_level_of_the_registry(client, published):
    rows = {c["slug"]: c for c in get_json(client, "/api/v1/cities/")["results"]}
    testville = rows[published.city.slug]
    assert testville["participation"]["key"] == "published"
    assert testville["adaptation_url"].endswith(f"/adaptations/{published.city.slug}/")
    assert rows[published.draft_city.slug]["adaptation_url"] is None


def test_an_unchanged_list_answers_304_to_its_etag_and_a_change_shows_at_once(client, published):
    first = client.get("/api/v1/entries/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/api/v1/entries/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/api/v1/entries/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    make_entry(focus_area=published.mobility, title="Bike share pilot")
    again = client.get("/api/v1/entries/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "Bike share pilot" in again.content.decode()
    assert again["ETag"] != etag


def test_answers_are_open_to_other_origins_for_reading(client, published):
    response = client.get("/api/v1/cities/", HTTP_ORIGIN="https://gis.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_bad_pages_and_unknown_things_are_404_not_500(client, published):
    for url in [
        "/api/v1/entries/?page=999",
        "/api/v1/entries/?page=abc",
        "/api/v1/entries/no-such-entry/",
        "/api/v1/cities/nowhere/",
        "/api/v1/round-tables/nothing/",
        "/api/v1/focus-areas/nothing/",
    ]:
        assert client.get(url).status_code == 404, url


def test_lists_page_in_a_stable_order(client, published):
    first = get_json(client, "/api/v1/entries/?page_size=2")
    second = get_json(client, "/api/v1/entries/?page_size=2&page=2")
    slugs = [e["slug"] for e in first["results"] + second["results"]]
    everything = [e["slug"] for e in get_json(client, "/api/v1/entries/")["results"]]
    assert slugs == everything[:4]
    assert first["count"] == 5


def test_a_client_over_the_rate_limit_gets_a_clear_429_even_for_a_kept_answer(settings, published):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"api": "3/min"}}
    greedy = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [greedy.get("/api/v1/cities/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = greedy.get("/api/v1/cities/")
    assert "throttled" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="198.51.100.10").get("/api/v1/cities/").status_code == 200


def test_the_rate_limit_keeps_no_address(settings, published):
    from django.core.cache import cache

    Client(REMOTE_ADDR="198.51.100.77").get("/api/v1/cities/")
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("198.51.100.77" in key for key in keys)


def test_the_page_cache_leaves_the_api_to_its_own_cache(client, published):
    response = client.get("/api/v1/entries/")
    assert response["Cache-Control"] == "public, no-cache"
    assert not response.cookies


def test_a_signed_in_person_sees_the_same_answer(client, published):
    anonymous = client.get("/api/v1/adaptations/")
    client.force_login(published.lead)
    signed_in = client.get("/api/v1/adaptations/")
    assert signed_in.content == anonymous.content
    assert client.get(f"/api/v1/adaptations/{published.draft_city.slug}/").status_code == 404


def test_an_entrys_revisions_are_those_its_history_page_lists(client, published):
    from plans import services as plan_services

    entry = published.entries[0]
    entry.refresh_from_db()
    for title in ("EV charging for every lot", "EV charging at every city lot"):
        entry = plan_services.entry_update(
            entry=entry,
            values={"title": title},
            expected_version=entry.version,
            by=published.coordinator,
        )
    revisions = get_json(client, f"/api/v1/entries/{entry.slug}/revisions/")["results"]
    history = client.get(
        reverse(
            "plans:entry-history", kwargs={"focus_area": entry.focus_area.slug, "slug": entry.slug}
        )
    )
    assert history.status_code == 200
    for revision, reason, changed, author in history.context["revisions"]:
        row = next(r for r in revisions if r["version"] == revision.version)
        assert row["changed_fields"] == [str(label) for label in changed]
        assert row["reason"]["label"] == str(reason)
        assert row["by"] == author
    assert len(revisions) == len(history.context["revisions"]) >= 3
    assert revisions[0]["changed_fields"] == ["Title"]
    assert revisions[0]["by"] == published.coordinator.get_full_name()
    versions = [r["version"] for r in revisions]
    assert versions == sorted(versions, reverse=True)


def test_revisions_a_page_at_a_time_name_the_changes_of_the_last_on_each_page(client, published):
    entry = published.entries[0]
    whole = get_json(client, f"/api/v1/entries/{entry.slug}/revisions/")["results"]
    paged = []
    url = f"/api/v1/entries/{entry.slug}/revisions/?page_size=1"
    while url:
        answer = get_json(client, url)
        paged += answer["results"]
        url = answer["next"]
    assert paged == whole


def test_a_retired_or_unknown_entry_has_no_revisions(client, published):
    assert client.get("/api/v1/entries/no-such-entry/revisions/").status_code == 404

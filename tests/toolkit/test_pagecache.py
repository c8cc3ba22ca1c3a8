"""Whole anonymous pages from the cache: the same for everyone, never stale, never private."""

import re

import pytest
from django.test import Client

from tests.factories import make_grant_staff, make_round_table
from tests.toolkit.adaptations.world import decide, make_world, model_edit, start
from toolkit.adaptations import services


def text(response) -> str:
    """The page's visible words, roughly: tags removed, spaces collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def world(db):
    """A model plan, a city with a published adaptation, and a round table."""
    world = make_world()
    plan = start(world)
    decide(plan.entries.order_by("pk").first(), by=world.editor, decision="adopted")
    services.adaptation_publish(plan=plan, by=world.lead)
    world.round_table = make_round_table(title="Curbs and sensors")
    return world


def public_pages(world) -> list[str]:
    """Every kind of page an anonymous visitor reads (bench/run.py's list, and a few more)."""
    entry = world.entries[0]
    return [
        "/",
        "/about/",
        "/privacy/",
        "/accessibility/",
        "/cities/",
        world.city.get_absolute_url(),
        "/toolkit/",
        "/toolkit/entries/",
        "/toolkit/entries/?q=charging",
        entry.focus_area.get_absolute_url(),
        entry.get_absolute_url(),
        "/round-tables/",
        world.round_table.get_absolute_url(),
        "/metrics/",
        "/toolkit/downloads/",
        "/adaptations/",
        f"/adaptations/{world.city.slug}/",
        f"/adaptations/{world.city.slug}/changes/",
    ]


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_public_pages_carry_no_csrf_token_and_set_no_cookie(client, world, prefix):
    for url in public_pages(world):
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert not response.cookies, url
        assert response["Cache-Control"] == "public, no-cache", url
        assert response.has_header("ETag"), url


def test_a_second_visit_is_served_from_the_cache_with_the_same_headers(
    client, world, django_assert_num_queries
):
    url = world.entries[0].get_absolute_url()
    fresh = client.get(url)
    with django_assert_num_queries(0):
        kept = client.get(url)
    assert kept.content == fresh.content
    assert dict(kept.headers) == dict(fresh.headers)
    assert "Content-Security-Policy" in kept.headers

    with django_assert_num_queries(0):
        head = client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == fresh["ETag"]


def test_a_page_the_visitor_holds_is_answered_not_modified(
    client, world, django_assert_num_queries
):
    url = world.entries[0].get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag

    # The ETag is drawn from the page itself: a change elsewhere keeps it, one here does not.
    model_edit(world.entries[1], by=world.coordinator, summary="Zone the curb by the hour.")
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    model_edit(world.entries[0], by=world.coordinator, title="EV charging, everywhere")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "EV charging, everywhere" in text(changed)


@pytest.mark.django_db(transaction=True)
def test_a_public_page_changes_in_the_very_next_request_after_a_coordinators_edit(
    django_assert_num_queries,
):
    world = make_world()
    entry = world.entries[0]
    visitor = Client()
    assert "EV charging expansion" in text(visitor.get(entry.get_absolute_url()))
    assert "EV charging expansion" in text(visitor.get("/toolkit/entries/"))
    with django_assert_num_queries(0):
        visitor.get(entry.get_absolute_url())

    coordinator = Client()
    coordinator.force_login(world.coordinator)
    edited = model_edit(entry, by=world.coordinator, title="Chargers at every city lot")

    page = text(visitor.get(edited.get_absolute_url()))
    assert "Chargers at every city lot" in page
    assert "EV charging expansion" not in page
    assert "Chargers at every city lot" in text(visitor.get("/toolkit/entries/"))


def test_the_spanish_and_english_addresses_are_cached_apart(
    client, world, django_assert_num_queries
):
    assert "Ciudades" in text(client.get("/es/cities/"))
    assert "Cities" in text(client.get("/cities/"))
    with django_assert_num_queries(0):
        spanish = text(client.get("/es/cities/"))
        english = text(client.get("/cities/"))
    assert "Nombre de la ciudad" in spanish and "City name" not in spanish
    assert "City name" in english and "Nombre de la ciudad" not in english


def test_signed_in_pages_are_never_served_from_the_anonymous_cache(client, world):
    anonymous = client.get("/")
    assert "Sign in" in text(anonymous)

    client.force_login(world.lead)
    for _visit in range(2):
        response = client.get("/")
        assert "Sign out" in text(response)
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert not response.has_header("ETag")


def test_the_grant_staffs_dashboard_and_exports_are_private(client, world):
    client.force_login(make_grant_staff())
    for url in ["/metrics/", "/metrics/export/measures.csv"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response["Cache-Control"], url
        assert "no-store" in response["Cache-Control"], url


def test_a_form_that_needs_a_token_is_drawn_for_each_visitor(client, db):
    first, second = client.get("/accounts/login/"), Client().get("/accounts/login/")
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.content.decode()).group(1)
        for r in (first, second)
    ]
    assert tokens[0] != tokens[1]
    assert "private" in first["Cache-Control"]
    assert not first.has_header("ETag")


def test_a_page_showing_a_message_is_not_kept(client, world):
    assert "Sign in" in text(client.get("/"))
    client.force_login(world.lead)
    client.post("/accounts/logout/")

    shown = text(client.get("/"))
    assert "You have signed out." in shown
    assert "You have signed out." not in text(client.get("/"))
    assert "You have signed out." not in text(Client().get("/"))


def test_a_signed_in_persons_page_is_kept_for_them_alone(world, django_assert_max_num_queries):
    url = world.city.get_absolute_url()
    lead, editor = Client(), Client()
    lead.force_login(world.lead)
    editor.force_login(world.editor)

    lead.get(url)  # sets the CSRF cookie, which the page's forms are drawn from
    first = lead.get(url)
    assert "Members and requests" in text(first)
    # Kept: only the person is read again (the session comes from the cache).
    with django_assert_max_num_queries(1):
        again = lead.get(url)
    assert again.content == first.content
    assert "no-store" in again["Cache-Control"]

    # Another person of the same city never gets the lead's page, nor does a visitor.
    theirs = text(editor.get(url))
    assert "Members and requests" not in theirs
    assert "Sign out" in theirs
    assert "Members and requests" not in text(Client().get(url))


@pytest.mark.django_db(transaction=True)
def test_a_kept_signed_in_page_changes_in_the_very_next_request_after_a_change():
    world = make_world()
    url = world.city.get_absolute_url()
    entry = world.entries[0]
    lead = Client()
    lead.force_login(world.lead)
    assert "Members and requests" in text(lead.get(url))
    assert "EV charging expansion" in text(lead.get(entry.get_absolute_url()))
    lead.get(entry.get_absolute_url())

    model_edit(entry, by=world.coordinator, title="Chargers at every city lot")
    assert "Chargers at every city lot" in text(lead.get(entry.get_absolute_url()))

    # The person's own rights change: the page follows at once.
    membership = world.lead.memberships.get(city=world.city)
    membership.role = "staff"
    membership.save()
    assert "Members and requests" not in text(lead.get(url))


def test_a_session_that_ended_never_reaches_a_kept_page(world):
    url = world.city.get_absolute_url()
    lead = Client()
    lead.force_login(world.lead)
    assert "Sign out" in text(lead.get(url))
    copied = Client()
    copied.cookies = lead.cookies  # the same cookie, as someone who copied it would send

    lead.post("/accounts/logout/")
    assert "Sign in" in text(lead.get(url))
    page = text(copied.get(url))
    assert "Sign in" in page
    assert "Members and requests" not in page

"""The toolkit's pages, as a visitor and as a coordinator reads and uses them."""

import copy
import re

import pytest
from django.test import Client
from django.urls import reverse

from cities.common import cache
from plans.models import CoreValue, Entry, Status, TaggedEntry
from plans.revisions import Reason, entry_revisions_record
from plans.services import entry_update
from tests.factories import (
    make_coordinator,
    make_entry,
    make_focus_area,
    make_model_plan,
    make_source,
    make_user,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

LIST = "/toolkit/entries/"


def text(response) -> str:
    """The page's visible words, roughly: tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def titles(response) -> list[str]:
    return re.findall(
        r'class="usa-collection__heading">\s*<a[^>]*>([^<]+)</a>', response.content.decode()
    )


@pytest.fixture
def coordinator_client(client):
    coordinator = make_coordinator(name="Kate Coordinator")
    client.force_login(coordinator)
    client.user = coordinator
    return client


# --- The seeded toolkit --------------------------------------------------------------------


def test_the_toolkit_home_shows_each_focus_area_with_its_counts_and_where_to_start(client, toolkit):
    page = text(client.get("/toolkit/"))
    assert "Start here: a path for a small city" in page
    assert "The vision" in page and "SMART" in page
    assert "Smart Mobility" in page
    mobility = Entry.objects.filter(focus_area__slug="smart-mobility", status=Status.ACTIVE)
    funding = mobility.filter(kind=Entry.Kind.FUNDING).count()
    assert f"{funding} funding mechanisms" in page


def test_a_visitor_narrows_the_list_to_funding_for_smart_mobility(client, toolkit):
    response = client.get(LIST, {"kind": "funding", "area": "smart-mobility"})
    expected = Entry.objects.filter(
        focus_area__slug="smart-mobility", kind=Entry.Kind.FUNDING, status=Status.ACTIVE
    )
    assert sorted(titles(response)) == sorted(expected.values_list("title", flat=True))
    assert f"{expected.count()} entries" in text(response)
    # The choices stay selected, so the address can be shared and the form reads right.
    html = response.content.decode()
    assert '<option value="funding" selected' in html
    assert '<option value="smart-mobility" selected' in html


def test_search_words_and_filters_combine(client, toolkit):
    response = client.get(LIST, {"q": "broadband", "kind": "funding"})
    found = titles(response)
    assert found
    kinds = set(Entry.objects.filter(title__in=found).values_list("kind", flat=True))
    assert kinds == {Entry.Kind.FUNDING}


def test_the_list_comes_a_page_at_a_time_with_a_total(client, toolkit):
    total = Entry.objects.filter(status=Status.ACTIVE).count()
    first = client.get(LIST)
    assert f"{total} entries" in text(first)
    assert len(titles(first)) == 20
    last_page = -(-total // 20)
    last = client.get(LIST, {"page": last_page})
    assert len(titles(last)) == total - 20 * (last_page - 1)
    assert f"Showing {20 * (last_page - 1) + 1} to {total}." in text(last)


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "spaceship"},
        {"area": "atlantis"},
        {"value": "speed"},
        {"source": "nowhere"},
        {"kind": "policy", "area": "atlantis", "page": "7"},
    ],
)
def test_a_filter_value_that_names_nothing_gives_a_clean_empty_list(client, toolkit, query):
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert titles(response) == []
    assert "0 entries" in text(response)
    assert "No entry matches these filters" in text(response)


def test_an_unknown_tag_is_named_in_a_clear_message(client, toolkit):
    response = client.get(LIST, {"tag": "hovercraft"})
    assert response.status_code == 200
    assert "No entry has the tag “hovercraft”." in text(response)
    assert titles(response) == []


def test_a_search_with_no_match_says_so_and_offers_to_clear(client, toolkit):
    response = client.get(LIST, {"q": "zeppelin"})
    assert "No entry matches “zeppelin”" in text(response)
    assert "Clear the search and filters" in text(response)


def test_the_entry_page_shows_what_a_city_needs_to_act(client, toolkit):
    entry = Entry.objects.get(slug="smart-city-core-values")
    response = client.get(f"/toolkit/{entry.focus_area.slug}/{entry.slug}/")
    page = text(response)
    assert entry.title in page
    for label in ["Typical cost", "Effort", "Time horizon", "Departments involved", "Core values"]:
        assert label in page
    assert "Transparency, Accessibility" in page or "Accessibility, Transparency" in page
    assert f'href="{entry.source.url}"' in response.content.decode()
    related = entry.related.first()
    assert related.title in page
    assert "Last changed on" in page
    assert reverse("plans:entry-history", args=[entry.focus_area.slug, entry.slug]) in (
        response.content.decode()
    )


def test_a_funding_mechanism_shows_its_funder_eligibility_and_cycle(client, toolkit):
    entry = Entry.objects.filter(kind=Entry.Kind.FUNDING).exclude(funder="").first()
    page = text(client.get(entry.get_absolute_url()))
    assert "Funder" in page and "Who can apply" in page and "Funding cycle" in page


def test_an_unverified_entry_says_what_to_check(client, toolkit):
    entry = Entry.objects.filter(unverified=True).first()
    page = text(client.get(entry.get_absolute_url()))
    assert "Check before you rely on it" in page


def test_an_old_address_of_an_entry_that_moved_redirects_to_its_new_one(client):
    entry = make_entry()
    response = client.get(f"/toolkit/somewhere-else/{entry.slug}/history/?to=1")
    assert response.status_code == 301
    assert response["Location"] == f"/toolkit/{entry.focus_area.slug}/{entry.slug}/history/?to=1"


def test_a_wrong_address_is_a_404(client):
    area = make_focus_area()
    assert client.get(f"/toolkit/{area.slug}/no-such-entry/").status_code == 404
    assert client.get("/toolkit/no-such-area/").status_code == 404


def test_script_in_an_entry_body_renders_inert(client):
    entry = make_entry(body="Hi <script>alert('x')</script> [go](javascript:alert(1))")
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "alert(" not in html
    assert "javascript:" not in html


def test_a_retired_entry_keeps_its_page_with_a_notice_but_leaves_the_lists(client):
    entry = make_entry(title="Retired parking idea", status=Status.RETIRED)
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    assert "This entry is retired" in text(response)
    assert "Retired parking idea" not in text(client.get(LIST))
    assert "Retired parking idea" not in text(client.get(entry.focus_area.get_absolute_url()))


def test_the_history_lists_every_version_and_compares_any_two(client):
    editor = make_coordinator(name="Ana Editor")
    entry = make_entry(title="Chargers", summary="Install chargers at city hall.")
    for version, summary in [
        (1, "Install chargers at the library."),
        (2, "Install fast chargers."),
    ]:
        entry_update(entry=entry, values={"summary": summary}, expected_version=version, by=editor)
    url = reverse("plans:entry-history", args=[entry.focus_area.slug, entry.slug])

    latest = client.get(url)
    page = text(latest)
    assert "Changes from version 2 to version 3" in page
    assert "Ana Editor" in page
    assert "Edited: Summary" in page

    html = client.get(url, {"from": 1, "to": 3}).content.decode()
    assert "Changes from version 1 to version 3" in text(client.get(url, {"from": 1, "to": 3}))
    assert re.search(r"<del[^>]*>.*?removed:.*?at city hall\.", html)
    assert re.search(r"<ins[^>]*>.*?added:.*?fast", html)


def test_asking_the_history_for_a_version_that_does_not_exist_is_a_404(client):
    entry = make_entry()
    url = reverse("plans:entry-history", args=[entry.focus_area.slug, entry.slug])
    assert client.get(url, {"to": 9}).status_code == 404
    assert client.get(url, {"from": "x"}).status_code == 404


# --- Editing ----------------------------------------------------------------------------------


def form_data(entry, **changes):
    data = {
        "title": entry.title,
        "kind": entry.kind,
        "focus_area": entry.focus_area_id,
        "summary": entry.summary,
        "body": entry.body,
        "tags": ", ".join(entry.tags.names()),
        "core_values": [v.pk for v in entry.core_values.all()],
        "source": entry.source_id or "",
        "version": entry.version,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_coordinator_edits_an_entry_and_everyone_sees_the_change(coordinator_client):
    entry = make_entry(title="Chargers", summary="Install chargers.")
    url = reverse("plans:entry-update", args=[entry.focus_area.slug, entry.slug])

    response = coordinator_client.post(
        url, form_data(entry, summary="Install fast chargers.", tags="ev-charging")
    )

    assert response.status_code == 302
    page = text(coordinator_client.get(response["Location"]))
    assert "Your changes to “Chargers” are saved." in page
    assert "Install fast chargers." in page
    assert "Last changed on" in page and "Kate Coordinator" in page
    entry.refresh_from_db()
    assert entry.version == 2
    assert list(entry.tags.names()) == ["ev-charging"]
    assert "Install fast chargers." in text(Client().get(entry.get_absolute_url()))


def test_saving_a_form_unchanged_from_a_browser_changes_no_field(coordinator_client):
    entry = make_entry(body="### Steps\n\n1. Ask\n2. Act", summary="Two\nlines")
    url = reverse("plans:entry-update", args=[entry.focus_area.slug, entry.slug])
    # Browsers send the text of a text area with Windows line ends.
    coordinator_client.post(
        url, form_data(entry, body=entry.body.replace("\n", "\r\n"), summary="Two\r\nlines")
    )
    entry.refresh_from_db()
    assert entry.body == "### Steps\n\n1. Ask\n2. Act" and entry.summary == "Two\nlines"


def test_preview_shows_the_rendered_text_and_saves_nothing(coordinator_client):
    entry = make_entry(body="Old body.")
    url = reverse("plans:entry-update", args=[entry.focus_area.slug, entry.slug])

    response = coordinator_client.post(
        url, form_data(entry, body="### Steps\n\n- **First** <script>x()</script>", preview="1")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview (not saved yet)" in html
    assert "<strong>First</strong>" in html
    assert "<script>x()" not in html
    entry.refresh_from_db()
    assert entry.body == "Old body." and entry.version == 1


def test_an_empty_title_is_marked_next_to_the_field_and_nothing_changes(coordinator_client):
    entry = make_entry(title="Keep me")
    url = reverse("plans:entry-update", args=[entry.focus_area.slug, entry.slug])

    response = coordinator_client.post(url, form_data(entry, title=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert re.search(r'usa-form-group--error">\s*<label[^>]*for="id_title"', html)
    assert "This field is required." in html
    entry.refresh_from_db()
    assert entry.title == "Keep me" and entry.history.count() == 1


@pytest.mark.parametrize("field", ["related", "also_sources", "core_values"])
def test_an_id_too_large_for_the_database_is_refused_next_to_the_field(coordinator_client, field):
    entry = make_entry(title="Keep me")
    url = reverse("plans:entry-update", args=[entry.focus_area.slug, entry.slug])

    response = coordinator_client.post(url, form_data(entry, **{field: ["99999999999999999999"]}))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'id="id_{field}_error"[^>]*>.*?is not a valid value', html, re.S)
    entry.refresh_from_db()
    assert entry.version == 1 and entry.history.count() == 1


def test_a_new_entry_with_a_slug_already_used_is_refused_with_a_message(coordinator_client):
    existing = make_entry(title="Dig once")
    data = form_data(existing, title="Dig once, again", slug="dig-once")
    data.pop("version")

    response = coordinator_client.post(reverse("plans:entry-create"), data)

    assert response.status_code == 200
    assert "“dig-once” is already used in this plan; type another slug." in text(response)
    assert Entry.objects.count() == 1


def test_a_coordinator_adds_an_entry_and_its_address_comes_from_the_title(coordinator_client):
    area = make_focus_area(title="Smart Mobility")
    source = make_source()
    data = {
        "title": "Curb data pilot",
        "slug": "",
        "kind": "practice",
        "focus_area": area.pk,
        "summary": "Map the curb.",
        "body": "Walk it.",
        "source": source.pk,
        "core_values": [CoreValue.objects.get(key="mobility").pk],
        "departments": "Public Works\nTransportation",
    }

    response = coordinator_client.post(reverse("plans:entry-create"), data)

    assert response["Location"] == "/toolkit/smart-mobility/curb-data-pilot/"
    entry = Entry.objects.get(slug="curb-data-pilot")
    assert entry.departments == ["Public Works", "Transportation"]
    assert entry.history.get().history_user == coordinator_client.user


def test_a_form_sent_after_someone_else_saved_is_not_saved_and_shows_both(coordinator_client):
    entry = make_entry(title="Chargers", summary="Install chargers at city hall.")
    opened = form_data(entry, summary="Install chargers at the library.")
    entry_update(
        entry=entry,
        values={"summary": "Install chargers at the park."},
        expected_version=1,
        by=make_user(name="Other Person"),
    )
    url = reverse("plans:entry-update", args=[entry.focus_area.slug, entry.slug])

    response = coordinator_client.post(url, opened)

    assert response.status_code == 409
    page = text(response)
    assert "Someone else changed this while you were editing" in page
    assert "Other Person saved version 2" in page
    assert "[removed: park." in page and "[added: library." in page
    entry.refresh_from_db()
    assert entry.summary == "Install chargers at the park."

    # Sent again from the page that showed both, it saves (the person chose theirs).
    again = dict(opened, version=2)
    assert coordinator_client.post(url, again).status_code == 302
    entry.refresh_from_db()
    assert entry.summary == "Install chargers at the library." and entry.version == 3


def test_move_buttons_reorder_entries_without_javascript(coordinator_client):
    area = make_focus_area()
    first = make_entry(focus_area=area, title="Alpha policy")
    second = make_entry(focus_area=area, title="Beta policy")
    url = reverse("plans:entry-move", args=[area.slug, second.slug])

    response = coordinator_client.post(url, {"direction": "up", "next": area.get_absolute_url()})

    assert response["Location"] == area.get_absolute_url()
    page = text(coordinator_client.get(area.get_absolute_url()))
    assert "“Beta policy” moved up." in page
    assert page.index("Beta policy") < page.index("Alpha policy", page.index("Beta policy") - 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.order < first.order


def test_retiring_from_the_site_takes_an_entry_out_of_the_lists(coordinator_client):
    entry = make_entry(title="Old idea")
    url = reverse("plans:entry-retire", args=[entry.focus_area.slug, entry.slug])

    coordinator_client.post(url)

    visitor = Client()
    assert "Old idea" not in text(visitor.get(LIST))
    assert "This entry is retired" in text(visitor.get(entry.get_absolute_url()))


def test_pages_drawn_from_the_cache_change_as_soon_as_the_plan_does(
    client, django_assert_max_num_queries
):
    entry = make_entry(title="Chargers", summary="Install chargers.")
    client.get(LIST)
    client.get(entry.get_absolute_url())
    with django_assert_max_num_queries(2):
        assert "Chargers" in text(client.get(LIST))
    with django_assert_max_num_queries(2):
        client.get(entry.get_absolute_url())

    entry_update(entry=entry, values={"title": "Fast chargers"}, expected_version=1)

    assert "Fast chargers" in text(client.get(LIST))
    assert "Fast chargers" in text(client.get(entry.focus_area.get_absolute_url()))


@pytest.mark.django_db(transaction=True)
def test_a_coordinators_edit_shows_on_the_public_pages_in_the_very_next_request():
    """Cached page parts are keyed by the content generation: a saved edit starts a new one."""
    entry = make_entry(title="Chargers", summary="Install chargers.")
    area = entry.focus_area
    visitor, coordinator = Client(), Client()
    coordinator.force_login(make_coordinator())
    entry_pages = [LIST, area.get_absolute_url(), entry.get_absolute_url()]
    for page in entry_pages:
        assert "Chargers" in text(visitor.get(page))  # drawn, and now cached
    assert area.title in text(visitor.get("/toolkit/"))

    url = reverse("plans:entry-update", args=[area.slug, entry.slug])
    assert coordinator.post(url, form_data(entry, title="Fast chargers")).status_code == 302
    for page in entry_pages:
        assert "Fast chargers" in text(visitor.get(page)), page

    url = reverse("plans:focus-area-update", args=[area.slug])
    data = {"title": "Streets and curbs", "summary": area.summary, "version": area.version}
    assert coordinator.post(url, data).status_code == 302
    assert "Streets and curbs" in text(visitor.get("/toolkit/"))
    assert "Streets and curbs" in text(visitor.get(entry.get_absolute_url()))


@pytest.mark.parametrize("page", ["entry", "focus area"])
def test_the_history_pages_compare_form_sends_to_the_page_itself(client, page):
    """An empty action="" is invalid HTML (the Nu checker says so): the form names its page."""
    entry = make_entry()
    if page == "entry":
        url = reverse("plans:entry-history", args=[entry.focus_area.slug, entry.slug])
    else:
        url = reverse("plans:focus-area-history", args=[entry.focus_area.slug])
    html = client.get(url, {"to": 1}).content.decode()
    assert 'action=""' not in html
    assert f'<form method="get" action="{url}" class="plans-compare-form">' in html


def test_an_unsafe_next_address_is_ignored(coordinator_client):
    entry = make_entry()
    url = reverse("plans:entry-retire", args=[entry.focus_area.slug, entry.slug])
    response = coordinator_client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == entry.focus_area.get_absolute_url()


@pytest.mark.parametrize("action", ["entry-retire", "entry-restore", "entry-move", "area-move"])
@pytest.mark.parametrize("value", ["0", "foo", "//example.org", "javascript:alert(1)", None])
def test_a_button_with_a_bad_next_value_goes_back_to_its_own_page(
    coordinator_client, action, value
):
    entry = make_entry()
    if action == "area-move":
        url = reverse("plans:focus-area-move", args=[entry.focus_area.slug])
        default = reverse("plans:toolkit-home")
    else:
        url = reverse(f"plans:{action}", args=[entry.focus_area.slug, entry.slug])
        default = entry.focus_area.get_absolute_url()
    data = {"direction": "up"} if value is None else {"direction": "up", "next": value}

    response = coordinator_client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == default


def test_the_toolkit_pages_speak_spanish(client, toolkit):
    page = text(client.get("/es" + LIST, {"tag": "hovercraft"}))
    assert "Explorar el kit de herramientas" in page
    assert "Ninguna entrada tiene la etiqueta “hovercraft”." in page


@pytest.mark.parametrize(
    "page", ["home", "list", "search", "focus area", "entry", "history", "edit", "new"]
)
def test_toolkit_pages_have_no_inline_script_or_style(coordinator_client, page):
    entry = make_entry(title="Chargers", body="**Bold** <span style='color:red'>x</span>")
    entry_update(entry=entry, values={"summary": "New."}, expected_version=1)
    area = entry.focus_area.slug
    url = {
        "home": "/toolkit/",
        "list": LIST,
        "search": LIST + "?q=chargers",
        "focus area": f"/toolkit/{area}/",
        "entry": f"/toolkit/{area}/{entry.slug}/",
        "history": f"/toolkit/{area}/{entry.slug}/history/",
        "edit": f"/toolkit/{area}/{entry.slug}/edit/",
        "new": "/toolkit/entries/new/",
    }[page]
    html = coordinator_client.get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r"<[a-z][^<>]*\sstyle=", html)  # (the edit form shows it as text)


# --- Query counts ----------------------------------------------------------------------------


def _grow_entries(area, base: list[Entry]):
    """A `grow(factor)` that copies the starting entries until there are `factor` times as many."""

    def grow(factor):
        plan = area.plan
        have = Entry.objects.filter(plan=plan).count()
        wanted = factor * len(base)
        copies = [
            Entry(
                plan=plan,
                focus_area=area,
                kind=base[n % len(base)].kind,
                title=f"{base[n % len(base)].title} {n}",
                slug=f"copy-{n}",
                summary=base[n % len(base)].summary,
                body="Charging stations and transit shelters.",
                order=n,
            )
            for n in range(have, wanted)
        ]
        Entry.objects.bulk_create(copies)
        values = list(CoreValue.objects.all())
        through = Entry.core_values.through
        through.objects.bulk_create(
            [through(entry_id=e.pk, corevalue_id=values[e.pk % 5].pk) for e in copies]
        )
        tag = base[0].tags.first()
        TaggedEntry.objects.bulk_create([TaggedEntry(content_object=e, tag=tag) for e in copies])
        related = Entry.related.through
        related.objects.bulk_create(
            [related(from_entry_id=base[0].pk, to_entry_id=e.pk) for e in copies]
        )
        # Bulk writes send no signal: say the content changed, so that every load below is
        # drawn afresh and its queries are counted.
        cache.changed()

    return grow


@pytest.fixture
def small_toolkit():
    plan = make_model_plan()
    area = make_focus_area(plan=plan, title="Smart Mobility")
    source = make_source()
    base = [
        make_entry(
            focus_area=area,
            title="Charging at city hall",
            kind=Entry.Kind.PRACTICE,
            values=["mobility"],
            tags=["ev-charging"],
            source=source,
        ),
        make_entry(focus_area=area, title="Transit grants", kind=Entry.Kind.FUNDING),
        make_entry(focus_area=area, title="Curb policy", values=["accessibility"]),
    ]
    base[0].related.add(base[1])
    return area, base


@pytest.mark.parametrize(
    "query", ["", "?q=charging&kind=practice&area=smart-mobility&value=mobility&tag=ev-charging"]
)
def test_the_list_runs_the_same_number_of_queries_whatever_the_number_of_entries(
    client, small_toolkit, query
):
    area, base = small_toolkit
    _grow_entries(area, base)(7)  # 21 entries: more than one page from the start

    def grow(factor):
        _grow_entries(area, base)(7 * factor)

    assert_constant_queries(client, LIST + query, grow)


def _grow_revisions(entry, wanted: int) -> None:
    """Give the entry `wanted` stored versions (written in bulk, as if edited many times)."""
    have = entry.history.count()
    versions = []
    for number in range(have + 1, wanted + 1):
        version = copy.copy(entry)
        version.version, version.summary = number, f"Summary, edit {number}."
        versions.append(version)
    entry_revisions_record(
        versions,
        relations={entry.pk: entry.relations_snapshot()},
        reason=Reason.EDIT,
        user=make_user(),
        created=False,
    )
    Entry.objects.filter(pk=entry.pk).update(version=wanted, summary=f"Summary, edit {wanted}.")
    cache.changed()


def test_the_entry_page_runs_the_same_number_of_queries_whatever_the_data(client, small_toolkit):
    area, base = small_toolkit
    entry = base[0]

    def grow(factor):
        _grow_entries(area, base)(factor)
        _grow_revisions(entry, 2 * factor)

    grow(1)
    assert_constant_queries(client, entry.get_absolute_url(), grow)


@pytest.mark.parametrize("page", ["home", "focus area", "history"])
def test_the_other_toolkit_pages_run_a_constant_number_of_queries(client, small_toolkit, page):
    area, base = small_toolkit
    entry = base[0]
    url = {
        "home": "/toolkit/",
        "focus area": area.get_absolute_url(),
        "history": reverse("plans:entry-history", args=[area.slug, entry.slug]),
    }[page]

    def grow(factor):
        _grow_entries(area, base)(factor)
        _grow_revisions(entry, 2 * factor)

    grow(1)  # two versions to start with, so that the history compares them
    assert_constant_queries(client, url, grow)

"""The toolkit's full-text search: the same corpus and the same answers on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from plans.models import Entry, Status
from plans.search import search_entries, search_index_ensure, search_words
from tests.factories import make_entry, make_focus_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    mobility = make_focus_area(title="Smart Mobility")
    streets = make_focus_area(title="Smart Streetscape")
    return {
        "chargers": make_entry(
            focus_area=mobility,
            title="Electric vehicle chargers at city hall",
            summary="Install public chargers in municipal parking lots.",
            body="Partner with a utility to pay for the charging stations.",
            kind=Entry.Kind.PRACTICE,
        ),
        "grants": make_entry(
            focus_area=mobility,
            title="Transit grants for bus shelters",
            summary="Apply for state money to rebuild bus stops.",
            body="Shelters can carry real-time arrival signs and solar panels for charging phones.",
            kind=Entry.Kind.FUNDING,
        ),
        "lights": make_entry(
            focus_area=streets,
            title="Smart streetlights",
            summary="Replace old lamps with connected LED fixtures.",
            body="LED lights cut energy bills; poles can later carry sensors.",
        ),
        "privacy": make_entry(
            focus_area=streets,
            title="Privacy rules for sensors",
            summary="Say what data sensors collect, and why.",
            body="Publish a list of every sensor on city poles.",
        ),
    }


def slugs(queryset):
    return [entry.slug for entry in queryset]


def test_every_word_must_appear_somewhere_in_title_summary_or_body(corpus):
    assert slugs(search_entries(Entry.objects.all(), "bus shelters")) == [corpus["grants"].slug]
    assert slugs(search_entries(Entry.objects.all(), "bus lamps")) == []


def test_words_match_their_other_forms(corpus):
    # "charging" finds "chargers" and "charging"; "light" finds "lights".
    found = set(slugs(search_entries(Entry.objects.all(), "charging")))
    assert found == {corpus["chargers"].slug, corpus["grants"].slug}
    assert slugs(search_entries(Entry.objects.all(), "light")) == [corpus["lights"].slug]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body(corpus):
    # Both mention charging; the chargers entry has it in its title.
    ranked = slugs(search_entries(Entry.objects.all(), "charging"))
    assert ranked == [corpus["chargers"].slug, corpus["grants"].slug]


def test_case_punctuation_and_common_words_do_not_matter(corpus):
    ranked = slugs(search_entries(Entry.objects.all(), "The SENSORS, and   the poles!"))
    # Privacy has "sensors" in its title; the streetlights only in their body.
    assert ranked == [corpus["privacy"].slug, corpus["lights"].slug]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "AND",
        "bus OR",
        "-lamps",
        "sensor*",
        "NEAR(a b)",
        "title:bus",
        "'; DROP TABLE x; --",
        "(((",
    ],
)
def test_search_syntax_typed_by_a_visitor_is_just_words(corpus, text):
    # No error whatever is typed; operators are treated as plain words.
    list(search_entries(Entry.objects.all(), text))


def test_a_query_of_only_common_words_or_punctuation_finds_nothing(corpus):
    assert search_words("the and of!?") == []
    assert not search_entries(Entry.objects.all(), "the and of").exists()


def test_search_combines_with_filters(corpus):
    funding = Entry.objects.filter(kind=Entry.Kind.FUNDING)
    assert slugs(search_entries(funding, "charging")) == [corpus["grants"].slug]


def test_the_index_follows_edits_and_deletions(corpus):
    lights = corpus["lights"]
    lights.title = "Connected lamp posts"
    lights.body = "Fixtures report outages."
    lights.save()
    assert slugs(search_entries(Entry.objects.all(), "outages")) == [lights.slug]
    assert slugs(search_entries(Entry.objects.all(), "streetlights")) == []

    Entry.objects.filter(pk=lights.pk).update(summary="Now mentions drones.")
    assert slugs(search_entries(Entry.objects.all(), "drones")) == [lights.slug]

    corpus["privacy"].delete()
    assert slugs(search_entries(Entry.objects.all(), "privacy")) == []


def test_retired_entries_can_be_left_out_by_the_caller(corpus):
    Entry.objects.filter(pk=corpus["lights"].pk).update(status=Status.RETIRED)
    assert slugs(search_entries(Entry.objects.active(), "poles")) == [corpus["privacy"].slug]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_sqlite_search_triggers_come_back_after_a_table_rebuild(corpus):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER plans_entry_fts_insert")
        cursor.execute("DROP TRIGGER plans_entry_fts_update")
    make_entry(focus_area=corpus["lights"].focus_area, title="Drone docking pilot")
    assert slugs(search_entries(Entry.objects.all(), "drone")) == []

    assert search_index_ensure(connection) is True

    assert slugs(search_entries(Entry.objects.all(), "drone")) == ["drone-docking-pilot"]
    assert search_index_ensure(connection) is False

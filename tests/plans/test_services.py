"""Changing the model plan: every change is a revision, and nothing is lost or overwritten."""

import pytest
from django.core.exceptions import ValidationError

from plans.models import Entry, FocusArea, Plan, Source, Status
from plans.revisions import Reason, revisions_compare
from plans.services import (
    StaleEditError,
    entry_create,
    entry_move,
    entry_restore,
    entry_retire,
    entry_update,
    focus_area_create,
    focus_area_move,
    focus_area_retire,
    focus_area_update,
)
from tests.factories import (
    make_city,
    make_coordinator,
    make_entry,
    make_focus_area,
    make_model_plan,
    make_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return make_coordinator(name="Kate Coordinator")


def new_entry_values(focus_area, **extra):
    return {
        "title": "Curb management pilot",
        "slug": "",
        "kind": Entry.Kind.PRACTICE,
        "focus_area": focus_area,
        "summary": "Test loading zones that change by the hour.",
        "body": "Start with **one block**.",
        "core_values": ["mobility"],
        "tags": ["curbs", "pilots"],
        **extra,
    }


def test_adding_an_entry_stores_its_first_revision_with_who_and_what(coordinator):
    area = make_focus_area()
    source = make_source(title="SmartLA 2028")

    entry = entry_create(
        plan=area.plan, values=new_entry_values(area, source=source), by=coordinator
    )

    assert entry.slug == "curb-management-pilot"
    assert entry.version == 1
    revision = entry.history.get()
    assert revision.history_user == coordinator
    assert revision.history_change_reason == Reason.CREATE
    assert revision.relations["tags"] == ["curbs", "pilots"]
    assert revision.relations["core_values"] == ["mobility"]
    assert sorted(entry.tags.names()) == ["curbs", "pilots"]


def test_a_new_entry_goes_to_the_end_of_its_focus_area(coordinator):
    area = make_focus_area()
    make_entry(focus_area=area, order=7)
    entry = entry_create(plan=area.plan, values=new_entry_values(area), by=coordinator)
    assert entry.order == 8


def test_a_duplicate_slug_is_refused_and_nothing_is_saved(coordinator):
    area = make_focus_area()
    make_entry(focus_area=area, title="Curb management pilot")

    with pytest.raises(ValidationError) as error:
        entry_create(plan=area.plan, values=new_entry_values(area), by=coordinator)

    assert "slug" in error.value.message_dict
    assert Entry.objects.count() == 1


def test_editing_records_a_revision_and_the_diff_shows_the_words_changed(coordinator):
    entry = make_entry(title="Chargers at city hall", summary="Install chargers.")

    entry_update(
        entry=entry,
        values={"title": "Chargers at the library", "tags": ["ev-charging"]},
        expected_version=1,
        by=coordinator,
    )

    entry.refresh_from_db()
    assert entry.version == 2
    older, newer = entry.history.order_by("version")
    assert newer.history_user == coordinator
    assert newer.history_change_reason == Reason.EDIT
    changes = {change.label: change for change in revisions_compare(older, newer)}
    assert set(changes) == {"Title", "Tags"}
    assert "city hall" in changes["Title"].diff and "the library" in changes["Title"].diff
    assert changes["Tags"].after == "ev-charging"


def test_a_stale_edit_is_refused_and_the_other_change_is_kept(coordinator):
    entry = make_entry(title="Original title")
    entry_update(entry=entry, values={"title": "First editor's title"}, expected_version=1)

    with pytest.raises(StaleEditError) as error:
        entry_update(
            entry=entry,
            values={"title": "Second editor's title"},
            expected_version=1,
            by=coordinator,
        )

    assert error.value.current.title == "First editor's title"
    entry.refresh_from_db()
    assert entry.title == "First editor's title"
    assert entry.history.count() == 2


def test_every_change_bumps_the_plans_revision_marker(coordinator):
    plan = make_model_plan()
    area = make_focus_area(plan=plan)
    entry = make_entry(focus_area=area)
    before = Plan.objects.get(pk=plan.pk).revision

    entry_update(entry=entry, values={"summary": "New."}, expected_version=1, by=coordinator)
    entry_retire(entry=entry, by=coordinator)

    assert Plan.objects.get(pk=plan.pk).revision == before + 2


def test_retiring_and_restoring_are_revisions(coordinator):
    entry = make_entry()

    entry_retire(entry=entry, by=coordinator)
    entry_retire(entry=entry, by=coordinator)  # already retired: nothing more happens
    entry.refresh_from_db()
    assert entry.status == Status.RETIRED
    entry_restore(entry=entry, by=coordinator)

    reasons = list(
        entry.history.order_by("version").values_list("history_change_reason", flat=True)
    )
    assert reasons[1:] == [Reason.RETIRE, Reason.RESTORE]


def test_moving_swaps_an_entry_with_its_neighbour_of_the_same_kind(coordinator):
    area = make_focus_area()
    first = make_entry(focus_area=area, title="First policy")
    practice = make_entry(focus_area=area, title="A practice", kind=Entry.Kind.PRACTICE)
    second = make_entry(focus_area=area, title="Second policy")

    assert entry_move(entry=second, direction="up", by=coordinator) is True

    ordered = list(area.entries.filter(kind=Entry.Kind.POLICY).order_by("order"))
    assert ordered == [second, first]
    practice.refresh_from_db()
    assert practice.version == 1  # untouched
    assert entry_move(entry=second, direction="up", by=coordinator) is False


def test_moving_an_entry_to_another_focus_area_puts_it_last_there(coordinator):
    entry = make_entry()
    other = make_focus_area(plan=entry.plan)
    make_entry(focus_area=other, order=4)

    entry_update(entry=entry, values={"focus_area": other}, expected_version=1, by=coordinator)

    entry.refresh_from_db()
    assert (entry.focus_area, entry.order) == (other, 5)


def test_an_entry_may_not_sit_in_another_plans_focus_area(coordinator):
    entry = make_entry()
    adaptation = Plan.objects.create(kind=Plan.Kind.ADAPTATION, city=make_city(), title="Ours")
    entry.focus_area = make_focus_area(plan=adaptation)
    with pytest.raises(ValidationError, match="same plan"):
        entry.full_clean()


def test_focus_areas_are_added_edited_moved_and_retired_with_revisions(coordinator):
    plan = make_model_plan()
    first = focus_area_create(plan=plan, values={"title": "Data", "slug": ""}, by=coordinator)
    second = focus_area_create(plan=plan, values={"title": "Streets", "slug": ""}, by=coordinator)

    focus_area_update(
        focus_area=second, values={"summary": "Poles."}, expected_version=1, by=coordinator
    )
    focus_area_move(focus_area=second, direction="up", by=coordinator)
    focus_area_retire(focus_area=first, by=coordinator)

    assert list(FocusArea.objects.filter(plan=plan).active()) == [second]
    assert second.history.count() == 3
    assert first.history.first().history_change_reason == Reason.RETIRE


def test_a_reserved_word_cannot_be_a_slug(coordinator):
    plan = make_model_plan()
    with pytest.raises(ValidationError):
        focus_area_create(plan=plan, values={"title": "Entries", "slug": ""}, by=coordinator)
    assert not Source.objects.exists() and not FocusArea.objects.exists()


def test_a_stale_edit_of_a_focus_area_is_refused(coordinator):
    area = make_focus_area(title="Data")
    focus_area_update(focus_area=area, values={"title": "Data and Privacy"}, expected_version=1)

    with pytest.raises(StaleEditError):
        focus_area_update(
            focus_area=area, values={"title": "Open Data"}, expected_version=1, by=coordinator
        )

    area.refresh_from_db()
    assert area.title == "Data and Privacy"

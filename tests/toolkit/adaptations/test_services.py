"""A city's adaptation: starting it, deciding, progress, what the city changed, and syncing."""

import pytest

from cities import participation
from cities.common.errors import DomainError
from cities.models import City
from plans.adoption import adoption_of
from plans.models import Decision, Entry, FocusArea, ModelUpdateDismissal, Plan, Progress
from plans.revisions import Reason
from plans.services import StaleEditError, entry_create, entry_retire
from tests.factories import make_city, make_membership
from tests.toolkit.adaptations.world import copy_of, decide, model_edit, start
from toolkit.adaptations import services
from toolkit.adaptations.reads import (
    UpdateKind,
    city_changes,
    pending_update_count,
    pending_updates,
    progress_rollup,
)

pytestmark = pytest.mark.django_db


# --- Starting -----------------------------------------------------------------------------------


def test_starting_copies_every_active_model_entry_with_its_origin_and_version(world):
    retired = world.entries[4]
    entry_retire(entry=retired, by=world.coordinator)
    model_edit(world.entries[0], by=world.coordinator, summary="Chargers at lots and libraries.")

    plan = start(world)

    assert (plan.kind, plan.status, plan.city) == (Plan.Kind.ADAPTATION, "draft", world.city)
    copies = Entry.objects.filter(plan=plan).order_by("focus_area__order", "order")
    assert [(c.origin.slug, c.origin_version) for c in copies] == [
        ("ev-charging-expansion", 2),
        ("curb-management-policy", 1),
        ("safe-streets-grants", 1),
        ("smart-poles", 1),
    ]
    assert {c.decision for c in copies} == {Decision.UNDECIDED}
    assert copies[0].summary == "Chargers at lots and libraries."
    areas = FocusArea.objects.filter(plan=plan).order_by("order")
    assert [a.origin for a in areas] == [world.mobility, world.streets]
    revision = copies[0].history.get()
    assert (revision.history_user, revision.history_change_reason) == (world.editor, Reason.ADAPT)


def test_a_city_has_one_adaptation(world):
    plan = start(world)
    with pytest.raises(services.AdaptationExists) as refused:
        start(world, title="A second one")
    assert "already has an adaptation" in refused.value.message
    assert list(Plan.objects.adaptations()) == [plan]


# --- Deciding -----------------------------------------------------------------------------------


def test_adopting_keeps_the_model_text_and_adapting_keeps_the_citys(world):
    plan = start(world)
    ev, curb = copy_of(plan, world.entries[0]), copy_of(plan, world.entries[1])

    decide(ev, by=world.editor, decision=Decision.ADAPTED, summary="Chargers at three lots.")
    decide(curb, by=world.editor, decision=Decision.ADOPTED, summary="Ignored when adopting.")

    ev.refresh_from_db(), curb.refresh_from_db()
    assert (ev.decision, ev.summary) == (Decision.ADAPTED, "Chargers at three lots.")
    assert (curb.decision, curb.summary) == (Decision.ADOPTED, "Price and zone the curb.")
    # Going back to "adopted" puts the model text back: the one the city started from.
    decide(ev, by=world.editor, decision=Decision.ADOPTED)
    ev.refresh_from_db()
    assert ev.summary == "Add public chargers at city lots."
    assert ev.history.count() == 3  # taken, adapted, adopted: each change is a revision


def test_not_applicable_needs_a_reason_and_changes_nothing_without_one(world):
    plan = start(world)
    poles = copy_of(plan, world.entries[3])
    with pytest.raises(DomainError, match="why it does not apply"):
        decide(poles, by=world.editor, decision=Decision.NOT_APPLICABLE, decision_note=" ")
    poles.refresh_from_db()
    assert (poles.decision, poles.version) == (Decision.UNDECIDED, 1)

    decide(poles, by=world.editor, decision=Decision.NOT_APPLICABLE, decision_note="No poles.")
    poles.refresh_from_db()
    assert (poles.decision, poles.decision_note) == (Decision.NOT_APPLICABLE, "No poles.")


def test_a_stale_form_is_refused_and_overwrites_nothing(world):
    plan = start(world)
    ev = copy_of(plan, world.entries[0])
    opened_at = ev.version
    decide(ev, by=world.lead, decision=Decision.ADAPTED, summary="The lead's text.")

    with pytest.raises(StaleEditError) as refused:
        services.adaptation_entry_update(
            entry=ev,
            values={"decision": Decision.ADAPTED, "summary": "The editor's text."},
            expected_version=opened_at,
            by=world.editor,
        )
    assert refused.value.current.summary == "The lead's text."
    ev.refresh_from_db()
    assert ev.summary == "The lead's text."


def test_the_citys_own_entry_has_no_origin(world):
    plan = start(world)
    area = FocusArea.objects.get(plan=plan, origin=world.mobility)
    own = services.adaptation_entry_create(
        plan=plan,
        values={
            "focus_area": area,
            "kind": Entry.Kind.POLICY,
            "title": "Scooter corrals",
            "summary": "Paint corrals at every corner.",
            "body": "",
            "progress": Progress.PLANNED,
        },
        by=world.editor,
    )
    assert (own.decision, own.origin, own.progress) == (Decision.OWN, None, Progress.PLANNED)
    assert own.history.get().history_user == world.editor


def test_bulk_actions_change_several_entries_with_one_revision_each(world):
    plan = start(world)
    ids = [copy_of(plan, e).pk for e in world.entries[:3]]

    changed, skipped = services.adaptation_entries_bulk(
        plan=plan, entry_ids=ids, action="adopted", by=world.editor
    )
    assert (changed, skipped) == (3, 0)
    changed, skipped = services.adaptation_entries_bulk(
        plan=plan, entry_ids=ids[:2], action=Progress.DONE, by=world.editor
    )
    assert (changed, skipped) == (2, 0)
    # Doing it again changes nothing, and says so.
    assert services.adaptation_entries_bulk(
        plan=plan, entry_ids=ids[:2], action=Progress.DONE, by=world.editor
    ) == (0, 2)
    entry = Entry.objects.get(pk=ids[0])
    assert (entry.decision, entry.progress, entry.version) == ("adopted", "done", 3)
    assert entry.history.count() == 3
    with pytest.raises(DomainError, match="why"):
        services.adaptation_entries_bulk(
            plan=plan, entry_ids=ids, action=Decision.NOT_APPLICABLE, reason="", by=world.editor
        )


def test_bulk_actions_never_touch_another_citys_entries(world):
    plan = start(world)
    other = make_city(name="Otherville")
    other_plan = services.adaptation_start(
        city=other,
        values={"title": "Other plan"},
        by=make_membership(city=other, role="lead").user,
    )
    theirs = copy_of(other_plan, world.entries[0])
    changed, skipped = services.adaptation_entries_bulk(
        plan=plan, entry_ids=[theirs.pk], action="adopted", by=world.editor
    )
    assert (changed, skipped) == (0, 1)
    theirs.refresh_from_db()
    assert theirs.decision == Decision.UNDECIDED


# --- Progress -----------------------------------------------------------------------------------


def test_progress_rolls_up_by_focus_area_and_for_the_whole_plan(world):
    plan = start(world)
    ev, curb, grants, poles = (copy_of(plan, e) for e in world.entries[:4])
    decide(ev, by=world.editor, decision=Decision.ADOPTED, progress=Progress.DONE)
    decide(curb, by=world.editor, decision=Decision.ADAPTED, progress=Progress.IN_PROGRESS)
    decide(grants, by=world.editor, decision=Decision.ADOPTED, progress=Progress.PLANNED)
    decide(poles, by=world.editor, decision=Decision.NOT_APPLICABLE, decision_note="No poles.")
    # Undecided and not applicable entries have no progress to roll up, whatever is stored.
    Entry.objects.filter(pk=poles.pk).update(progress=Progress.DONE)

    rollup = progress_rollup(plan)

    whole = rollup.whole
    assert (whole.total, whole.done, whole.in_progress, whole.planned) == (3, 1, 1, 1)
    assert [(s["label"], s["count"], s["percent"]) for s in whole.segments] == [
        ("Done", 1, 33),
        ("In progress", 1, 33),
        ("Planned", 1, 33),
        ("Not started", 0, 0),
    ]
    assert (whole.adopted, whole.adapted, whole.not_applicable, whole.undecided) == (2, 1, 1, 1)
    mobility = rollup.of(FocusArea.objects.get(plan=plan, origin=world.mobility).pk)
    streets = rollup.of(FocusArea.objects.get(plan=plan, origin=world.streets).pk)
    assert (mobility.total, mobility.done, mobility.done_percent) == (3, 1, 33)
    assert (streets.total, streets.done) == (0, 0)


# --- What the city changed ------------------------------------------------------------------------


def test_the_diff_is_against_the_model_text_the_city_started_from(world):
    plan = start(world)
    ev = copy_of(plan, world.entries[0])
    decide(ev, by=world.editor, decision=Decision.ADAPTED, summary="Add public chargers at lots.")
    # The model changes later: the city's diff stays against the version it took.
    model_edit(world.entries[0], by=world.coordinator, summary="Something else entirely.")

    groups = city_changes(plan)

    [(area, items)] = groups
    assert area.origin == world.mobility
    [item] = items
    [change] = item.changes
    assert change.label == "Summary"
    html = str(change.diff)
    assert '<del class="plans-diff__del"><span class="usa-sr-only">[removed:</span>city' in html
    assert "Add public chargers at" in html and "Something else" not in html


# --- Updates from the model plan ------------------------------------------------------------


def test_a_model_change_waits_for_the_city_and_one_click_takes_it_for_an_adopted_entry(world):
    plan = start(world)
    ev = decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    assert pending_update_count(plan) == 0

    model_edit(world.entries[0], by=world.coordinator, summary="Chargers at lots and libraries.")

    assert pending_update_count(plan) == 1
    [update] = pending_updates(plan)
    assert (update.kind, update.copy) == (UpdateKind.CHANGED, ev)
    ev.refresh_from_db()
    assert ev.summary == "Add public chargers at city lots."  # nothing changed by itself

    services.model_update_accept(
        plan=plan, model_entry=world.entries[0], seen_version=2, choice="take-model", by=world.lead
    )
    ev.refresh_from_db()
    assert (ev.summary, ev.origin_version, ev.decision) == (
        "Chargers at lots and libraries.",
        2,
        Decision.ADOPTED,
    )
    assert ev.history.first().history_change_reason == Reason.SYNC
    assert pending_update_count(plan) == 0


def test_accepting_an_update_already_handled_says_so_and_changes_nothing(world):
    plan = start(world)
    model_edit(world.entries[0], by=world.coordinator, summary="New.")
    services.model_update_accept(
        plan=plan, model_entry=world.entries[0], seen_version=2, choice="take-model", by=world.lead
    )
    ev = copy_of(plan, world.entries[0])
    version = ev.version

    with pytest.raises(services.UpdateAlreadyHandled, match="already handled"):
        services.model_update_accept(
            plan=plan,
            model_entry=world.entries[0],
            seen_version=2,
            choice="take-model",
            by=world.editor,
        )
    ev.refresh_from_db()
    assert ev.version == version


def test_an_update_reviewed_after_the_model_changed_again_is_refused(world):
    plan = start(world)
    model_edit(world.entries[0], by=world.coordinator, summary="Second.")
    model_edit(world.entries[0], by=world.coordinator, summary="Third.")
    with pytest.raises(services.UpdateChangedAgain):
        services.model_update_accept(
            plan=plan,
            model_entry=world.entries[0],
            seen_version=2,
            choice="take-model",
            by=world.lead,
        )
    assert copy_of(plan, world.entries[0]).origin_version == 1


def test_an_adapted_entry_keeps_its_text_or_takes_an_edit_on_the_new_base(world):
    plan = start(world)
    curb = decide(
        copy_of(plan, world.entries[1]),
        by=world.editor,
        decision=Decision.ADAPTED,
        body="Map our curb first.",
    )
    model_edit(world.entries[1], by=world.coordinator, body="Map the curb and count it.")
    services.model_update_accept(
        plan=plan, model_entry=world.entries[1], seen_version=2, choice="keep-ours", by=world.lead
    )
    curb.refresh_from_db()
    assert (curb.body, curb.origin_version, curb.decision) == ("Map our curb first.", 2, "adapted")

    model_edit(world.entries[1], by=world.coordinator, body="Map, count and price the curb.")
    services.model_update_accept(
        plan=plan,
        model_entry=world.entries[1],
        seen_version=3,
        choice="edit",
        values={"title": curb.title, "summary": curb.summary, "body": "Map and price our curb."},
        expected_version=curb.version,
        by=world.editor,
    )
    curb.refresh_from_db()
    assert (curb.body, curb.origin_version) == ("Map and price our curb.", 3)


def test_a_dismissed_update_stays_dismissed_until_the_model_changes_again(world):
    plan = start(world)
    model_edit(world.entries[0], by=world.coordinator, summary="Second.")
    services.model_update_dismiss(
        plan=plan, model_entry=world.entries[0], seen_version=2, by=world.editor
    )
    assert pending_update_count(plan) == 0
    assert ModelUpdateDismissal.objects.get().dismissed_by == world.editor
    copy = copy_of(plan, world.entries[0])
    assert (copy.summary, copy.origin_version) == ("Add public chargers at city lots.", 1)
    with pytest.raises(services.UpdateAlreadyHandled):
        services.model_update_dismiss(
            plan=plan, model_entry=world.entries[0], seen_version=2, by=world.editor
        )

    model_edit(world.entries[0], by=world.coordinator, summary="Third.")
    assert pending_update_count(plan) == 1


def test_new_and_retired_model_entries_are_updates_too(world):
    plan = start(world)
    coordinator = world.coordinator
    added = entry_create(
        plan=world.model,
        values={
            "focus_area": world.streets,
            "kind": Entry.Kind.POLICY,
            "title": "Dig once",
            "summary": "Lay conduit whenever a street is dug.",
        },
        by=coordinator,
    )
    entry_retire(entry=world.entries[2], by=coordinator)

    kinds = {(u.kind, u.model_entry.slug) for u in pending_updates(plan)}
    assert kinds == {(UpdateKind.ADDED, "dig-once"), (UpdateKind.RETIRED, "safe-streets-grants")}

    copy = services.model_update_accept(
        plan=plan, model_entry=added, seen_version=1, choice="add", by=world.editor
    )
    assert (copy.decision, copy.origin, copy.focus_area.origin) == (
        Decision.UNDECIDED,
        added,
        world.streets,
    )
    services.model_update_accept(
        plan=plan,
        model_entry=world.entries[2],
        seen_version=2,
        choice="not-applicable",
        values={"decision_note": "The model retired it."},
        by=world.editor,
    )
    assert pending_update_count(plan) == 0
    grants = copy_of(plan, world.entries[2])
    assert (grants.decision, grants.decision_note) == ("not-applicable", "The model retired it.")


# --- Across cities ------------------------------------------------------------------------------


def test_adoption_counts_published_adaptations_only_with_their_cities(world):
    plan = start(world)
    decide(copy_of(plan, world.entries[0]), by=world.editor, decision=Decision.ADOPTED)
    other = make_city(name="Alhambra")
    other_lead = make_membership(city=other, role="lead").user
    other_plan = services.adaptation_start(city=other, values={"title": "A"}, by=other_lead)
    decide(
        copy_of(other_plan, world.entries[0]),
        by=other_lead,
        decision=Decision.NOT_APPLICABLE,
        decision_note="No lots.",
    )
    services.adaptation_publish(plan=other_plan, by=other_lead)

    figures = {a.decision: [c["name"] for c in a.cities] for a in adoption_of(world.entries[0])}
    assert figures == {"adopted": [], "adapted": [], "not-applicable": ["Alhambra"]}

    services.adaptation_publish(plan=plan, by=world.lead)
    figures = {a.decision: a.count for a in adoption_of(world.entries[0])}
    assert figures == {"adopted": 1, "adapted": 0, "not-applicable": 1}


def test_publishing_makes_the_city_reach_the_published_level_and_unpublishing_keeps_everything(
    world,
):
    plan = start(world)
    level = participation.get("published")
    assert (level.label, level.order) == ("Published an adaptation", 40)

    def published() -> bool:
        return City.objects.filter(level.condition(), pk=world.city.pk).exists()

    assert not published()
    assert services.adaptation_publish(plan=plan, by=world.lead)
    assert published()
    first = Plan.objects.get(pk=plan.pk).published_at
    assert services.adaptation_unpublish(plan=plan, by=world.lead)
    assert not published()
    plan.refresh_from_db()
    assert (plan.status, plan.published_at) == ("draft", first)
    assert Entry.objects.filter(plan=plan).count() == 5  # nothing deleted
    assert [h.history_change_reason for h in plan.history.order_by("history_id")] == [
        Reason.ADAPT,
        Reason.PUBLISH,
        Reason.UNPUBLISH,
    ]
    assert not services.adaptation_unpublish(plan=plan, by=world.lead)

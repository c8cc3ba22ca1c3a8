"""The rules of a city's decision about an entry hold on every path that records one.

They are methods of plans.models.Entry; an entry's own form, the bulk decisions and the
review of a model update all call them.
"""

import pytest
from django.core.exceptions import ValidationError

from cities.common.errors import DomainError
from plans.models import Decision, Entry, FocusArea, NotForThisEntry, Progress
from plans.services import entry_retire
from tests.toolkit.adaptations.world import copy_of, decide
from toolkit.adaptations import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(world, plan):
    return services.adaptation_entry_create(
        plan=plan,
        values={
            "focus_area": FocusArea.objects.get(plan=plan, origin=world.mobility),
            "kind": Entry.Kind.POLICY,
            "title": "Scooter corrals",
            "summary": "Paint corrals at every corner.",
        },
        by=world.editor,
    )


def test_the_citys_own_entries_cannot_be_adopted_or_left_out_on_any_path(world, plan, own):
    for decision in (Decision.ADOPTED, Decision.NOT_APPLICABLE, Decision.UNDECIDED):
        with pytest.raises(NotForThisEntry):
            decide(own, by=world.editor, decision=decision, decision_note="No.")
    adopted = services.adaptation_entries_bulk(
        plan=plan, entry_ids=[own.pk], action=Decision.ADOPTED, by=world.editor
    )
    left_out = services.adaptation_entries_bulk(
        plan=plan, entry_ids=[own.pk], action=Decision.NOT_APPLICABLE, reason="No.", by=world.editor
    )
    assert adopted == left_out == (0, 1)
    own.refresh_from_db()
    assert (own.decision, own.version) == (Decision.OWN, 1)


def test_not_applicable_needs_a_reason_on_every_path_and_changes_nothing_without(world, plan):
    ev, curb = copy_of(plan, world.entries[0]), copy_of(plan, world.entries[1])
    with pytest.raises(DomainError) as single:
        decide(ev, by=world.editor, decision=Decision.NOT_APPLICABLE, decision_note="  ")
    assert single.value.message_dict == {
        "decision_note": ["Say in a few words why it does not apply."]
    }
    with pytest.raises(DomainError, match="why it does not apply"):
        services.adaptation_entries_bulk(
            plan=plan, entry_ids=[ev.pk, curb.pk], action=Decision.NOT_APPLICABLE, by=world.editor
        )
    entry_retire(entry=world.entries[1], by=world.coordinator)
    with pytest.raises(DomainError, match="why it does not apply"):
        services.model_update_accept(
            plan=plan,
            model_entry=world.entries[1],
            seen_version=2,
            choice=services.Choice.NOT_APPLICABLE,
            values={"decision_note": ""},
            by=world.editor,
        )
    assert set(Entry.objects.filter(plan=plan).values_list("decision", "version")) == {
        (Decision.UNDECIDED, 1)
    }


def test_adopting_in_bulk_puts_the_model_text_back_like_the_entrys_own_form(world, plan):
    ev = decide(
        copy_of(plan, world.entries[0]),
        by=world.editor,
        decision=Decision.ADAPTED,
        summary="Chargers at three lots.",
    )
    assert services.adaptation_entries_bulk(
        plan=plan, entry_ids=[ev.pk], action=Decision.ADOPTED, by=world.editor
    ) == (1, 0)
    ev.refresh_from_db()
    assert (ev.decision, ev.summary) == (Decision.ADOPTED, "Add public chargers at city lots.")


def test_a_decision_is_validated_before_anything_is_saved(world, plan):
    ev = copy_of(plan, world.entries[0])
    with pytest.raises(ValidationError) as refused:
        decide(ev, by=world.editor, decision=Decision.ADAPTED, title="x" * 201)
    assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        decide(ev, by=world.editor, decision=Decision.ADOPTED, progress="finished")
    assert "progress" in refused.value.message_dict
    with pytest.raises(DomainError, match="Choose what to do"):
        services.adaptation_entries_bulk(
            plan=plan, entry_ids=[ev.pk], action="finished", by=world.editor
        )
    ev.refresh_from_db()
    assert (ev.decision, ev.progress, ev.version) == (Decision.UNDECIDED, Progress.NOT_STARTED, 1)

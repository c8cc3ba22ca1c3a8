"""Two members of a city acting on its adaptation at the same moment, with real threads."""

import pytest

from plans.models import Decision, Entry, Plan
from tests.concurrency import at_once
from tests.toolkit.adaptations.world import copy_of, make_world, model_edit, start
from toolkit.adaptations import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_editors_starting_the_adaptation_at_once_make_one():
    world = make_world()

    def begin(user, title):
        return lambda: services.adaptation_start(city=world.city, values={"title": title}, by=user)

    outcomes = at_once(begin(world.editor, "Editor's plan"), begin(world.lead, "Lead's plan"))

    made = [o for o in outcomes if isinstance(o, Plan)]
    refused = [o for o in outcomes if isinstance(o, services.AdaptationExists)]
    assert (len(made), len(refused)) == (1, 1), outcomes
    [plan] = Plan.objects.adaptations()
    assert Entry.objects.filter(plan=plan).count() == 5


def test_two_members_accepting_the_same_update_at_once_change_the_entry_once():
    world = make_world()
    plan = start(world)
    model_edit(world.entries[0], by=world.coordinator, summary="Chargers at every lot.")

    def accept(user):
        return lambda: services.model_update_accept(
            plan=plan, model_entry=world.entries[0], seen_version=2, choice="take-model", by=user
        )

    outcomes = at_once(accept(world.editor), accept(world.lead))

    accepted = [o for o in outcomes if isinstance(o, Entry)]
    handled = [o for o in outcomes if isinstance(o, services.UpdateAlreadyHandled)]
    assert (len(accepted), len(handled)) == (1, 1), outcomes
    copy = copy_of(plan, world.entries[0])
    assert (copy.summary, copy.origin_version, copy.version) == ("Chargers at every lot.", 2, 2)
    assert copy.decision == Decision.UNDECIDED

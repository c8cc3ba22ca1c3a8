"""Two members of a city acting on its adaptation at the same moment, with real threads."""

import threading

import pytest
from django.db import connection

from plans import adaptation_services as services
from plans.models import Decision, Entry, Plan
from tests.plans.adaptation_world import copy_of, make_world, model_edit, start

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*actions):
    """Run the actions in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


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

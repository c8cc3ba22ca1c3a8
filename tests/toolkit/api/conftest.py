import pytest

from tests.factories import make_membership, make_registration, make_round_table
from tests.toolkit.adaptations.world import copy_of, decide, make_world, start
from toolkit.adaptations import services


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published(db):
    """A model plan, a city with a published adaptation (one entry adapted, one done), and a
    second city with a draft; a round table with a registrant and an online link."""
    world = make_world()
    plan = start(world)
    adapted = copy_of(plan, world.entries[0])
    decide(
        adapted,
        by=world.editor,
        decision="adapted",
        title="EV charging at Testville lots",
        summary=adapted.summary,
        body=adapted.body,
    )
    decide(copy_of(plan, world.entries[1]), by=world.editor, decision="adopted", progress="done")
    services.adaptation_publish(plan=plan, by=world.lead)
    draft_world_city = make_membership(role="editor").city
    services.adaptation_start(
        city=draft_world_city,
        values={"title": "Secret draft plan", "summary": "Not yet.", "vision": ""},
        by=draft_world_city.memberships.first().user,
    )
    round_table = make_round_table(
        title="Westside round table", online_url="https://meet.example.org/secret-room"
    )
    make_registration(round_table=round_table)
    world.plan = plan
    world.draft_city = draft_world_city
    world.round_table = round_table
    return world

import pytest
from django.core.management import call_command

from plans.models import Decision, Entry, Plan
from toolkit.adaptations.reads import progress_rollup

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_west_hollywood_adaptation_once(seeded, settings, client):
    settings.DEBUG = True
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)

    [plan] = Plan.objects.adaptations()
    assert (plan.city.slug, plan.status) == ("west-hollywood", Plan.Status.PUBLISHED)
    entries = Entry.objects.filter(plan=plan)
    assert entries.filter(decision=Decision.ADAPTED).count() == 2
    assert entries.filter(decision=Decision.NOT_APPLICABLE).count() == 2
    assert entries.filter(decision=Decision.OWN).count() == 1
    whole = progress_rollup(plan).whole
    assert (whole.total, whole.done) == (14, 5)  # 13 adopted or adapted, and its own one
    settings.DEBUG = False
    assert client.get("/adaptations/west-hollywood/").status_code == 200
    assert client.get("/adaptations/west-hollywood/changes/").status_code == 200

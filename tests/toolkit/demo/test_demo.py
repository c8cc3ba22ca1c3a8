import pytest
from django.core.management import CommandError, call_command

from cities.models import City, Membership
from roundtables.models import RoundTable
from toolkit.grant import metrics
from toolkit.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_role_a_sign_in_and_loads_once(seeded, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo_data")
    output = capsys.readouterr().out
    call_command("load_demo_data")

    assert "coordinator@demo.example" in output
    assert "Password for all of them" in output
    assert User.objects.filter(groups__name="Coordinators").count() == 1
    assert User.objects.filter(groups__name="Grant staff").count() == 1
    west_hollywood = City.objects.get(slug="west-hollywood")
    assert west_hollywood.memberships.filter(role=Membership.Role.LEAD).count() == 1
    assert RoundTable.objects.count() == 2
    assert metrics.round_tables_held() == 1


def test_the_demo_refuses_to_load_its_shared_password_with_debug_off(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing"):
        call_command("load_demo_data")
    assert User.objects.count() == 0

import pytest
from django.template import Context, Template

from cities import participation, permissions
from cities.models import City, Membership
from tests.factories import make_coordinator, make_grant_staff, make_membership, make_user

pytestmark = pytest.mark.django_db

Role, Status = Membership.Role, Membership.Status


def test_rights_come_only_from_an_approved_membership_of_that_city(city, other_city):
    lead = make_membership(city=city, role=Role.LEAD).user
    assert permissions.can_manage_members(lead, city)
    assert permissions.can_edit_profile(lead, city)
    assert not permissions.can_manage_members(lead, other_city)
    assert not permissions.can_edit_profile(lead, other_city)
    assert not permissions.can_edit_domains(lead)


@pytest.mark.parametrize(
    ("role", "status", "manage", "edit", "staff"),
    [
        (Role.LEAD, Status.APPROVED, True, True, True),
        (Role.EDITOR, Status.APPROVED, False, True, True),
        (Role.STAFF, Status.APPROVED, False, False, True),
        (Role.LEAD, Status.PENDING, False, False, False),
        (Role.LEAD, Status.DECLINED, False, False, False),
        (Role.LEAD, Status.REMOVED, False, False, False),
    ],
)
def test_what_each_role_and_status_may_do(city, role, status, manage, edit, staff):
    user = make_membership(city=city, role=role, status=status).user
    assert permissions.can_manage_members(user, city) is manage
    assert permissions.can_edit_profile(user, city) is edit
    assert permissions.is_city_staff(user, city) is staff


def test_coordinators_act_on_every_city_and_grant_staff_on_none(city):
    coordinator, grant_staff = make_coordinator(), make_grant_staff()
    assert permissions.is_coordinator(coordinator)
    assert permissions.can_manage_members(coordinator, city)
    assert permissions.can_edit_domains(coordinator)
    assert not permissions.is_coordinator(grant_staff)
    assert not permissions.can_manage_members(grant_staff, city)
    assert not permissions.can_edit_profile(grant_staff, city)


def test_an_inactive_account_has_no_rights(city):
    lead = make_membership(city=city, role=Role.LEAD).user
    lead.is_active = False
    assert not permissions.can_manage_members(lead, city)


def test_roles_are_read_in_one_query_per_person(city, other_city, django_assert_num_queries):
    person = make_user()
    make_membership(user=person, city=city, role=Role.LEAD)
    make_membership(user=person, city=other_city, role=Role.STAFF)
    with django_assert_num_queries(1):
        assert permissions.is_city_lead(person, city)
        assert permissions.is_city_staff(person, other_city)
        assert not permissions.is_city_editor(person, other_city)
        assert permissions.city_ids(person) == {city.pk, other_city.pk}


def test_templates_ask_the_same_questions(city):
    editor = make_membership(city=city, role=Role.EDITOR).user
    template = Template(
        "{% load city_permissions %}"
        "{% if user|can_edit_profile:city %}edit{% endif %}"
        "{% if user|can_manage_members:city %}manage{% endif %}"
        "{% if user|can_edit_domains %}domains{% endif %}"
    )
    assert template.render(Context({"user": editor, "city": city})) == "edit"
    coordinator = make_coordinator()
    assert template.render(Context({"user": coordinator, "city": city})) == "editmanagedomains"


def test_the_deepest_level_reached_is_the_state(city, other_city):
    make_membership(city=city)
    cities = {c.pk: c for c in participation.annotate(City.objects.all())}
    assert participation.state(cities[city.pk]).key == "registered"
    assert participation.state(cities[other_city.pk]) is None
    registered = City.objects.all()
    registered = participation.annotate(registered).filter(participation.in_state("registered"))
    assert list(registered) == [city]
    assert participation.state_choices()[0] == (participation.NOT_REGISTERED, "Not registered")
    with pytest.raises(ValueError, match="No participation level 'nonsense'"):
        participation.in_state("nonsense")


def test_the_registration_summary_counts_cities_in_one_query(city, other_city):
    make_membership(city=city)
    make_membership(city=city)
    assert City.objects.registration_summary() == {"total": 2, "registered": 1}

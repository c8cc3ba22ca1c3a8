"""Two people acting on the same city at the same moment, with real threads and transactions."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from cities import services
from cities.models import Membership
from tests.concurrency import at_once
from tests.factories import make_membership, make_user

pytestmark = pytest.mark.django_db(transaction=True)

Role, Status = Membership.Role, Membership.Status


def ask(user, city):
    return lambda: services.membership_request(
        user=user, city=city, job_title="Analyst", department="IT"
    )


def test_two_people_on_the_domain_joining_at_once_make_exactly_one_lead(city):
    first, second = make_user(email="a@weho.example"), make_user(email="b@weho.example")

    outcomes = at_once(ask(first, city), ask(second, city))

    assert all(isinstance(outcome, Membership) for outcome in outcomes), outcomes
    roles = sorted(Membership.objects.approved().values_list("role", flat=True))
    assert roles == [Role.LEAD, Role.STAFF]


def test_two_leads_demoting_each_other_at_once_leave_the_city_one_lead(city):
    first = make_membership(city=city, role=Role.LEAD)
    second = make_membership(city=city, role=Role.LEAD)

    outcomes = at_once(
        lambda: services.membership_set_role(membership=second, role=Role.STAFF, by=first.user),
        lambda: services.membership_set_role(membership=first, role=Role.STAFF, by=second.user),
    )

    assert sum(isinstance(outcome, ValidationError) for outcome in outcomes) == 1, outcomes
    assert Membership.objects.leads().filter(city=city).count() == 1


def test_a_lead_and_a_coordinator_deciding_the_same_request_at_once_decide_it_once(city):
    lead = make_membership(city=city, role=Role.LEAD).user
    # The coordinators' group comes from a data migration, which the flushes between
    # transactional tests remove; the permission itself is what makes a coordinator.
    coordinator = make_user()
    coordinator.user_permissions.add(
        Permission.objects.get(content_type__app_label="cities", codename="decide_any_membership")
    )
    request = make_membership(city=city, user=make_user(), status=Status.PENDING)

    outcomes = at_once(
        lambda: services.membership_approve(membership=request, by=lead),
        lambda: services.membership_decline(membership=request, by=coordinator),
    )

    assert sum(isinstance(outcome, ValidationError) for outcome in outcomes) == 1, outcomes
    assert request.history.count() == 2  # created, then decided exactly once

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cities import hooks, services
from cities.common.errors import DomainError
from cities.models import CityEmailDomain, Membership
from tests.factories import make_coordinator, make_membership, make_user

pytestmark = pytest.mark.django_db

Role, Status = Membership.Role, Membership.Status


def ask(user, city, **kwargs):
    return services.membership_request(
        user=user, city=city, job_title="Analyst", department="IT", **kwargs
    )


def lead_of(city, **kwargs):
    return make_membership(city=city, role=Role.LEAD, **kwargs).user


# --- Asking to join -------------------------------------------------------------------------


def test_the_first_person_on_the_citys_domain_joins_at_once_as_lead(city, on_commit):
    person = make_user(email="ana@weho.example", name="Ana Rivera")

    membership = on_commit(ask, person, city, language="es")

    assert (membership.status, membership.role) == (Status.APPROVED, Role.LEAD)
    assert membership.decided_at is not None and membership.decided_by is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@weho.example"]
    # Written in the language the person used when asking.
    assert "Ahora usted es responsable de West Hollywood" in mail.outbox[0].subject


def test_the_next_person_on_the_domain_joins_as_staff(city):
    ask(make_user(email="first@weho.example"), city)
    second = ask(make_user(email="second@WEHO.example"), city)
    assert (second.status, second.role) == (Status.APPROVED, Role.STAFF)


def test_an_outside_address_waits_and_the_leads_are_told(city, on_commit):
    lead = lead_of(city)
    person = make_user(email="consultant@example.org", name="Sam Consultant")

    membership = on_commit(ask, person, city)

    assert membership.status == Status.PENDING
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "Sam Consultant asks to join West Hollywood" in mail.outbox[0].subject
    assert "Job title: Analyst. Department: IT." in mail.outbox[0].body


def test_a_request_for_a_city_without_lead_goes_to_the_coordinators(city, on_commit):
    coordinator = make_coordinator()
    on_commit(ask, make_user(email="someone@example.org"), city)
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "has no lead yet" in mail.outbox[0].body


def test_a_subdomain_or_lookalike_domain_does_not_approve_anyone(city):
    for address in ["x@it.weho.example", "x@weho.example.evil.org", "x@notweho.example"]:
        assert ask(make_user(email=address), city).status == Status.PENDING


def test_a_removed_domain_no_longer_approves_anyone(city):
    domain = city.email_domains.get()
    services.domain_remove(domain=domain, by=make_coordinator())
    assert ask(make_user(email="late@weho.example"), city).status == Status.PENDING


def test_an_unverified_address_cannot_ask(city):
    person = make_user(email="ana@weho.example", verified=False)
    with pytest.raises(DomainError, match="Confirm your email address"):
        ask(person, city)
    assert not Membership.objects.exists()


def test_asking_twice_is_refused_and_changes_nothing(city):
    person = make_user(email="sam@example.org")
    ask(person, city)
    with pytest.raises(DomainError, match="already asked to join West Hollywood"):
        ask(person, city)
    assert Membership.objects.count() == 1


def test_asking_to_join_a_city_you_belong_to_is_refused(city):
    member = make_membership(city=city).user
    with pytest.raises(DomainError, match="already a member of West Hollywood"):
        ask(member, city)
    assert Membership.objects.count() == 1


def test_a_person_may_belong_to_several_cities(city, other_city):
    consultant = make_user(email="consultant@example.org")
    make_membership(user=consultant, city=city)
    assert ask(consultant, other_city).status == Status.PENDING


def test_after_a_decline_the_person_may_ask_again(city):
    person = make_user()
    first = ask(person, city)
    services.membership_decline(membership=first, by=make_coordinator())
    assert ask(person, city).status == Status.PENDING


def test_a_removed_member_on_the_citys_domain_waits_and_never_becomes_lead_by_asking(
    city, on_commit
):
    coordinator = make_coordinator()
    removed = make_membership(user=make_user(email="ex@weho.example"), city=city, role=Role.LEAD)
    services.membership_remove(membership=removed, by=coordinator)
    mail.outbox.clear()

    again = on_commit(ask, removed.user, city)

    # The city has no lead now; the domain alone must not hand the city back to them.
    assert (again.status, again.role) == (Status.PENDING, Role.STAFF)
    assert not Membership.objects.leads().filter(city=city).exists()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "They were a member of West Hollywood before" in mail.outbox[0].body


def test_someone_who_left_or_was_declined_waits_even_on_the_citys_domain(city):
    lead = lead_of(city)
    left = make_membership(user=make_user(email="left@weho.example"), city=city)
    services.membership_leave(membership=left, user=left.user)
    declined = make_membership(
        user=make_user(email="declined@weho.example"), city=city, status=Status.PENDING
    )
    services.membership_decline(membership=declined, by=lead)

    assert ask(left.user, city).status == Status.PENDING
    assert ask(declined.user, city).status == Status.PENDING
    # A newcomer on the domain still joins at once.
    assert ask(make_user(email="new@weho.example"), city).status == Status.APPROVED


# --- Deciding -------------------------------------------------------------------------------


def test_a_lead_approves_a_request_and_the_decision_is_recorded_and_mailed(city, on_commit):
    lead = lead_of(city)
    request = ask(make_user(name="Sam Rivera"), city)

    approved = on_commit(
        services.membership_approve, membership=request, by=lead, message="Welcome aboard!"
    )

    assert (approved.status, approved.role) == (Status.APPROVED, Role.STAFF)
    assert approved.decided_by == lead and approved.decided_at is not None
    assert approved.history.first().history_user == lead
    assert len(mail.outbox) == 1
    assert "approved your membership of West Hollywood" in mail.outbox[0].body
    assert "Welcome aboard!" in mail.outbox[0].body


def test_the_first_member_a_coordinator_approves_becomes_lead(city):
    request = ask(make_user(email="someone@example.org"), city)
    approved = services.membership_approve(membership=request, by=make_coordinator())
    assert approved.role == Role.LEAD


def test_a_decline_records_who_and_when_and_mails_the_message(city, on_commit):
    lead = lead_of(city)
    request = ask(make_user(), city)

    declined = on_commit(
        services.membership_decline, membership=request, by=lead, message="Please use work mail."
    )

    assert declined.status == Status.DECLINED
    assert declined.decided_by == lead
    assert "declined your request to join West Hollywood" in mail.outbox[0].body
    assert "Please use work mail." in mail.outbox[0].body


def test_a_request_cannot_be_decided_twice(city):
    lead = lead_of(city)
    request = ask(make_user(), city)
    services.membership_decline(membership=request, by=lead)
    with pytest.raises(DomainError, match="already decided"):
        services.membership_approve(membership=request, by=lead)
    request.refresh_from_db()
    assert request.status == Status.DECLINED


def test_a_lead_of_another_city_cannot_decide(city, other_city):
    request = ask(make_user(), city)
    with pytest.raises(DomainError, match="no longer manage"):
        services.membership_approve(membership=request, by=lead_of(other_city))
    request.refresh_from_db()
    assert request.status == Status.PENDING


# --- Roles and removal ----------------------------------------------------------------------


def test_a_lead_makes_staff_editor_and_the_person_is_told(city, on_commit):
    lead = lead_of(city)
    staff = make_membership(city=city)

    changed = on_commit(services.membership_set_role, membership=staff, role=Role.EDITOR, by=lead)

    assert changed.role == Role.EDITOR
    assert "from Staff to Editor" in mail.outbox[0].body


def test_a_role_change_is_written_wholly_in_the_persons_language(city, on_commit):
    lead = lead_of(city)
    staff = make_membership(city=city)
    Membership.objects.filter(pk=staff.pk).update(language="es")
    staff.refresh_from_db()

    on_commit(services.membership_set_role, membership=staff, role=Role.EDITOR, by=lead)

    assert "de Personal a Editor" in mail.outbox[0].body


def test_the_last_lead_cannot_be_demoted(city):
    lead = make_membership(city=city, role=Role.LEAD)
    with pytest.raises(DomainError, match="only lead of West Hollywood"):
        services.membership_set_role(membership=lead, role=Role.STAFF, by=make_coordinator())
    lead.refresh_from_db()
    assert lead.role == Role.LEAD


def test_a_lead_can_step_down_once_another_lead_exists(city):
    first = make_membership(city=city, role=Role.LEAD)
    second = make_membership(city=city, role=Role.STAFF)
    services.membership_set_role(membership=second, role=Role.LEAD, by=first.user)
    services.membership_set_role(membership=first, role=Role.EDITOR, by=first.user)
    first.refresh_from_db()
    assert first.role == Role.EDITOR


def test_giving_someone_the_role_they_have_changes_nothing(city):
    lead = lead_of(city)
    editor = make_membership(city=city, role=Role.EDITOR)
    with pytest.raises(DomainError, match="already has the role Editor"):
        services.membership_set_role(membership=editor, role=Role.EDITOR, by=lead)


def test_an_unknown_role_is_refused(city):
    staff = make_membership(city=city)
    with pytest.raises(DomainError, match="Choose one of the roles"):
        services.membership_set_role(membership=staff, role="mayor", by=lead_of(city))


def test_a_lead_removes_a_member_who_is_told(city, on_commit):
    lead = lead_of(city)
    staff = make_membership(city=city)

    removed = on_commit(services.membership_remove, membership=staff, by=lead, message="Moved on")

    assert removed.status == Status.REMOVED and removed.decided_by == lead
    assert "removed you from the members of West Hollywood" in mail.outbox[0].body


def test_a_lead_cannot_remove_the_last_lead_but_a_coordinator_can(city):
    lead = make_membership(city=city, role=Role.LEAD)
    with pytest.raises(DomainError, match="only a coordinator"):
        services.membership_remove(membership=lead, by=lead.user)
    removed = services.membership_remove(membership=lead, by=make_coordinator())
    assert removed.status == Status.REMOVED


def test_a_demoted_lead_can_no_longer_manage(city):
    first = make_membership(city=city, role=Role.LEAD)
    second = make_membership(city=city, role=Role.LEAD)
    services.membership_set_role(membership=first, role=Role.STAFF, by=second.user)
    # The first lead's page was still open: their action is refused, nothing changes.
    with pytest.raises(DomainError, match="no longer manage"):
        services.membership_set_role(membership=second, role=Role.STAFF, by=first.user)
    second.refresh_from_db()
    assert second.role == Role.LEAD


@pytest.fixture
def ended():
    """The memberships the cities' hook reported as ended, in order, each with its status
    as the callback (inside the change's transaction) reads it from the database."""
    seen = []

    def callback(*, membership):
        stored = Membership.objects.filter(pk=membership.pk).values_list("status", flat=True)
        seen.append((membership.pk, stored.first()))

    hooks.on_membership_ended(callback)
    yield seen
    hooks.forget(callback)


def test_removing_or_leaving_tells_the_other_apps_but_withdrawing_a_request_does_not(city, ended):
    lead = lead_of(city)
    removed, leaving = make_membership(city=city), make_membership(city=city)
    pending = ask(make_user(), city)

    services.membership_remove(membership=removed, by=lead)
    services.membership_leave(membership=leaving, user=leaving.user)
    services.membership_leave(membership=pending, user=pending.user)

    assert ended == [(removed.pk, Status.REMOVED), (leaving.pk, Status.REMOVED)]


def test_a_hook_that_fails_undoes_the_removal(city):
    lead = lead_of(city)
    staff = make_membership(city=city)

    def refuse(*, membership):
        raise ValidationError("The round tables could not be updated.")

    hooks.on_membership_ended(refuse)
    try:
        with pytest.raises(ValidationError, match="could not be updated"):
            services.membership_remove(membership=staff, by=lead)
    finally:
        hooks.forget(refuse)
    staff.refresh_from_db()
    assert staff.is_approved


def test_leaving_withdraws_a_request_or_ends_a_membership(city):
    pending = ask(make_user(), city)
    staff = make_membership(city=city)
    assert services.membership_leave(membership=pending, user=pending.user).status == "removed"
    assert services.membership_leave(membership=staff, user=staff.user).status == "removed"


def test_the_only_lead_cannot_leave(city):
    lead = make_membership(city=city, role=Role.LEAD)
    with pytest.raises(DomainError, match="You are the only lead"):
        services.membership_leave(membership=lead, user=lead.user)


def test_nobody_leaves_on_someone_elses_behalf(city):
    staff = make_membership(city=city)
    with pytest.raises(DomainError, match="no open membership"):
        services.membership_leave(membership=staff, user=make_user())


# --- Claiming a city -------------------------------------------------------------------------


def test_a_coordinator_claims_a_city_for_someone(city, on_commit):
    person = make_user(email="Clerk@Example.org")
    coordinator = make_coordinator()

    membership = on_commit(
        services.city_claim, city=city, email="clerk@example.org", by=coordinator
    )

    assert (membership.user, membership.role, membership.status) == (person, "lead", "approved")
    assert membership.decided_by == coordinator
    assert "You are now the lead of West Hollywood" in mail.outbox[0].subject


def test_claiming_for_someone_who_asked_approves_their_request(city):
    request = ask(make_user(email="asker@example.org"), city)
    membership = services.city_claim(city=city, email="asker@example.org", by=make_coordinator())
    assert membership.pk == request.pk and membership.is_lead
    assert Membership.objects.count() == 1


def test_claiming_for_an_unknown_address_is_refused(city):
    with pytest.raises(DomainError) as error:
        services.city_claim(city=city, email="nobody@example.org", by=make_coordinator())
    assert "No one has an account" in error.value.message_dict["email"][0]
    assert not Membership.objects.exists()


def test_only_coordinators_claim(city):
    make_user(email="clerk@example.org")
    with pytest.raises(DomainError, match="Only coordinators"):
        services.city_claim(city=city, email="clerk@example.org", by=lead_of(city))


# --- Email domains ---------------------------------------------------------------------------


def test_a_coordinator_adds_a_domain_normalised(city):
    domain = services.domain_add(city=city, domain=" @WeHo.ORG. ", by=make_coordinator())
    assert domain.domain == "weho.org"


def test_a_domain_of_another_city_is_refused_next_to_the_field(city, other_city):
    with pytest.raises(DomainError) as error:
        services.domain_add(city=city, domain="smgov.example", by=make_coordinator())
    assert "already belongs to Santa Monica" in error.value.message_dict["domain"][0]


def test_a_public_mail_domain_is_refused(city):
    with pytest.raises(ValidationError, match="Anyone can open an address on gmail.com"):
        services.domain_add(city=city, domain="gmail.com", by=make_coordinator())


def test_a_removed_domain_can_be_added_again_and_the_record_stays_one_row(city):
    coordinator = make_coordinator()
    domain = city.email_domains.get()
    services.domain_remove(domain=domain, by=coordinator)
    services.domain_add(city=city, domain="weho.example", by=coordinator)
    row = CityEmailDomain.objects.get()
    assert row.is_active and row.added_by == coordinator


def test_leads_cannot_change_domains(city):
    with pytest.raises(DomainError, match="Only coordinators"):
        services.domain_add(city=city, domain="weho.org", by=lead_of(city))


# --- The admin -------------------------------------------------------------------------------


def test_ending_a_membership_in_the_admin_tells_the_other_apps(admin_client, city, ended):
    staff = make_membership(city=city)
    deleted = make_membership(city=city)
    url = f"/admin/cities/membership/{staff.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in {**form.initial, "status": Status.REMOVED}.items()
        if value is not None
    }
    data["decided_at_0"], data["decided_at_1"] = "2026-01-05", "10:00:00"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Membership.objects.get(pk=staff.pk).status == Status.REMOVED
    admin_client.post(f"/admin/cities/membership/{deleted.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=deleted.pk).exists()
    # The deleted one is reported while its row still exists, so its seats can be found.
    assert ended == [(staff.pk, Status.REMOVED), (deleted.pk, Status.APPROVED)]

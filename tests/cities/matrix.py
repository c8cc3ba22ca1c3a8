"""Who may use the cities' private and changing pages (run by tests/test_permission_matrix.py)."""

from tests.matrix import FORBIDDEN, NOT_FOUND, OK, REFUSED, Case, expect

JOIN = {"job_title": "Analyst", "department": "Information Technology"}
PROFILE = {
    "description": "Changed by the matrix.",
    "website": "https://matrix-a.example",
    "contact_name": "Matrix Contact",
    "contact_title": "",
    "contact_email": "",
    "contact_phone": "",
}


def a(world, **extra):
    return {"slug": world.city_a.slug, **extra}


def b(world, **extra):
    return {"slug": world.city_b.slug, **extra}


MANAGERS = {"lead_a": OK, "coordinator": OK}

CASES = [
    # A person's own memberships.
    Case("your cities", "cities:my-cities", expect(OK)),
    Case("the join form", "cities:membership-request", expect(OK), kwargs=a),
    Case(
        "ask to join city A",
        "cities:membership-request",
        # Members of A are told they belong already; anyone else may ask (even leads of B).
        expect(OK, staff_a=REFUSED, editor_a=REFUSED, lead_a=REFUSED),
        method="post",
        kwargs=a,
        data=lambda w: JOIN,
    ),
    Case(
        "leave city A",
        "cities:membership-leave",
        # The only lead of A may not leave it; without a membership there is nothing to leave.
        expect(NOT_FOUND, staff_a=OK, editor_a=OK, lead_a=REFUSED),
        method="post",
        kwargs=a,
    ),
    # A city's lead, and coordinators.
    Case("members of city A", "cities:member-list", expect(FORBIDDEN, **MANAGERS), kwargs=a),
    Case(
        "members of a city that does not exist",
        "cities:member-list",
        expect(NOT_FOUND),
        kwargs=lambda w: {"slug": "atlantis"},
    ),
    Case(
        "approve a request of city A",
        "cities:member-approve",
        expect(FORBIDDEN, **MANAGERS),
        method="post",
        kwargs=lambda w: a(w, pk=w.pending_a.pk),
        data=lambda w: {"message": "Welcome"},
    ),
    Case(
        "decline a request of city A",
        "cities:member-decline",
        expect(FORBIDDEN, **MANAGERS),
        method="post",
        kwargs=lambda w: a(w, pk=w.pending_a.pk),
        data=lambda w: {"message": "Sorry"},
    ),
    Case(
        "approve a request of city A through city B's address",
        "cities:member-approve",
        # Whoever may manage B learns nothing about A's requests: no such page.
        expect(FORBIDDEN, lead_b=NOT_FOUND, coordinator=NOT_FOUND),
        method="post",
        kwargs=lambda w: b(w, pk=w.pending_a.pk),
    ),
    Case(
        "make a staff member of city A editor",
        "cities:member-role",
        expect(FORBIDDEN, **MANAGERS),
        method="post",
        kwargs=lambda w: a(w, pk=w.membership_staff_a.pk),
        data=lambda w: {"role": "editor"},
    ),
    Case(
        "change the role of city B's lead through city A's address",
        "cities:member-role",
        expect(FORBIDDEN, lead_a=NOT_FOUND, coordinator=NOT_FOUND),
        method="post",
        kwargs=lambda w: a(w, pk=w.membership_lead_b.pk),
        data=lambda w: {"role": "staff"},
    ),
    Case(
        "remove a staff member of city A",
        "cities:member-remove",
        expect(FORBIDDEN, **MANAGERS),
        method="post",
        kwargs=lambda w: a(w, pk=w.membership_staff_a.pk),
    ),
    Case(
        "the profile form of city A",
        "cities:city-edit",
        expect(FORBIDDEN, editor_a=OK, lead_a=OK, coordinator=OK),
        kwargs=a,
    ),
    Case(
        "edit the profile of city A",
        "cities:city-edit",
        expect(FORBIDDEN, editor_a=OK, lead_a=OK, coordinator=OK),
        method="post",
        kwargs=a,
        data=lambda w: PROFILE,
    ),
    # Coordinators only.
    Case(
        "the email domains of city A",
        "cities:domain-list",
        expect(FORBIDDEN, coordinator=OK),
        kwargs=a,
    ),
    Case(
        "add an email domain to city A",
        "cities:domain-list",
        expect(FORBIDDEN, coordinator=OK),
        method="post",
        kwargs=a,
        data=lambda w: {"domain": "new-matrix-a.example"},
    ),
    Case(
        "remove an email domain of city A",
        "cities:domain-remove",
        expect(FORBIDDEN, coordinator=OK),
        method="post",
        kwargs=lambda w: a(w, pk=w.domain_a.pk),
    ),
    Case(
        "remove city B's email domain through city A's address",
        "cities:domain-remove",
        expect(FORBIDDEN, coordinator=NOT_FOUND),
        method="post",
        kwargs=lambda w: a(w, pk=w.domain_b.pk),
    ),
    Case("the queue of requests", "cities:request-queue", expect(FORBIDDEN, coordinator=OK)),
    Case("the claim form", "cities:city-claim", expect(FORBIDDEN, coordinator=OK)),
    Case(
        "claim city B for someone",
        "cities:city-claim",
        expect(FORBIDDEN, coordinator=OK),
        method="post",
        data=lambda w: {"city": w.city_b.slug, "email": w.users["signed_in"].email},
    ),
]

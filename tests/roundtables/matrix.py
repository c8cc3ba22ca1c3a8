"""Who may use the round tables' pages (run by tests/test_permission_matrix.py).

Reading round tables and their calendars is public; signing up needs an approved membership
of the city; scheduling, registrations and attendance are for coordinators only.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from roundtables.models import Material, WalkIn
from tests.factories import make_registration, make_round_table
from tests.matrix import FORBIDDEN, NOT_FOUND, OK, REFUSED, Case, expect

# A fixed name: the matrix reuses one small file in the media folder instead of piling up.
MATRIX_PDF = "private/roundtables/materials/permission-matrix.pdf"
EVERYONE = dict.fromkeys(["anonymous"], OK)
COORDINATOR = {"coordinator": OK}
CITY_A_STAFF = {"staff_a": OK, "editor_a": OK, "lead_a": OK}


def setup(world) -> None:
    now = timezone.now()
    world.round_table = make_round_table(
        title="Matrix round table", region=world.region, capacity=10
    )
    world.past_round_table = make_round_table(
        title="Matrix past round table",
        region=world.region,
        starts_at=now - datetime.timedelta(days=2),
    )
    world.registration_lead_b = make_registration(
        round_table=world.round_table, user=world.users["lead_b"], city=world.city_b
    )
    world.walk_in = WalkIn.objects.create(
        round_table=world.past_round_table, name="Matrix walk-in", city=world.city_a
    )
    if not default_storage.exists(MATRIX_PDF):
        default_storage.save(MATRIX_PDF, ContentFile(b"%PDF-1.4\n% matrix\n"))
    world.material = Material.objects.create(
        round_table=world.past_round_table, title="Matrix slides", file=MATRIX_PDF, size=18
    )


def upcoming(world, **extra):
    return {"slug": world.round_table.slug, **extra}


def past(world, **extra):
    return {"slug": world.past_round_table.slug, **extra}


def round_table_form(world):
    return {
        "title": "Matrix scheduled round table",
        "region": world.region.pk,
        "starts_at": "2031-05-08T10:00",
        "ends_at": "2031-05-08T12:00",
        "capacity": 20,
        "agenda": "Welcome",
    }


CASES = [
    # Calendars and materials are public.
    Case(
        "all round tables as a calendar feed", "roundtables:calendar-feed", expect(OK, **EVERYONE)
    ),
    Case(
        "a subregion's calendar feed",
        "roundtables:region-calendar-feed",
        expect(OK, **EVERYONE),
        kwargs=lambda w: {"region": w.region.slug},
    ),
    Case(
        "a calendar feed of a subregion that does not exist",
        "roundtables:region-calendar-feed",
        expect(NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: {"region": "atlantis"},
    ),
    Case(
        "one round table as a calendar file",
        "roundtables:roundtable-calendar",
        expect(OK, **EVERYONE),
        kwargs=upcoming,
    ),
    Case(
        "download a published PDF",
        "roundtables:material-download",
        expect(OK, **EVERYONE),
        kwargs=lambda w: past(w, pk=w.material.pk),
    ),
    Case(
        "download a PDF through another round table's address",
        "roundtables:material-download",
        expect(NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: upcoming(w, pk=w.material.pk),
    ),
    # A person's own registrations.
    Case("my round tables", "roundtables:my-registrations", expect(OK)),
    Case(
        "sign up for city A",
        "roundtables:registration-create",
        # Lead of B may sign up, but not on A's behalf; without a city there is no sign-up.
        expect(FORBIDDEN, **CITY_A_STAFF, lead_b=REFUSED),
        method="post",
        kwargs=upcoming,
        data=lambda w: {"city": w.city_a.pk},
    ),
    Case(
        "the form to cancel lead B's registration",
        "roundtables:registration-cancel",
        expect(NOT_FOUND, lead_b=OK, **COORDINATOR),
        kwargs=lambda w: {"pk": w.registration_lead_b.pk},
    ),
    Case(
        "cancel lead B's registration",
        "roundtables:registration-cancel",
        expect(NOT_FOUND, lead_b=OK, **COORDINATOR),
        method="post",
        kwargs=lambda w: {"pk": w.registration_lead_b.pk},
    ),
    # Coordinators schedule round tables.
    Case("the scheduling form", "roundtables:roundtable-create", expect(FORBIDDEN, **COORDINATOR)),
    Case(
        "schedule a round table",
        "roundtables:roundtable-create",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        data=round_table_form,
    ),
    Case("the series form", "roundtables:series-create", expect(FORBIDDEN, **COORDINATOR)),
    Case(
        "schedule a year's series",
        "roundtables:series-create",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        data=lambda w: {
            "year": timezone.localdate().year + 1,
            "regions": [w.region.pk],
            "capacity": 30,
        },
    ),
    Case(
        "the edit form",
        "roundtables:roundtable-update",
        expect(FORBIDDEN, **COORDINATOR),
        kwargs=upcoming,
    ),
    Case(
        "edit a round table",
        "roundtables:roundtable-update",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=upcoming,
        data=round_table_form,
    ),
    Case(
        "the cancel form",
        "roundtables:roundtable-cancel",
        expect(FORBIDDEN, **COORDINATOR),
        kwargs=upcoming,
    ),
    Case(
        "cancel a round table",
        "roundtables:roundtable-cancel",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=upcoming,
        data=lambda w: {"note": "Matrix"},
    ),
    Case(
        "edit a round table that does not exist",
        "roundtables:roundtable-update",
        expect(FORBIDDEN, coordinator=NOT_FOUND),
        kwargs=lambda w: {"slug": "atlantis"},
    ),
    # Coordinators see who registered.
    Case(
        "registrations and waitlist",
        "roundtables:registration-list",
        expect(FORBIDDEN, **COORDINATOR),
        kwargs=upcoming,
    ),
    Case(
        "registrations as CSV",
        "roundtables:registration-export",
        expect(FORBIDDEN, **COORDINATOR),
        kwargs=upcoming,
    ),
    # Coordinators record what happened.
    Case(
        "the attendance page",
        "roundtables:attendance",
        expect(FORBIDDEN, **COORDINATOR),
        kwargs=past,
    ),
    Case(
        "record attendance and mark held",
        "roundtables:attendance",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=past,
        data=lambda w: {"mark_held": "1"},
    ),
    Case(
        "add a walk-in",
        "roundtables:walk-in-create",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=past,
        data=lambda w: {"name": "Matrix visitor", "city": w.city_b.pk},
    ),
    Case(
        "remove a walk-in",
        "roundtables:walk-in-delete",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=lambda w: past(w, pk=w.walk_in.pk),
    ),
    Case(
        "the minutes page",
        "roundtables:minutes-update",
        expect(FORBIDDEN, **COORDINATOR),
        kwargs=past,
    ),
    Case(
        "publish minutes",
        "roundtables:minutes-update",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=past,
        data=lambda w: {"minutes": "We met."},
    ),
    Case(
        "publish a link as material",
        "roundtables:material-create",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=past,
        data=lambda w: {"title": "Slides", "url": "https://example.org/slides"},
    ),
    Case(
        "remove a material",
        "roundtables:material-delete",
        expect(FORBIDDEN, **COORDINATOR),
        method="post",
        kwargs=lambda w: past(w, pk=w.material.pk),
    ),
]

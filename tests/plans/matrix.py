"""Who may read and change the model plan (run by tests/test_permission_matrix.py).

Everyone reads the toolkit, its history included; only coordinators change it.
"""

from plans.models import Entry, Status
from tests.factories import make_entry, make_focus_area, make_model_plan
from tests.matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, Case, expect

EVERYONE = expect(OK, anonymous=OK)
COORDINATORS = expect(FORBIDDEN, coordinator=OK)


def setup(world):
    world.plan = make_model_plan()
    world.area = make_focus_area(plan=world.plan, title="Matrix Mobility")
    world.other_area = make_focus_area(plan=world.plan, title="Matrix Streets")
    world.retired_area = make_focus_area(plan=world.plan, title="Matrix Retired Area")
    world.retired_area.status = Status.RETIRED
    world.retired_area.save()
    world.entry = make_entry(focus_area=world.area, title="Matrix charging policy")
    world.second = make_entry(focus_area=world.area, title="Matrix curb policy")
    world.retired = make_entry(focus_area=world.area, title="Matrix old policy", status="retired")


def entry(world, **extra):
    return {"focus_area": world.area.slug, "slug": world.entry.slug, **extra}


def area(world):
    return {"slug": world.area.slug}


def entry_form(world):
    return {
        "title": "Matrix parking policy",
        "kind": Entry.Kind.POLICY,
        "focus_area": world.area.pk,
        "summary": "Changed by the matrix.",
        "body": "Some **words**.",
        "version": world.entry.version,
    }


def area_form(world):
    return {"title": "Matrix Data", "summary": "Changed by the matrix.", "version": 1}


CASES = [
    # Reading: anyone, signed in or not.
    Case("the toolkit list", "plans:entry-list", EVERYONE, query={"q": "charging"}),
    Case("a focus area", "plans:focus-area-detail", EVERYONE, kwargs=area),
    Case("an entry", "plans:entry-detail", EVERYONE, kwargs=entry),
    Case(
        "a retired entry stays readable",
        "plans:entry-detail",
        EVERYONE,
        kwargs=lambda w: {"focus_area": w.area.slug, "slug": w.retired.slug},
    ),
    Case(
        "an entry that does not exist",
        "plans:entry-detail",
        expect(NOT_FOUND, anonymous=NOT_FOUND),
        kwargs=lambda w: {"focus_area": w.area.slug, "slug": "atlantis"},
    ),
    Case("an entry's history", "plans:entry-history", EVERYONE, kwargs=entry),
    Case("a focus area's history", "plans:focus-area-history", EVERYONE, kwargs=area),
    # Changing the model plan: coordinators only.
    Case("the new-entry form", "plans:entry-create", COORDINATORS),
    Case(
        "add an entry",
        "plans:entry-create",
        COORDINATORS,
        method="post",
        data=lambda w: {**entry_form(w), "slug": ""},
    ),
    Case("the entry form", "plans:entry-update", COORDINATORS, kwargs=entry),
    Case(
        "edit an entry",
        "plans:entry-update",
        COORDINATORS,
        method="post",
        kwargs=entry,
        data=entry_form,
    ),
    Case(
        "preview an entry's text",
        "plans:entry-update",
        COORDINATORS,
        method="post",
        kwargs=entry,
        data=lambda w: {**entry_form(w), "preview": "1"},
        changes=False,
    ),
    Case("retire an entry", "plans:entry-retire", COORDINATORS, method="post", kwargs=entry),
    Case(
        "restore an entry",
        "plans:entry-restore",
        COORDINATORS,
        method="post",
        kwargs=lambda w: {"focus_area": w.area.slug, "slug": w.retired.slug},
    ),
    Case(
        "move an entry down",
        "plans:entry-move",
        COORDINATORS,
        method="post",
        kwargs=entry,
        data=lambda w: {"direction": "down"},
    ),
    Case(
        "retire an entry that does not exist",
        "plans:entry-retire",
        expect(FORBIDDEN, anonymous=LOGIN, coordinator=NOT_FOUND),
        method="post",
        kwargs=lambda w: {"focus_area": w.area.slug, "slug": "atlantis"},
    ),
    Case("the new focus area form", "plans:focus-area-create", COORDINATORS),
    Case(
        "add a focus area",
        "plans:focus-area-create",
        COORDINATORS,
        method="post",
        data=lambda w: {**area_form(w), "slug": ""},
    ),
    Case("the focus area form", "plans:focus-area-update", COORDINATORS, kwargs=area),
    Case(
        "edit a focus area",
        "plans:focus-area-update",
        COORDINATORS,
        method="post",
        kwargs=area,
        data=area_form,
    ),
    Case(
        "retire a focus area", "plans:focus-area-retire", COORDINATORS, method="post", kwargs=area
    ),
    Case(
        "restore a focus area",
        "plans:focus-area-restore",
        COORDINATORS,
        method="post",
        kwargs=lambda w: {"slug": w.retired_area.slug},
    ),
    Case(
        "move a focus area down",
        "plans:focus-area-move",
        COORDINATORS,
        method="post",
        kwargs=area,
        data=lambda w: {"direction": "down"},
    ),
]

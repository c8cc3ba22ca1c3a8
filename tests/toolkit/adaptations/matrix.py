"""Who may read and change a city's adaptation (run by tests/test_permission_matrix.py).

City A has a draft adaptation: its members and the coordinators read it, anyone else gets
404 (a draft's existence never leaks); its editors and leads change it; only its lead
publishes. City C (no one in the matrix belongs to it) has a published one: everyone reads
it, no one here changes it. City B has none: its lead may start one.
"""

from cities.models import Membership
from plans.models import Decision, Entry
from plans.services import entry_update
from tests.factories import make_city, make_entry, make_membership
from tests.matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REFUSED, Case, expect
from tests.plans.matrix import setup as model_plan_setup
from toolkit.adaptations import services
from toolkit.adaptations.tasks import adaptation_packages_build

EVERYONE = expect(OK, anonymous=OK)
NOBODY = expect(NOT_FOUND, anonymous=NOT_FOUND)
# A draft: its city's members and the coordinators; to anyone else it does not exist.
DRAFT_READERS = expect(
    NOT_FOUND, anonymous=NOT_FOUND, staff_a=OK, editor_a=OK, lead_a=OK, coordinator=OK
)
# Changing city A's draft: its editors and leads. Those who may see it but not change it get
# 403 with a message; those who may not see it, 404.
EDITORS_A = expect(
    NOT_FOUND, anonymous=LOGIN, staff_a=FORBIDDEN, editor_a=OK, lead_a=OK, coordinator=FORBIDDEN
)
LEAD_A = expect(
    NOT_FOUND,
    anonymous=LOGIN,
    staff_a=FORBIDDEN,
    editor_a=FORBIDDEN,
    lead_a=OK,
    coordinator=FORBIDDEN,
)
# Another city's published adaptation: readable by all, changed by none of them.
NOT_THEIRS = expect(FORBIDDEN, anonymous=LOGIN)


def setup(world):
    """The model plan; adaptations for cities A (draft) and C (published); model changes."""
    if not hasattr(world, "area"):  # the model plan's own setup may have run already
        model_plan_setup(world)
    world.synced = make_entry(focus_area=world.area, title="Matrix synced policy")
    world.adaptation_a = services.adaptation_start(
        city=world.city_a, values={"title": "Matrix A plan"}, by=world.users["editor_a"]
    )
    world.copy_a = Entry.objects.get(plan=world.adaptation_a, origin=world.entry)
    world.city_c = make_city(name="Matrix City C", region=world.region)
    lead_c = make_membership(city=world.city_c, role=Membership.Role.LEAD).user
    world.adaptation_c = services.adaptation_start(
        city=world.city_c, values={"title": "Matrix C plan"}, by=lead_c
    )
    services.adaptation_entries_bulk(
        plan=world.adaptation_c,
        entry_ids=list(Entry.objects.filter(plan=world.adaptation_c).values_list("pk", flat=True)),
        action=Decision.ADOPTED,
        by=lead_c,
    )
    services.adaptation_publish(plan=world.adaptation_c, by=lead_c)
    world.copy_c = Entry.objects.get(plan=world.adaptation_c, origin=world.entry)
    # The model plan changes one entry city A took, and adds one it has not.
    world.synced.refresh_from_db()
    world.synced = entry_update(
        entry=world.synced,
        values={"summary": "Changed by a coordinator."},
        expected_version=world.synced.version,
    )
    world.added = make_entry(focus_area=world.area, title="Matrix new policy")
    # The adaptations' files, as the worker builds them after a change.
    for plan in (world.adaptation_a, world.adaptation_c):
        adaptation_packages_build.call_local(plan.pk)


def city(world, name="a"):
    return {"city": getattr(world, f"city_{name}").slug}


def entry_a(world):
    return {**city(world), "slug": world.copy_a.slug}


def entry_c(world):
    return {**city(world, "c"), "slug": world.copy_c.slug}


def entry_form(world):
    return {
        "decision": Decision.ADAPTED,
        "decision_note": "",
        "title": world.copy_a.title,
        "summary": "Our own words.",
        "body": "",
        "progress": "planned",
        "owner_department": "Public Works",
        "target_date": "2027-06-30",
        "progress_note": "",
        "version": world.copy_a.version,
    }


def own_entry_form(world):
    return {
        "focus_area": world.adaptation_a.focus_areas.first().pk,
        "kind": "policy",
        "title": "Matrix own policy",
        "summary": "Ours alone.",
        "body": "",
        "progress": "not-started",
    }


def review(world, slug_of="synced"):
    return {**city(world), "slug": getattr(world, slug_of).slug}


CASES = [
    # Reading.
    Case(
        "a published adaptation",
        "adaptations:adaptation-detail",
        EVERYONE,
        kwargs=lambda w: city(w, "c"),
    ),
    Case("a draft adaptation", "adaptations:adaptation-detail", DRAFT_READERS, kwargs=city),
    Case(
        "a city without an adaptation",
        "adaptations:adaptation-detail",
        NOBODY,
        kwargs=lambda w: city(w, "b"),
    ),
    Case(
        "a published executive summary",
        "adaptations:adaptation-summary",
        EVERYONE,
        kwargs=lambda w: city(w, "c"),
    ),
    Case("a draft executive summary", "adaptations:adaptation-summary", DRAFT_READERS, kwargs=city),
    Case(
        "what a published adaptation changed",
        "adaptations:adaptation-changes",
        EVERYONE,
        kwargs=lambda w: city(w, "c"),
    ),
    Case("what a draft changed", "adaptations:adaptation-changes", DRAFT_READERS, kwargs=city),
    Case(
        "an entry of a published adaptation", "adaptations:entry-detail", EVERYONE, kwargs=entry_c
    ),
    Case("an entry of a draft", "adaptations:entry-detail", DRAFT_READERS, kwargs=entry_a),
    Case(
        "an entry of a published adaptation's history",
        "adaptations:entry-history",
        EVERYONE,
        kwargs=entry_c,
    ),
    Case(
        "an entry of a draft's history", "adaptations:entry-history", DRAFT_READERS, kwargs=entry_a
    ),
    Case(
        "download a published adaptation",
        "adaptations:adaptation-download",
        EVERYONE,
        kwargs=lambda w: {**city(w, "c"), "format": "json"},
    ),
    Case(
        "download a draft",
        "adaptations:adaptation-download",
        DRAFT_READERS,
        kwargs=lambda w: {**city(w), "format": "csv"},
    ),
    Case(
        "download in a format there is not",
        "adaptations:adaptation-download",
        NOBODY,
        kwargs=lambda w: {**city(w, "c"), "format": "exe"},
    ),
    # Starting.
    Case(
        "the start form of a city without an adaptation",
        "adaptations:adaptation-start",
        expect(FORBIDDEN, lead_b=OK),
        kwargs=lambda w: city(w, "b"),
    ),
    Case(
        "start a city's adaptation",
        "adaptations:adaptation-start",
        expect(FORBIDDEN, lead_b=OK),
        method="post",
        kwargs=lambda w: city(w, "b"),
        data=lambda w: {"title": "Matrix B plan", "summary": "", "vision": ""},
    ),
    Case(
        "start a second adaptation",
        "adaptations:adaptation-start",
        expect(FORBIDDEN, editor_a=REFUSED, lead_a=REFUSED),
        method="post",
        kwargs=city,
        data=lambda w: {"title": "Matrix A again", "summary": "", "vision": ""},
    ),
    # Changing the adaptation itself.
    Case(
        "the form of a draft's title and vision",
        "adaptations:adaptation-update",
        EDITORS_A,
        kwargs=city,
    ),
    Case(
        "edit a draft's title and vision",
        "adaptations:adaptation-update",
        EDITORS_A,
        method="post",
        kwargs=city,
        data=lambda w: {"title": "Matrix A renamed", "summary": "", "vision": "Ours."},
    ),
    Case(
        "preview a draft's vision",
        "adaptations:adaptation-update",
        EDITORS_A,
        method="post",
        kwargs=city,
        data=lambda w: {"title": "Matrix A", "summary": "", "vision": "**Ours**", "preview": "1"},
        changes=False,
    ),
    Case(
        "edit another city's adaptation",
        "adaptations:adaptation-update",
        NOT_THEIRS,
        method="post",
        kwargs=lambda w: city(w, "c"),
        data=lambda w: {"title": "Hijacked", "summary": "", "vision": ""},
    ),
    Case("publish a draft", "adaptations:adaptation-publish", LEAD_A, method="post", kwargs=city),
    Case(
        "unpublish a draft (it already is one)",
        "adaptations:adaptation-unpublish",
        {**LEAD_A, "lead_a": REFUSED},
        method="post",
        kwargs=city,
    ),
    Case(
        "unpublish another city's adaptation",
        "adaptations:adaptation-unpublish",
        NOT_THEIRS,
        method="post",
        kwargs=lambda w: city(w, "c"),
    ),
    # Entries.
    Case(
        "decide about several entries at once",
        "adaptations:entry-bulk",
        EDITORS_A,
        method="post",
        kwargs=city,
        data=lambda w: {"entries": [w.copy_a.pk], "action": "adopted"},
    ),
    Case(
        "decide about another city's entries at once",
        "adaptations:entry-bulk",
        NOT_THEIRS,
        method="post",
        kwargs=lambda w: city(w, "c"),
        data=lambda w: {"entries": [w.copy_c.pk], "action": "done"},
    ),
    Case("the form of an entry", "adaptations:entry-update", EDITORS_A, kwargs=entry_a),
    Case(
        "adapt an entry",
        "adaptations:entry-update",
        EDITORS_A,
        method="post",
        kwargs=entry_a,
        data=entry_form,
    ),
    Case(
        "preview an adapted entry",
        "adaptations:entry-update",
        EDITORS_A,
        method="post",
        kwargs=entry_a,
        data=lambda w: {**entry_form(w), "preview": "1"},
        changes=False,
    ),
    Case(
        "adapt another city's entry",
        "adaptations:entry-update",
        NOT_THEIRS,
        method="post",
        kwargs=entry_c,
        data=lambda w: {**entry_form(w), "version": w.copy_c.version},
    ),
    Case("the form of an own entry", "adaptations:entry-create", EDITORS_A, kwargs=city),
    Case(
        "add an own entry",
        "adaptations:entry-create",
        EDITORS_A,
        method="post",
        kwargs=city,
        data=own_entry_form,
    ),
    # Updates from the model plan.
    Case(
        "the updates from the model plan", "adaptations:model-update-list", EDITORS_A, kwargs=city
    ),
    Case("review an update", "adaptations:model-update-review", EDITORS_A, kwargs=review),
    Case(
        "accept an update",
        "adaptations:model-update-review",
        EDITORS_A,
        method="post",
        kwargs=review,
        data=lambda w: {"choice": "take-model", "seen_version": w.synced.version},
    ),
    Case(
        "accept an update already handled",
        "adaptations:model-update-review",
        {**EDITORS_A, "editor_a": REFUSED, "lead_a": REFUSED},
        method="post",
        kwargs=lambda w: review(w, "entry"),
        data=lambda w: {"choice": "take-model", "seen_version": w.entry.version},
    ),
    Case(
        "add an entry new in the model",
        "adaptations:model-update-review",
        EDITORS_A,
        method="post",
        kwargs=lambda w: review(w, "added"),
        data=lambda w: {"choice": "add", "seen_version": w.added.version},
    ),
    Case(
        "dismiss an update",
        "adaptations:model-update-dismiss",
        EDITORS_A,
        method="post",
        kwargs=review,
        data=lambda w: {"seen_version": w.synced.version},
    ),
    Case(
        "accept an update for another city",
        "adaptations:model-update-review",
        NOT_THEIRS,
        method="post",
        kwargs=lambda w: {**city(w, "c"), "slug": w.synced.slug},
        data=lambda w: {"choice": "take-model", "seen_version": w.synced.version},
    ),
]

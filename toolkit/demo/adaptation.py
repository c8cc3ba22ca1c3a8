"""The demo's published West Hollywood adaptation (for `make run` and the benchmark).

Made through the same services city staff use, so it has revisions like real work. Running it
again adds nothing: once West Hollywood has an adaptation, it is left as it is.
"""

from cities.models import City
from plans.models import Decision, Entry, FocusArea, Plan, Progress
from toolkit.adaptations import services

# model entry slug -> (decision, status, owner department)
DECISIONS = {
    "smart-city-core-values": (Decision.ADOPTED, Progress.DONE, "City Manager's Office"),
    "start-with-staff-problems": (Decision.ADOPTED, Progress.DONE, "Innovation Division"),
    "cross-department-working-groups": (
        Decision.ADOPTED,
        Progress.IN_PROGRESS,
        "Innovation Division",
    ),
    "track-plan-progress-publicly": (Decision.ADAPTED, Progress.IN_PROGRESS, "Innovation Division"),
    "internal-innovation-fund": (Decision.NOT_APPLICABLE, "", ""),
    "privacy-policy-for-smart-city-technology": (
        Decision.ADOPTED,
        Progress.PLANNED,
        "Information Technology",
    ),
    "open-data-portal": (Decision.ADOPTED, Progress.IN_PROGRESS, "Information Technology"),
    "digital-accessibility-standard": (Decision.ADOPTED, Progress.PLANNED, "Communications"),
    "dig-once-policy": (Decision.ADOPTED, Progress.DONE, "Public Works"),
    "municipal-fiber-utility": (Decision.NOT_APPLICABLE, "", ""),
    "pilot-before-you-buy": (Decision.ADAPTED, Progress.DONE, "Innovation Division"),
    "led-streetlight-retrofit": (Decision.ADOPTED, Progress.DONE, "Public Works"),
    "ev-charging-expansion": (Decision.ADOPTED, Progress.IN_PROGRESS, "Facilities"),
    "connected-traffic-signals": (Decision.ADOPTED, Progress.PLANNED, "Public Works"),
    "ss4a-grants": (Decision.ADOPTED, Progress.NOT_STARTED, "Engineering"),
}
ADAPTED_SUMMARIES = {
    "track-plan-progress-publicly": (
        "West Hollywood keeps every initiative of its plan on one public dashboard and reports "
        "to the City Council twice a year."
    ),
    "pilot-before-you-buy": (
        "Test new street technology on one block of Santa Monica Boulevard for six months before "
        "any citywide purchase."
    ),
}
NOT_APPLICABLE_REASONS = {
    "internal-innovation-fund": "Pilots are funded from the Innovation Division's own budget.",
    "municipal-fiber-utility": "The city is too small to run a fiber utility of its own.",
}


def weho_adaptation_load(*, lead, editor) -> Plan:
    """West Hollywood's published adaptation, decided in part, with one entry of its own."""
    city = City.objects.get(slug="west-hollywood")
    existing = Plan.objects.adaptations().filter(city=city).first()
    if existing is not None:
        return existing
    plan = services.adaptation_start(
        city=city,
        values={
            "title": "West Hollywood Smart City Plan",
            "summary": (
                "How West Hollywood puts the collaborative's model plan to work in a city of "
                "1.9 square miles: what it adopts, what it changes, and what it adds."
            ),
            "vision": (
                "Technology that makes a dense, walkable city **safer, simpler and fairer** for "
                "the people who live, work and visit here."
            ),
        },
        by=editor,
    )
    copies = {e.origin.slug: e for e in Entry.objects.filter(plan=plan).select_related("origin")}
    for slug, (decision, progress, owner) in DECISIONS.items():
        entry = copies.get(slug)
        if entry is None:  # a model entry the seed no longer has
            continue
        values = {"decision": decision, "owner_department": owner}
        if progress:
            values["progress"] = progress
        if decision == Decision.ADAPTED:
            values["summary"] = ADAPTED_SUMMARIES[slug]
        if decision == Decision.NOT_APPLICABLE:
            values["decision_note"] = NOT_APPLICABLE_REASONS[slug]
        services.adaptation_entry_update(
            entry=entry, values=values, expected_version=entry.version, by=editor
        )
    mobility = FocusArea.objects.filter(plan=plan, slug="smart-mobility").first()
    if mobility is not None:
        services.adaptation_entry_create(
            plan=plan,
            values={
                "focus_area": mobility,
                "kind": Entry.Kind.PRACTICE,
                "title": "Late-night microtransit on Santa Monica Boulevard",
                "summary": "On-demand shuttles on weekend nights, booked from a phone or by call.",
                "body": "Start with a one-year pilot and count riders by hour.",
                "progress": Progress.PLANNED,
                "owner_department": "Transportation",
            },
            by=editor,
        )
    services.adaptation_publish(plan=plan, by=lead)
    plan.refresh_from_db()
    return plan

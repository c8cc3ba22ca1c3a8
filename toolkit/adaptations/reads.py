"""Reading a city's adaptation: progress roll-ups, what the city changed, what the model changed.

Every figure here is computed by the database from the entries (aggregate queries), in a
fixed number of queries whatever the number of entries, cities or revisions, so the pages
that show them stay fast. Changes live in toolkit.adaptations.services.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.common import cache
from cities.common.numbers import percent
from plans.models import Decision, Entry, FocusArea, ModelUpdateDismissal, Plan, Progress, Status
from plans.revisions import FieldChange
from toolkit.adaptations import permissions

# The decisions that put an entry in the city's plan: its progress counts in every roll-up,
# on the adaptation's pages, its city's page, its exports and the grant dashboard.
COUNTED = (Decision.ADOPTED, Decision.ADAPTED, Decision.OWN)


def adaptation_of(city) -> Plan | None:
    """The city's adaptation (there is at most one), or None."""
    return Plan.objects.adaptations().filter(city=city).select_related("city").first()


# --- Progress ----------------------------------------------------------------------------------


@dataclass
class Rollup:
    """How far the entries in a city's plan have come, and what was decided about every entry."""

    total: int = 0  # entries in the city's plan (COUNTED): the ones whose progress rolls up
    progress: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Progress.values, 0))
    decisions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Decision.values, 0))

    @classmethod
    def from_row(cls, row: dict) -> "Rollup":
        return cls(
            total=row["total"],
            progress={key: row[f"progress_{key}"] for key in Progress.values},
            decisions={key: row[f"decision_{key}"] for key in Decision.values},
        )

    def add(self, other: "Rollup") -> None:
        self.total += other.total
        for counts, more in ((self.progress, other.progress), (self.decisions, other.decisions)):
            for key, count in more.items():
                counts[key] += count

    @property
    def segments(self) -> list[dict]:
        """Each status with its count and share, in the order a bar draws them (done first)."""
        shown, offset = [], 0
        for status in reversed(Progress):
            count = self.progress[status]
            width = 100 * count / self.total if self.total else 0
            shown.append(
                {
                    "key": status.value,
                    "label": status.label,
                    "count": count,
                    "percent": percent(count, self.total),
                    # For the SVG bar: where each segment starts and how wide it is (in %).
                    "x": f"{offset:.2f}",
                    "width": f"{width:.2f}",
                }
            )
            offset += width
        return shown

    @property
    def done(self) -> int:
        return self.progress[Progress.DONE]

    @property
    def in_progress(self) -> int:
        return self.progress[Progress.IN_PROGRESS]

    @property
    def planned(self) -> int:
        return self.progress[Progress.PLANNED]

    @property
    def not_started(self) -> int:
        return self.progress[Progress.NOT_STARTED]

    @property
    def done_percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def adopted(self) -> int:
        return self.decisions[Decision.ADOPTED]

    @property
    def adapted(self) -> int:
        return self.decisions[Decision.ADAPTED]

    @property
    def not_applicable(self) -> int:
        return self.decisions[Decision.NOT_APPLICABLE]

    @property
    def own(self) -> int:
        return self.decisions[Decision.OWN]

    @property
    def undecided(self) -> int:
        return self.decisions[Decision.UNDECIDED]

    @property
    def decision_counts(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.decisions[key]) for key, label in Decision.choices]


def _rollups(entries, by: str) -> dict[int, Rollup]:
    """The roll-up of `entries` grouped by the column `by` (one query)."""
    counted = Q(decision__in=COUNTED)
    rows = (
        entries.filter(status=Status.ACTIVE)
        .order_by()
        .values(by)
        .annotate(
            total=Count("pk", filter=counted),
            **{
                f"progress_{key}": Count("pk", filter=counted & Q(progress=key))
                for key in Progress.values
            },
            **{f"decision_{key}": Count("pk", filter=Q(decision=key)) for key in Decision.values},
        )
    )
    return {row[by]: Rollup.from_row(row) for row in rows}


@dataclass
class PlanRollup:
    whole: Rollup
    by_focus_area: dict[int, Rollup]

    def of(self, focus_area_id: int) -> Rollup:
        return self.by_focus_area.get(focus_area_id) or Rollup()


def progress_rollup(plan: Plan) -> PlanRollup:
    """Progress and decisions of each focus area and of the whole adaptation (one query)."""
    by_area = _rollups(Entry.objects.filter(plan=plan), "focus_area_id")
    whole = Rollup()
    for rollup in by_area.values():
        whole.add(rollup)
    return PlanRollup(whole=whole, by_focus_area=by_area)


def progress_rollups(plans: list[Plan]) -> dict[int, Rollup]:
    """The whole-plan roll-up of several adaptations at once (one query), by plan id."""
    return _rollups(Entry.objects.filter(plan__in=plans), "plan_id")


def city_progress(city_ref: str = "pk") -> dict[str, Coalesce]:
    """Annotations for a City queryset: `adaptation_tracked` and `adaptation_done`.

    The same count as the roll-ups: the active entries of the city's adaptation that are in its
    plan (COUNTED), and those of them done. `city_ref` names the city in the outer query.
    """
    counted = Entry.objects.filter(
        plan__kind=Plan.Kind.ADAPTATION,
        plan__city=OuterRef(city_ref),
        status=Status.ACTIVE,
        decision__in=COUNTED,
    )

    def count(entries):
        rows = entries.order_by().values("plan__city").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(rows[:1]), 0)

    return {
        "adaptation_tracked": count(counted),
        "adaptation_done": count(counted.filter(progress=Progress.DONE)),
    }


def city_done_percent(city) -> int | None:
    """The share of its plan's entries a city annotated with city_progress() has done."""
    if not city.adaptation_tracked:
        return None
    return percent(city.adaptation_done, city.adaptation_tracked)


# --- The model text an entry was taken from ----------------------------------------------------


def base_revisions(entries) -> dict[int, object]:
    """For each entry taken from the model, the model's revision it is based on (one query).

    Keyed by the adaptation entry's id: what Entry.base_revision() reads for one entry.
    """
    wanted = {(e.origin_id, e.origin_version) for e in entries if e.origin_id}
    if not wanted:
        return {}
    condition = Q()
    for origin_id, version in wanted:
        condition |= Q(id=origin_id, version=version)
    found = {}
    # The newest record of each version wins (a version is normally recorded once).
    for revision in Entry.history.filter(condition).order_by("history_id"):
        found[(revision.id, revision.version)] = revision
    return {e.pk: found.get((e.origin_id, e.origin_version)) for e in entries if e.origin_id}


def base_revisions_of_plan(plan: Plan, decisions=(Decision.ADAPTED,)) -> dict[tuple, object]:
    """The base revisions of a plan's entries with these decisions, by (model id, version).

    A join rather than a list of ids: the query stays the same size whatever the data.
    """
    copies = Entry.objects.filter(
        plan=plan,
        decision__in=decisions,
        origin_id=OuterRef("id"),
        origin_version=OuterRef("version"),
    )
    found = {}
    for revision in Entry.history.filter(Exists(copies)).order_by("history_id"):
        found[(revision.id, revision.version)] = revision
    return found


def text_changes(base, entry) -> list[FieldChange]:
    """The city's title, summary and text against the model revision it started from."""
    if base is None:
        return []
    rows = [
        (_("Title"), base.title, entry.title, False),
        (_("Summary"), base.summary, entry.summary, True),
        (_("Text"), base.body, entry.body, True),
    ]
    return [
        FieldChange(label=label, before=before, after=after, long=long)
        for label, before, after, long in rows
        if (before or "") != (after or "")
    ]


# --- What the city changed ---------------------------------------------------------------------


@dataclass
class ChangedEntry:
    entry: Entry
    changes: list[FieldChange]


def city_changes(plan: Plan) -> list[tuple[FocusArea, list[ChangedEntry]]]:
    """The entries the city adapted, marked not applicable or added, by focus area (3 queries)."""
    areas = list(FocusArea.objects.filter(plan=plan).order_by("order", "pk"))
    entries = list(
        Entry.objects.filter(
            plan=plan,
            status=Status.ACTIVE,
            decision__in=[Decision.ADAPTED, Decision.NOT_APPLICABLE, Decision.OWN],
        ).order_by("order", "pk")
    )
    bases = base_revisions_of_plan(plan)
    by_area = defaultdict(list)
    for entry in entries:
        changes = []
        if entry.decision == Decision.ADAPTED:
            changes = text_changes(bases.get((entry.origin_id, entry.origin_version)), entry)
        by_area[entry.focus_area_id].append(ChangedEntry(entry=entry, changes=changes))
    return [(area, by_area[area.pk]) for area in areas if by_area[area.pk]]


# --- What the model changed since the city took it ----------------------------------------------


class UpdateKind:
    CHANGED = "changed"
    RETIRED = "retired"
    ADDED = "added"

    LABELS = {
        CHANGED: gettext_lazy("Changed in the model plan"),
        RETIRED: gettext_lazy("Retired from the model plan"),
        ADDED: gettext_lazy("New in the model plan"),
    }


@dataclass
class ModelUpdate:
    kind: str
    model_entry: Entry
    copy: Entry | None  # the city's entry taken from it (None for an entry new in the model)

    @property
    def label(self) -> str:
        return str(UpdateKind.LABELS[self.kind])


def _changed_copies(plan: Plan):
    """The city's entries whose model entry has a newer version, not dismissed at that version."""
    dismissed = ModelUpdateDismissal.objects.filter(
        plan=plan, model_entry=OuterRef("origin_id"), version__gte=OuterRef("origin__version")
    )
    return Entry.objects.filter(
        plan=plan, origin__isnull=False, origin_version__lt=F("origin__version")
    ).exclude(Exists(dismissed))


def _added_model_entries(plan: Plan):
    """Active model entries the city has no entry for, not dismissed at their current version."""
    copies = Entry.objects.filter(plan=plan, origin=OuterRef("pk"))
    dismissed = ModelUpdateDismissal.objects.filter(
        plan=plan, model_entry=OuterRef("pk"), version__gte=OuterRef("version")
    )
    return Entry.objects.of_model_plan().active().exclude(Exists(copies)).exclude(Exists(dismissed))


def _update_of(copy: Entry) -> ModelUpdate:
    model = copy.origin
    retired = model.is_retired or model.focus_area.is_retired
    return ModelUpdate(UpdateKind.RETIRED if retired else UpdateKind.CHANGED, model, copy)


def pending_update_count(plan: Plan) -> int:
    """How many updates from the model plan wait for the city's review (two counts)."""
    return _changed_copies(plan).count() + _added_model_entries(plan).count()


def pending_updates(plan: Plan) -> list[ModelUpdate]:
    """Every update from the model plan waiting for review, in the model's reading order."""
    updates = [
        _update_of(copy)
        for copy in _changed_copies(plan).select_related(
            "origin", "origin__focus_area", "focus_area"
        )
    ]
    for model in _added_model_entries(plan).select_related("focus_area"):
        updates.append(ModelUpdate(kind=UpdateKind.ADDED, model_entry=model, copy=None))
    updates.sort(
        key=lambda u: (u.model_entry.focus_area.order, u.model_entry.order, u.model_entry.pk)
    )
    return updates


def pending_update_for(plan: Plan, model_entry: Entry) -> ModelUpdate | None:
    """The update waiting for review about one model entry, or None (handled or none)."""
    copy = _changed_copies(plan).filter(origin=model_entry).select_related("focus_area").first()
    if copy is not None:
        copy.origin = model_entry
        return _update_of(copy)
    if _added_model_entries(plan).filter(pk=model_entry.pk).exists():
        return ModelUpdate(kind=UpdateKind.ADDED, model_entry=model_entry, copy=None)
    return None


def model_revision(model_entry: Entry, version: int | None):
    """The stored revision of a model entry at `version` (None when there is none)."""
    if version is None:
        return None
    return model_entry.history.filter(version=version).order_by("-history_id").first()


# --- The city's page ---------------------------------------------------------------------------


def city_section(city, user) -> dict | None:
    """The city page's "adaptation" slot: its adaptation for those who may see it (two queries).

    An editor or lead of a city without one is offered to start it; anyone else sees nothing.
    The adaptation and its progress are kept until the content changes.
    """

    def drawn():
        plan = adaptation_of(city)
        return plan, plan and progress_rollup(plan).whole

    plan, whole = cache.cached(("adaptations:city-section", city.pk), drawn)
    if plan is None:
        return (
            {"plan": None, "can_start": True}
            if permissions.can_start_adaptation(user, city)
            else None
        )
    if not permissions.can_see_adaptation(user, plan):
        return None
    return {
        "plan": plan,
        "rollup": whole,
        "can_edit": permissions.can_edit_adaptation(user, plan),
    }

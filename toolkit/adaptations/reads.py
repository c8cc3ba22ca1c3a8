"""Reading a city's adaptation: progress roll-ups, what the city changed, what the model changed.

Every figure here is computed by the database from the entries (aggregate queries), in a
fixed number of queries whatever the number of entries, cities or revisions, so the pages
that show them stay fast. Writes live in plans.adaptation_services.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Decision, Entry, FocusArea, ModelUpdateDismissal, Plan, Progress, Status
from plans.revisions import FieldChange

# The decisions whose implementation the roll-up follows: what the city took on from the model.
TRACKED = (Decision.ADOPTED, Decision.ADAPTED)
# The decisions that put an entry in the city's plan.
IN_PLAN = (Decision.ADOPTED, Decision.ADAPTED, Decision.OWN)


def adaptation_of(city) -> Plan | None:
    """The city's adaptation (there is at most one), or None."""
    return Plan.objects.adaptations().filter(city=city).select_related("city").first()


# --- Progress ----------------------------------------------------------------------------------


@dataclass
class Rollup:
    """How far a set of adopted or adapted entries has come, and what was decided about all."""

    total: int = 0  # adopted or adapted entries: the ones whose progress rolls up
    done: int = 0
    in_progress: int = 0
    planned: int = 0
    not_started: int = 0
    decisions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Decision.values, 0))

    def add(self, other: "Rollup") -> None:
        for name in ("total", "done", "in_progress", "planned", "not_started"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, count in other.decisions.items():
            self.decisions[key] += count

    @staticmethod
    def _percent(part: int, whole: int) -> int:
        return round(100 * part / whole) if whole else 0

    @property
    def segments(self) -> list[dict]:
        """Each status with its count and share, in the order a bar draws them."""
        shown, offset = [], 0
        for key, label, count in (
            (Progress.DONE, Progress.DONE.label, self.done),
            (Progress.IN_PROGRESS, Progress.IN_PROGRESS.label, self.in_progress),
            (Progress.PLANNED, Progress.PLANNED.label, self.planned),
            (Progress.NOT_STARTED, Progress.NOT_STARTED.label, self.not_started),
        ):
            percent = self._percent(count, self.total)
            width = 100 * count / self.total if self.total else 0
            shown.append(
                {
                    "key": key,
                    "label": label,
                    "count": count,
                    "percent": percent,
                    # For the SVG bar: where each segment starts and how wide it is (in %).
                    "x": f"{offset:.2f}",
                    "width": f"{width:.2f}",
                }
            )
            offset += width
        return shown

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
    def decided(self) -> int:
        return sum(n for key, n in self.decisions.items() if key != Decision.UNDECIDED)

    @property
    def decision_counts(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.decisions[key]) for key, label in Decision.choices]

    @property
    def done_percent(self) -> int:
        return self._percent(self.done, self.total)


def _rollup_rows(entries) -> dict[int, Rollup]:
    tracked = Q(decision__in=TRACKED)
    rows = (
        entries.order_by()
        .values("focus_area_id")
        .annotate(
            total=Count("pk", filter=tracked),
            done=Count("pk", filter=tracked & Q(progress=Progress.DONE)),
            in_progress=Count("pk", filter=tracked & Q(progress=Progress.IN_PROGRESS)),
            planned=Count("pk", filter=tracked & Q(progress=Progress.PLANNED)),
            not_started=Count("pk", filter=tracked & Q(progress=Progress.NOT_STARTED)),
            **{f"decision_{key}": Count("pk", filter=Q(decision=key)) for key in Decision.values},
        )
    )
    result = {}
    for row in rows:
        rollup = Rollup(
            total=row["total"],
            done=row["done"],
            in_progress=row["in_progress"],
            planned=row["planned"],
            not_started=row["not_started"],
        )
        rollup.decisions = {key: row[f"decision_{key}"] for key in Decision.values}
        result[row["focus_area_id"]] = rollup
    return result


@dataclass
class PlanRollup:
    whole: Rollup
    by_focus_area: dict[int, Rollup]

    def of(self, focus_area_id: int) -> Rollup:
        return self.by_focus_area.get(focus_area_id) or Rollup()


def progress_rollup(plan: Plan) -> PlanRollup:
    """Progress and decisions of each focus area and of the whole adaptation (one query)."""
    by_area = _rollup_rows(Entry.objects.filter(plan=plan, status=Status.ACTIVE))
    whole = Rollup()
    for rollup in by_area.values():
        whole.add(rollup)
    return PlanRollup(whole=whole, by_focus_area=by_area)


def progress_rollups(plans: list[Plan]) -> dict[int, Rollup]:
    """The whole-plan roll-up of several adaptations at once (one query), by plan id."""
    tracked = Q(decision__in=TRACKED)
    rows = (
        Entry.objects.filter(plan__in=plans, status=Status.ACTIVE)
        .order_by()
        .values("plan_id")
        .annotate(
            total=Count("pk", filter=tracked),
            done=Count("pk", filter=tracked & Q(progress=Progress.DONE)),
            in_progress=Count("pk", filter=tracked & Q(progress=Progress.IN_PROGRESS)),
            planned=Count("pk", filter=tracked & Q(progress=Progress.PLANNED)),
            not_started=Count("pk", filter=tracked & Q(progress=Progress.NOT_STARTED)),
        )
    )
    return {
        row["plan_id"]: Rollup(
            total=row["total"],
            done=row["done"],
            in_progress=row["in_progress"],
            planned=row["planned"],
            not_started=row["not_started"],
        )
        for row in rows
    }


# --- The model text an entry was taken from ----------------------------------------------------


def base_revisions(entries) -> dict[int, object]:
    """For each entry taken from the model, the model's revision it is based on (one query).

    Keyed by the adaptation entry's id. The revision is read from the model entry's history:
    the stored version numbered `origin_version`.
    """
    wanted = {(e.origin_id, e.origin_version) for e in entries if e.origin_id}
    if not wanted:
        return {}
    history = Entry.history.model
    condition = Q()
    for origin_id, version in wanted:
        condition |= Q(id=origin_id, version=version)
    found = {}
    # The newest record of each version wins (a version is normally recorded once).
    for revision in history.objects.filter(condition).order_by("history_id"):
        found[(revision.id, revision.version)] = revision
    return {e.pk: found.get((e.origin_id, e.origin_version)) for e in entries if e.origin_id}


def base_revisions_of_plan(plan: Plan, decisions=(Decision.ADAPTED,)) -> dict[int, object]:
    """The base revisions of a plan's entries with these decisions, by model entry id (one query).

    A join rather than a list of ids: the query stays the same size whatever the data.
    """
    copies = Entry.objects.filter(
        plan=plan,
        decision__in=decisions,
        origin_id=OuterRef("id"),
        origin_version=OuterRef("version"),
    )
    found = {}
    for revision in Entry.history.model.objects.filter(Exists(copies)).order_by("history_id"):
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


def pending_update_count(plan: Plan) -> int:
    """How many updates from the model plan wait for the city's review (two counts)."""
    return _changed_copies(plan).count() + _added_model_entries(plan).count()


def pending_updates(plan: Plan) -> list[ModelUpdate]:
    """Every update from the model plan waiting for review, in the model's reading order."""
    updates = []
    for copy in _changed_copies(plan).select_related("origin", "origin__focus_area", "focus_area"):
        model = copy.origin
        retired = model.is_retired or model.focus_area.is_retired
        kind = UpdateKind.RETIRED if retired else UpdateKind.CHANGED
        updates.append(ModelUpdate(kind=kind, model_entry=model, copy=copy))
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
        retired = model_entry.is_retired or model_entry.focus_area.is_retired
        kind = UpdateKind.RETIRED if retired else UpdateKind.CHANGED
        return ModelUpdate(kind=kind, model_entry=model_entry, copy=copy)
    if _added_model_entries(plan).filter(pk=model_entry.pk).exists():
        return ModelUpdate(kind=UpdateKind.ADDED, model_entry=model_entry, copy=None)
    return None


def model_revision(model_entry: Entry, version: int | None):
    """The stored revision of a model entry at `version` (None when there is none)."""
    if version is None:
        return None
    return model_entry.history.filter(version=version).order_by("-history_id").first()


# --- Adoption across cities --------------------------------------------------------------------

ADOPTION_DECISIONS = (Decision.ADOPTED, Decision.ADAPTED, Decision.NOT_APPLICABLE)


@dataclass
class Adoption:
    decision: str
    label: str
    cities: list  # (name, slug) of each city, by name

    @property
    def count(self) -> int:
        return len(self.cities)


def adoption_of(model_entry: Entry) -> list[Adoption]:
    """How published adaptations decided about a model entry, with the cities (one query)."""
    rows = (
        Entry.objects.filter(
            origin=model_entry,
            plan__kind=Plan.Kind.ADAPTATION,
            plan__status=Plan.Status.PUBLISHED,
            decision__in=ADOPTION_DECISIONS,
        )
        .order_by("plan__city__name")
        .values_list("decision", "plan__city__name", "plan__city__slug", "slug")
    )
    by_decision = defaultdict(list)
    for decision, name, slug, entry_slug in rows:
        by_decision[decision].append({"name": name, "slug": slug, "entry_slug": entry_slug})
    labels = {
        Decision.ADOPTED: _("Adopted as it is"),
        Decision.ADAPTED: _("Adapted"),
        Decision.NOT_APPLICABLE: _("Marked not applicable"),
    }
    return [Adoption(key, labels[key], by_decision[key]) for key in ADOPTION_DECISIONS]


def adoption_count():
    """An annotation for model entries: how many published adaptations adopted or adapted each."""
    copies = (
        Entry.objects.filter(
            origin=OuterRef("pk"),
            decision__in=TRACKED,
            plan__kind=Plan.Kind.ADAPTATION,
            plan__status=Plan.Status.PUBLISHED,
        )
        .order_by()
        .values("origin")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(copies), 0)


_ADOPTION_GENERATION = "plans:adoption-generation"


def adoption_generation() -> str:
    """A marker of the adoption figures, read from the cache (no query): a key for cached pages.

    It changes whenever an adaptation changes (adoption_changed). When the cache has lost it, a
    new random one is made, so a figure cached under an older marker is never served again.
    """
    value = cache.get(_ADOPTION_GENERATION)
    if value is None:
        cache.add(_ADOPTION_GENERATION, uuid.uuid4().hex, None)
        value = cache.get(_ADOPTION_GENERATION) or ""
    return value


def adoption_changed() -> None:
    """Say that adoption figures may have changed: pages cached with them are drawn again."""
    cache.set(_ADOPTION_GENERATION, uuid.uuid4().hex, None)


# --- The city's page ---------------------------------------------------------------------------


def city_section(city, user) -> dict | None:
    """The city page's "adaptation" slot: its adaptation for those who may see it (two queries).

    An editor or lead of a city without one is offered to start it; anyone else sees nothing.
    """
    from plans import permissions

    plan = adaptation_of(city)
    can_edit = permissions.can_edit_adaptation(user, city)
    if plan is None:
        return {"plan": None, "can_start": True} if can_edit else None
    if not permissions.can_see_adaptation(user, plan):
        return None
    return {"plan": plan, "rollup": progress_rollup(plan).whole, "can_edit": can_edit}

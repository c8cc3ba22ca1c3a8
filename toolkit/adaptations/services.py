"""Changes to a city's adaptation of the model plan. Each one is a stored revision (who, when, why).

A city starts its adaptation from the model plan as it stands: every active focus area and
entry is copied, each copy remembering the model entry it came from and that entry's version
(`origin`, `origin_version`). The city then decides entry by entry, adds its own, records its
progress, and reviews what the model plan changes afterwards. Nothing here changes a city's
text unless one of its members asked for it.

The rules about one entry's decision are methods of plans.models.Entry (adopt, adapt,
mark_not_applicable, ...); every service here, the bulk one included, calls them. A refusal is
a DomainError (cities.common.errors) that the page shows next to the field it names.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.common import cache
from cities.common.errors import DomainError
from cities.common.slugs import unique_slug
from plans.models import (
    PROGRESS_FIELDS,
    RESERVED_SLUGS,
    TEXT_FIELDS,
    Decision,
    Entry,
    FocusArea,
    ModelUpdateDismissal,
    NotForThisEntry,
    Plan,
    Progress,
    Status,
    plan_touch,
)
from plans.revisions import Reason, entry_revisions_record, focus_area_revisions_record
from plans.services import StaleEditError, _next_order, _save
from toolkit.adaptations.reads import base_revisions

PLAN_FIELDS = ["title", "summary", "vision"]
EMPTY_RELATIONS = {"core_values": [], "tags": [], "also_sources": [], "related": []}


class AdaptationError(DomainError):
    """A change to an adaptation that cannot be made; the message says why, and nothing changed."""


class AdaptationExists(AdaptationError):
    def __init__(self, plan: Plan):
        super().__init__(
            _("%(city)s already has an adaptation: “%(title)s”.")
            % {"city": plan.city.name, "title": plan.title}
        )
        self.plan = plan


class UpdateAlreadyHandled(AdaptationError):
    """The update was accepted or dismissed already (in another tab, or by a colleague)."""

    def __init__(self, title: str):
        super().__init__(
            _(
                "The update to “%(title)s” was already handled, so nothing was changed. "
                "The entry below shows where it stands now."
            )
            % {"title": title}
        )


class UpdateChangedAgain(AdaptationError):
    """The model entry changed again after the person opened the update."""

    def __init__(self, title: str):
        super().__init__(
            _(
                "The model plan changed “%(title)s” again while you were reviewing it, so nothing "
                "was changed. Review the newest change below."
            )
            % {"title": title}
        )


def _relations(entries) -> dict[int, dict]:
    return {entry.pk: dict(EMPTY_RELATIONS) for entry in entries}


def _area_copy(model_area: FocusArea, *, plan: Plan) -> FocusArea:
    return FocusArea(
        plan=plan,
        title=model_area.title,
        slug=model_area.slug,
        summary=model_area.summary,
        order=model_area.order,
        origin=model_area,
    )


def _free_slug(queryset, slug: str, *, fallback: str) -> str:
    return unique_slug(queryset, slug, max_length=80, fallback=fallback, reserved=RESERVED_SLUGS)


@transaction.atomic
def adaptation_start(*, city, values: dict[str, Any], by) -> Plan:
    """Start a city's adaptation: a draft holding a copy of every active model entry."""
    model = Plan.objects.model_plan()
    if model is None:
        raise AdaptationError(_("The model plan is not loaded yet, so there is nothing to adapt."))
    existing = Plan.objects.adaptations().filter(city=city).select_related("city").first()
    if existing is not None:
        raise AdaptationExists(existing)
    plan = Plan(
        kind=Plan.Kind.ADAPTATION,
        city=city,
        status=Plan.Status.DRAFT,
        **{name: values.get(name, "") for name in PLAN_FIELDS},
    )
    plan.full_clean(validate_constraints=False)
    plan._history_user = by
    plan._change_reason = Reason.ADAPT
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        # A colleague started it at the same moment: the database allows one per city.
        raise AdaptationExists(
            Plan.objects.adaptations().select_related("city").get(city=city)
        ) from None

    model_areas = list(FocusArea.objects.filter(plan=model).active().order_by("order", "pk"))
    areas = [_area_copy(area, plan=plan) for area in model_areas]
    FocusArea.objects.bulk_create(areas)
    focus_area_revisions_record(areas, reason=Reason.ADAPT, user=by, created=True)
    by_origin = {area.origin_id: area for area in areas}
    copies = [
        Entry.taken_from(entry, focus_area=by_origin[entry.focus_area_id], slug=entry.slug)
        for entry in Entry.objects.filter(plan=model, focus_area__in=model_areas)
        .filter(status=Status.ACTIVE)
        .order_by("focus_area__order", "order", "pk")
    ]
    Entry.objects.bulk_create(copies)
    entry_revisions_record(
        copies, relations=_relations(copies), reason=Reason.ADAPT, user=by, created=True
    )
    plan_touch(plan.pk)
    cache.changed()  # bulk writes send no signal
    plan.refresh_from_db()
    return plan


def _save_plan(plan: Plan, *, by, reason: str) -> None:
    plan._history_user = by
    plan._change_reason = reason
    plan.save()
    plan_touch(plan.pk)


@transaction.atomic
def adaptation_update(*, plan: Plan, values: dict[str, Any], by) -> Plan:
    """Save the adaptation's title, summary and vision."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    changed = False
    for name in PLAN_FIELDS:
        if name in values and getattr(current, name) != values[name]:
            setattr(current, name, values[name])
            changed = True
    if changed:
        current.full_clean(validate_constraints=False)
        _save_plan(current, by=by, reason=Reason.EDIT)
    return current


@transaction.atomic
def adaptation_publish(*, plan: Plan, by) -> bool:
    """Make the adaptation public; False when it already was."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.status == Plan.Status.PUBLISHED:
        return False
    current.status = Plan.Status.PUBLISHED
    # The first publication is the one the grant counts; publishing again keeps that date.
    current.published_at = current.published_at or timezone.now()
    _save_plan(current, by=by, reason=Reason.PUBLISH)
    return True


@transaction.atomic
def adaptation_unpublish(*, plan: Plan, by) -> bool:
    """Hide the adaptation from the public again (nothing is deleted); False when it was a draft."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.status == Plan.Status.DRAFT:
        return False
    current.status = Plan.Status.DRAFT
    _save_plan(current, by=by, reason=Reason.UNPUBLISH)
    return True


# --- Entries -----------------------------------------------------------------------------------


def _fields_of(entry: Entry) -> tuple:
    return tuple(
        getattr(entry, name)
        for name in [*TEXT_FIELDS, "decision", "decision_note", "origin_version", *PROGRESS_FIELDS]
    )


@transaction.atomic
def adaptation_entry_update(
    *, entry: Entry, values: dict[str, Any], expected_version: int, by
) -> tuple[Entry, bool]:
    """Record the city's decision, text and progress for one entry; False when nothing changed.

    Refused (StaleEditError) when someone saved the entry after the form was opened.
    """
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    before = _fields_of(current)
    current.decide(
        values.get("decision", current.decision),
        text={name: values[name] for name in TEXT_FIELDS if name in values},
        reason=values.get("decision_note", current.decision_note),
    )
    current.record_progress(**{name: values[name] for name in PROGRESS_FIELDS if name in values})
    if _fields_of(current) == before:
        return current, False
    _save(current, by=by, reason=Reason.DECIDE)
    return current, True


@transaction.atomic
def adaptation_entry_create(*, plan: Plan, values: dict[str, Any], by) -> Entry:
    """Add one of the city's own entries, at the end of its focus area, under a free address."""
    entry = Entry(
        plan=plan,
        focus_area=values["focus_area"],
        kind=values["kind"],
        decision=Decision.OWN,
        progress=Progress.NOT_STARTED,
        **{name: values.get(name, "") for name in TEXT_FIELDS},
    )
    entry.slug = _free_slug(Entry.objects.filter(plan=plan), entry.title, fallback="entry")
    entry.order = _next_order(Entry.objects.filter(focus_area=entry.focus_area))
    entry.record_progress(**{name: values[name] for name in PROGRESS_FIELDS if name in values})
    entry.full_clean(validate_constraints=False)
    _save(entry, by=by, reason=Reason.CREATE)
    return entry


class BulkAction:
    ADOPT = Decision.ADOPTED.value
    NOT_APPLICABLE = Decision.NOT_APPLICABLE.value
    PROGRESS = tuple(Progress.values)


@transaction.atomic
def adaptation_entries_bulk(
    *, plan: Plan, entry_ids: list[int], action: str, reason: str = "", by
) -> tuple[int, int]:
    """Apply one decision or status to several entries; returns (changed, left as they were).

    Each entry takes it through the same method as on its own form. Those that cannot take it
    (NotForThisEntry: the city's own entries cannot be adopted) are left as they were and
    counted; any other refusal (a missing reason) changes nothing at all.
    """
    if action not in (BulkAction.ADOPT, BulkAction.NOT_APPLICABLE, *BulkAction.PROGRESS):
        raise AdaptationError(_("Choose what to do with the chosen entries."))
    entries = list(
        Entry.objects.select_for_update()
        .filter(plan=plan, pk__in=entry_ids, status=Status.ACTIVE)
        .prefetch_related("focus_area")
        .order_by("pk")
    )
    bases = base_revisions([e for e in entries if e.decision != Decision.ADOPTED])
    changed, skipped = [], len(entry_ids) - len(entries)
    for entry in entries:
        before = _fields_of(entry)
        try:
            if action == BulkAction.ADOPT:
                entry.adopt(bases.get(entry.pk))
            elif action == BulkAction.NOT_APPLICABLE:
                entry.mark_not_applicable(reason)
            else:
                entry.record_progress(progress=action)
        except NotForThisEntry:
            skipped += 1
            continue
        if _fields_of(entry) == before:
            skipped += 1
            continue
        entry.version += 1
        entry.updated_at = timezone.now()
        changed.append(entry)
    if changed:
        Entry.objects.bulk_update(
            changed,
            [*TEXT_FIELDS, "decision", "decision_note", "progress", "version", "updated_at"],
        )
        entry_revisions_record(
            changed, relations=_relations(changed), reason=Reason.DECIDE, user=by, created=False
        )
        plan_touch(plan.pk)
        cache.changed()  # bulk writes send no signal
    return len(changed), skipped


# --- Updates from the model plan ----------------------------------------------------------------


class Choice:
    """What a city can do with an update from the model plan."""

    TAKE_MODEL = "take-model"  # the model's new text replaces the city's
    KEEP_OURS = "keep-ours"  # the city keeps its text, now based on the new version
    EDIT = "edit"  # the city writes its own text, based on the new version
    NOT_APPLICABLE = "not-applicable"  # (a retired model entry) the city leaves it out
    ADD = "add"  # (a new model entry) the city takes it, to decide about
    ALL = (TAKE_MODEL, KEEP_OURS, EDIT, NOT_APPLICABLE, ADD)


def _check_pending(*, plan: Plan, model: Entry, copy: Entry | None, seen_version: int) -> None:
    dismissed = ModelUpdateDismissal.objects.filter(
        plan=plan, model_entry=model, version__gte=model.version
    ).exists()
    if dismissed or (copy is not None and copy.origin_version >= model.version):
        raise UpdateAlreadyHandled(model.title)
    if model.version != seen_version:
        raise UpdateChangedAgain(model.title)


def _area_for(model_area: FocusArea, *, plan: Plan, by) -> FocusArea:
    area = FocusArea.objects.filter(plan=plan, origin=model_area).first()
    if area is None:
        area = _area_copy(model_area, plan=plan)
        areas = FocusArea.objects.filter(plan=plan)
        area.slug = _free_slug(areas, area.slug, fallback="focus-area")
        area.order = _next_order(areas)
        _save(area, by=by, reason=Reason.SYNC)
    return area


@transaction.atomic
def model_update_accept(
    *,
    plan: Plan,
    model_entry: Entry,
    seen_version: int,
    choice: str,
    by,
    values: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Entry:
    """Act on an update from the model plan; the city's entry is then based on its new version.

    Refused with a message, changing nothing, when the update was already handled
    (UpdateAlreadyHandled), when the model changed again since the person looked
    (UpdateChangedAgain), or when a colleague saved the city's entry meanwhile (StaleEditError).
    """
    values = values or {}
    if choice not in Choice.ALL:
        raise AdaptationError(_("Choose what to do with this update."))
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one review at a time per city
    model = Entry.objects.select_related("focus_area").get(pk=model_entry.pk)
    copy = Entry.objects.select_for_update().filter(plan=plan, origin=model).first()
    if (copy is None) != (choice == Choice.ADD):
        raise UpdateAlreadyHandled(model.title)
    _check_pending(plan=plan, model=model, copy=copy, seen_version=seen_version)
    ModelUpdateDismissal.objects.filter(plan=plan, model_entry=model).delete()

    if choice == Choice.ADD:
        area = _area_for(model.focus_area, plan=plan, by=by)
        slug = _free_slug(Entry.objects.filter(plan=plan), model.slug, fallback="entry")
        entry = Entry.taken_from(model, focus_area=area, slug=slug)
        entry.order = _next_order(Entry.objects.filter(focus_area=area))
        entry.full_clean(validate_constraints=False)
        _save(entry, by=by, reason=Reason.SYNC)
        return entry

    if expected_version is not None and copy.version != expected_version:
        raise StaleEditError(copy)
    if choice == Choice.TAKE_MODEL:
        if model.focus_area_id != copy.focus_area.origin_id:
            copy.focus_area = _area_for(model.focus_area, plan=plan, by=by)
        copy.take_model_version(model)
    else:
        if choice == Choice.EDIT:
            copy.adapt(**{name: values.get(name, getattr(copy, name)) for name in TEXT_FIELDS})
        elif choice == Choice.NOT_APPLICABLE:
            copy.mark_not_applicable(values.get("decision_note", ""))
        copy.rebase(model)
    _save(copy, by=by, reason=Reason.SYNC)
    return copy


@transaction.atomic
def model_update_dismiss(*, plan: Plan, model_entry: Entry, seen_version: int, by) -> None:
    """Set an update aside, changing nothing in the city's text, until the model changes again."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    model = Entry.objects.get(pk=model_entry.pk)
    copy = Entry.objects.filter(plan=plan, origin=model).first()
    _check_pending(plan=plan, model=model, copy=copy, seen_version=seen_version)
    dismissal, created = ModelUpdateDismissal.objects.get_or_create(
        plan=plan,
        model_entry=model,
        defaults={"version": model.version, "dismissed_by": by},
    )
    if not created:
        dismissal.version, dismissal.dismissed_by = model.version, by
        dismissal.dismissed_at = timezone.now()
        dismissal.save()
    plan_touch(plan.pk)

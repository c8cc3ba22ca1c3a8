"""Changes to a plan's focus areas and entries. Each one is a stored revision (who, when, why)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cities.common.errors import DomainError
from cities.common.slugs import slug_from, unique_slug
from plans.models import RESERVED_SLUGS, CoreValue, Entry, FocusArea, Plan, Status
from plans.revisions import Reason, entry_revisions_record

# What a coordinator writes about an entry (the edit form shows these), and its relations.
ENTRY_FIELDS = [
    "title",
    "kind",
    "focus_area",
    "summary",
    "body",
    "source",
    "cost",
    "effort",
    "horizon",
    "departments",
    "funder",
    "eligibility",
    "cycle",
    "unverified",
    "verification_note",
]
ENTRY_RELATIONS = ["core_values", "tags", "also_sources", "related"]
FOCUS_AREA_FIELDS = ["title", "summary"]


class StaleEditError(Exception):
    """The form was based on an older version than the one now saved."""

    def __init__(self, current):
        super().__init__(f"{current} changed since the form was opened")
        self.current = current


def _slug_for(model, *, plan: Plan, slug: str, title: str, free_suffix: bool = False) -> str:
    """The slug of a new focus area or entry of `plan`: the one typed, or one made from the title.

    A typed slug that the plan already uses is refused, with a message for the slug field; so is
    one made from the title, unless `free_suffix` lets it take the first free `-2`, `-3`, ...
    (for forms that have no slug field to correct it in).
    """
    max_length = model._meta.get_field("slug").max_length
    in_plan = model.objects.filter(plan=plan)
    if free_suffix and not slug.strip():
        return unique_slug(
            in_plan,
            title,
            max_length=max_length,
            fallback=model._meta.model_name,
            reserved=RESERVED_SLUGS,
        )
    chosen = slug_from(slug or title, max_length=max_length)
    if not chosen:
        raise DomainError({"slug": _("Use letters, numbers and hyphens.")}, code="invalid")
    if in_plan.filter(slug=chosen).exists():
        if slug.strip():
            message = _("“%(slug)s” is already used in this plan; type another slug.")
        else:
            message = _(
                "The address made from this title, “%(slug)s”, is already used in this plan; "
                "type another slug."
            )
        raise DomainError({"slug": DomainError(message, code="taken", params={"slug": chosen})})
    return chosen


def _save(instance, *, by, reason: str, **kwargs) -> None:
    instance._history_user = by
    instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as error:
        # Two people created the same slug at the same moment: the database said no.
        raise DomainError({"slug": _("This slug was just taken; choose another.")}) from error


def _set_relations(entry: Entry, relations: dict[str, Any]) -> None:
    if "core_values" in relations:
        keys = [getattr(v, "key", v) for v in relations["core_values"]]
        entry.core_values.set(CoreValue.objects.filter(key__in=keys))
    if "tags" in relations:
        entry.tags.set(list(relations["tags"]))
    if "also_sources" in relations:
        entry.also_sources.set(relations["also_sources"])
    if "related" in relations:
        entry.related.set([e for e in relations["related"] if e.pk != entry.pk])


def _relations_snapshot(relations: dict[str, Any], current: Entry | None) -> dict:
    snapshot = current.relations_snapshot() if current is not None else {}
    if "core_values" in relations:
        snapshot["core_values"] = sorted(getattr(v, "key", v) for v in relations["core_values"])
    if "tags" in relations:
        snapshot["tags"] = sorted(relations["tags"])
    if "also_sources" in relations:
        snapshot["also_sources"] = sorted(s.key for s in relations["also_sources"])
    if "related" in relations:
        snapshot["related"] = sorted(e.slug for e in relations["related"])
    return snapshot


def _next_order(queryset) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def entry_create(*, plan: Plan, values: dict[str, Any], by=None) -> Entry:
    """Add an entry to a plan, at the end of its focus area."""
    fields = {name: values[name] for name in ENTRY_FIELDS if name in values}
    entry = Entry(plan=plan, **fields)
    entry.slug = _slug_for(
        Entry, plan=plan, slug=values.get("slug", ""), title=values.get("title", "")
    )
    entry.order = _next_order(Entry.objects.filter(focus_area=entry.focus_area))
    entry.full_clean()
    entry.skip_history_when_saving = True
    _save(entry, by=by, reason=Reason.CREATE)
    del entry.skip_history_when_saving
    relations = {name: values[name] for name in ENTRY_RELATIONS if name in values}
    _set_relations(entry, relations)
    # The revision is stored after the tags and links exist, so it shows them.
    entry_revisions_record(
        [entry],
        relations={entry.pk: _relations_snapshot(relations, entry)},
        reason=Reason.CREATE,
        user=by,
        created=True,
    )
    return entry


@transaction.atomic
def entry_update(*, entry: Entry, values: dict[str, Any], expected_version: int, by=None) -> Entry:
    """Save a coordinator's edit, unless someone else saved the entry since they opened it."""
    current = Entry.objects.select_for_update().select_related("plan").get(pk=entry.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    moved = "focus_area" in values and values["focus_area"].pk != current.focus_area_id
    for name in ENTRY_FIELDS:
        if name in values:
            setattr(current, name, values[name])
    if moved:
        current.order = _next_order(Entry.objects.filter(focus_area=current.focus_area))
    current.full_clean()
    relations = {name: values[name] for name in ENTRY_RELATIONS if name in values}
    _set_relations(current, relations)
    current._relations_snapshot = _relations_snapshot(relations, current)
    _save(current, by=by, reason=Reason.EDIT)
    return current


def _set_entry_status(*, entry: Entry, status: str, reason: str, by) -> Entry:
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if current.status != status:
        current.status = status
        _save(current, by=by, reason=reason)
    return current


@transaction.atomic
def entry_retire(*, entry: Entry, by=None) -> Entry:
    """Take an entry out of the lists; its page stays, with a notice."""
    return _set_entry_status(entry=entry, status=Status.RETIRED, reason=Reason.RETIRE, by=by)


@transaction.atomic
def entry_restore(*, entry: Entry, by=None) -> Entry:
    """Bring a retired entry back into the lists."""
    return _set_entry_status(entry=entry, status=Status.ACTIVE, reason=Reason.RESTORE, by=by)


def _move(scope: list, target, direction: str, *, by, same=lambda item: True) -> bool:
    """Swap `target`'s place with its neighbour among the `same` items of `scope` (in order).

    Retired items are skipped: nobody sees them in the lists they would move in.

    Only the two that trade places are saved (and get a revision), unless the
    places were not distinct, in which case the whole scope is numbered 1, 2, 3...
    """
    if direction not in ("up", "down"):
        return False
    if len({item.order for item in scope}) < len(scope):
        for position, item in enumerate(scope, start=1):
            if item.order != position:
                item.order = position
                _save(item, by=by, reason=Reason.MOVE)
    items = [item for item in scope if same(item)]
    index = next((i for i, item in enumerate(items) if item.pk == target.pk), None)
    if index is None:
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    first, second = items[index], items[other]
    first.order, second.order = second.order, first.order
    _save(first, by=by, reason=Reason.MOVE)
    _save(second, by=by, reason=Reason.MOVE)
    return True


@transaction.atomic
def entry_move(*, entry: Entry, direction: str, by=None) -> bool:
    """Move an entry one place up or down among the entries of its kind in its focus area."""
    scope = list(
        Entry.objects.select_for_update()
        .filter(focus_area_id=entry.focus_area_id)
        .order_by("order", "pk")
    )
    current = next(item for item in scope if item.pk == entry.pk)
    return _move(
        scope,
        current,
        direction,
        by=by,
        same=lambda item: item.kind == current.kind and not item.is_retired,
    )


@transaction.atomic
def focus_area_create(*, plan: Plan, values: dict[str, Any], by=None) -> FocusArea:
    """Add a focus area at the end of the plan."""
    focus_area = FocusArea(plan=plan, **{n: values[n] for n in FOCUS_AREA_FIELDS if n in values})
    focus_area.slug = _slug_for(
        FocusArea, plan=plan, slug=values.get("slug", ""), title=values.get("title", "")
    )
    focus_area.order = _next_order(FocusArea.objects.filter(plan=plan))
    focus_area.full_clean()
    _save(focus_area, by=by, reason=Reason.CREATE)
    return focus_area


@transaction.atomic
def focus_area_update(
    *, focus_area: FocusArea, values: dict[str, Any], expected_version: int, by=None
) -> FocusArea:
    """Save an edit of a focus area's title and summary, unless it changed meanwhile."""
    current = FocusArea.objects.select_for_update().get(pk=focus_area.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    for name in FOCUS_AREA_FIELDS:
        if name in values:
            setattr(current, name, values[name])
    current.full_clean()
    _save(current, by=by, reason=Reason.EDIT)
    return current


def _set_focus_area_status(*, focus_area: FocusArea, status: str, reason: str, by) -> FocusArea:
    current = FocusArea.objects.select_for_update().get(pk=focus_area.pk)
    if current.status != status:
        current.status = status
        _save(current, by=by, reason=reason)
    return current


@transaction.atomic
def focus_area_retire(*, focus_area: FocusArea, by=None) -> FocusArea:
    """Take a focus area (and so its entries) out of the lists; its pages stay reachable."""
    return _set_focus_area_status(
        focus_area=focus_area, status=Status.RETIRED, reason=Reason.RETIRE, by=by
    )


@transaction.atomic
def focus_area_restore(*, focus_area: FocusArea, by=None) -> FocusArea:
    """Bring a retired focus area back."""
    return _set_focus_area_status(
        focus_area=focus_area, status=Status.ACTIVE, reason=Reason.RESTORE, by=by
    )


@transaction.atomic
def focus_area_move(*, focus_area: FocusArea, direction: str, by=None) -> bool:
    """Move a focus area one place up or down in its plan; False at either end."""
    scope = list(
        FocusArea.objects.select_for_update()
        .filter(plan_id=focus_area.plan_id)
        .order_by("order", "pk")
    )
    return _move(scope, focus_area, direction, by=by, same=lambda item: not item.is_retired)

"""Load the model plan (sources, focus areas, entries) from fixtures/model_plan.yaml.

Safe to run again: rows already up to date are left alone and get no new
revision. The fixture updates a focus area or an entry only while its latest
revision came from the fixture; once a coordinator has changed it in the site,
their version wins. Everything is written in a few bulk queries, since the test
suite loads the seed data often.
"""

from collections import defaultdict
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from cities.common.rows import assign_changes
from plans.models import (
    CoreValue,
    Entry,
    FocusArea,
    Plan,
    Source,
    Status,
    TaggedEntry,
    plan_touch,
)
from plans.revisions import Reason, entry_revisions_record, focus_area_revisions_record

ENTRY_TEXT_FIELDS = [
    "kind",
    "title",
    "summary",
    "body",
    "cost",
    "effort",
    "horizon",
    "funder",
    "eligibility",
    "cycle",
    "verification_note",
]
RELATIONS = ["core_values", "tags", "also_sources", "related"]


class SeedError(ValueError):
    """The fixture refers to something it does not define, or defines it twice."""


def _check(data: dict) -> None:
    problems = []
    sources = {row["key"] for row in data["sources"]}
    areas = {row["slug"] for row in data["focus_areas"]}
    slugs = [row["slug"] for row in data["entries"]]
    values = set(CoreValue.Key.values)
    for name, keys in [
        ("source", [r["key"] for r in data["sources"]]),
        ("focus area", [r["slug"] for r in data["focus_areas"]]),
        ("entry", slugs),
    ]:
        problems += [f"{name} {key!r} is defined twice" for key in set(keys) if keys.count(key) > 1]
    for row in data["entries"]:
        where = f"entry {row['slug']!r}"
        if row["focus_area"] not in areas:
            problems.append(f"{where}: unknown focus area {row['focus_area']!r}")
        for key in [row.get("source"), *row.get("also_sources", [])]:
            if key and key not in sources:
                problems.append(f"{where}: unknown source {key!r}")
        problems += [
            f"{where}: unknown related entry {s!r}"
            for s in row.get("related", [])
            if s not in slugs
        ]
        problems += [
            f"{where}: unknown core value {v!r}"
            for v in row.get("core_values", [])
            if v not in values
        ]
    if problems:
        raise SeedError("The model plan fixture has problems:\n  " + "\n  ".join(problems))


def _seed_owned(queryset, history_model):
    """Annotate whether each row's latest revision came from this fixture (not from a person)."""
    latest = history_model.objects.filter(id=OuterRef("pk")).order_by(
        "-history_date", "-history_id"
    )
    return queryset.annotate(last_reason=Subquery(latest.values("history_change_reason")[:1]))


def _plan(row: dict) -> tuple[Plan, int, int]:
    plan = Plan.objects.model_plan()
    values = {
        "title": row["title"],
        "summary": row["summary"].strip(),
        "vision": row["vision"].strip(),
        "status": Plan.Status.PUBLISHED,
    }
    if plan is None:
        plan = Plan(kind=Plan.Kind.MODEL, published_at=timezone.now(), **values)
        plan.full_clean()
        plan.save()
        return plan, 1, 0
    if assign_changes(plan, values):
        plan.full_clean()
        plan.save()
        return plan, 0, 1
    return plan, 0, 0


def _sources(rows: list[dict]) -> tuple[dict[str, Source], int, int]:
    existing = {source.key: source for source in Source.objects.all()}
    new, changed = [], []
    for row in rows:
        values = {k: row.get(k, "") for k in ("title", "publisher", "url")}
        source = existing.get(row["key"])
        if source is None:
            source = Source(key=row["key"], **values)
            new.append(source)
        elif assign_changes(source, values):
            changed.append(source)
        else:
            continue
        source.full_clean(validate_unique=False)
    Source.objects.bulk_create(new)
    Source.objects.bulk_update(changed, ["title", "publisher", "url"])
    for source in new:
        existing[source.key] = source
    return existing, len(new), len(changed)


def _focus_areas(plan: Plan, rows: list[dict]) -> tuple[dict[str, FocusArea], int, int]:
    existing = {
        area.slug: area
        for area in _seed_owned(FocusArea.objects.filter(plan=plan), FocusArea.history.model)
    }
    new, changed = [], []
    for order, row in enumerate(rows, start=1):
        values = {"title": row["title"], "summary": row["summary"].strip(), "order": order}
        area = existing.get(row["slug"])
        if area is None:
            area = FocusArea(plan=plan, slug=row["slug"], **values)
            new.append(area)
        elif area.last_reason == Reason.SEED and assign_changes(area, values):
            area.version += 1
            area.updated_at = timezone.now()
            changed.append(area)
        else:
            continue
        area.full_clean(
            exclude=["plan", "origin"], validate_unique=False, validate_constraints=False
        )
    FocusArea.objects.bulk_create(new)
    FocusArea.objects.bulk_update(changed, ["title", "summary", "order", "version", "updated_at"])
    focus_area_revisions_record(new, reason=Reason.SEED, created=True)
    focus_area_revisions_record(changed, reason=Reason.SEED, created=False)
    for area in new:
        existing[area.slug] = area
    return existing, len(new), len(changed)


def _current_relations(plan: Plan) -> dict[int, dict[str, dict[str, int]]]:
    """Each entry's related rows now: {entry id: {relation: {key: through-row id}}}."""
    current = defaultdict(lambda: {name: {} for name in RELATIONS})
    queries = {
        "core_values": Entry.core_values.through.objects.filter(entry__plan=plan).values_list(
            "entry_id", "corevalue__key", "pk"
        ),
        "tags": TaggedEntry.objects.filter(content_object__plan=plan).values_list(
            "content_object_id", "tag__name", "pk"
        ),
        "also_sources": Entry.also_sources.through.objects.filter(entry__plan=plan).values_list(
            "entry_id", "source__key", "pk"
        ),
        "related": Entry.related.through.objects.filter(from_entry__plan=plan).values_list(
            "from_entry_id", "to_entry__slug", "pk"
        ),
    }
    for name, rows in queries.items():
        for entry_id, key, row_id in rows:
            current[entry_id][name][key] = row_id
    return current


def _tags(names: set[str]) -> dict[str, int]:
    tags = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    missing = sorted(names - tags.keys())
    if missing:
        taken = set(
            Tag.objects.filter(slug__in=[slugify(n) for n in missing]).values_list(
                "slug", flat=True
            )
        )
        Tag.objects.bulk_create(
            [Tag(name=n, slug=slugify(n)) for n in missing if slugify(n) not in taken]
        )
        for name in missing:
            if slugify(name) in taken:
                Tag.objects.create(name=name)  # taggit finds a free slug
        tags = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    return tags


def _core_values() -> dict[str, int]:
    """The five core values' ids (made here if missing, as after a test database flush)."""
    ids = dict(CoreValue.objects.values_list("key", "pk"))
    missing = [
        CoreValue(key=key, order=order)
        for order, key in enumerate(CoreValue.Key.values, start=1)
        if key not in ids
    ]
    if missing:
        CoreValue.objects.bulk_create(missing)
        ids = dict(CoreValue.objects.values_list("key", "pk"))
    return ids


def _entries(plan, rows, focus_areas, sources) -> tuple[int, int]:
    existing = {
        entry.slug: entry
        for entry in _seed_owned(Entry.objects.filter(plan=plan), Entry.history.model)
    }
    positions = defaultdict(int)
    new, changed, wanted = [], [], {}
    for row in rows:
        positions[row["focus_area"]] += 1
        values = {name: (row.get(name) or "") for name in ENTRY_TEXT_FIELDS}
        values["body"] = values["body"].strip()
        values["summary"] = values["summary"].strip()
        values |= {
            "focus_area_id": focus_areas[row["focus_area"]].pk,
            "source_id": sources[row["source"]].pk if row.get("source") else None,
            "departments": list(row.get("departments") or []),
            "unverified": bool(row.get("unverified")),
            "order": positions[row["focus_area"]],
        }
        entry = existing.get(row["slug"])
        if entry is None:
            entry = Entry(plan=plan, slug=row["slug"], status=Status.ACTIVE, **values)
            new.append(entry)
        elif entry.last_reason != Reason.SEED:
            continue  # changed in the site since it was loaded: the coordinators' version wins
        elif assign_changes(entry, values):
            changed.append(entry)
        entry.focus_area = focus_areas[row["focus_area"]]  # cached for clean(): no query
        entry.full_clean(
            exclude=["plan", "focus_area", "source", "origin"],
            validate_unique=False,
            validate_constraints=False,
        )
        wanted[row["slug"]] = {
            "core_values": sorted(row.get("core_values") or []),
            "tags": sorted(row.get("tags") or []),
            "also_sources": sorted(row.get("also_sources") or []),
            "related": sorted(row.get("related") or []),
        }
    Entry.objects.bulk_create(new)
    by_slug = {**existing, **{entry.slug: entry for entry in new}}

    # Bring each relation in line with the fixture, in one insert and one delete per table.
    current = _current_relations(plan)
    tag_ids = _tags({name for lists in wanted.values() for name in lists["tags"]})
    value_ids = _core_values()
    through = {
        "core_values": (
            Entry.core_values.through,
            lambda entry, key: {"entry_id": entry.pk, "corevalue_id": value_ids[key]},
        ),
        "tags": (
            TaggedEntry,
            lambda entry, key: {"content_object_id": entry.pk, "tag_id": tag_ids[key]},
        ),
        "also_sources": (
            Entry.also_sources.through,
            lambda entry, key: {"entry_id": entry.pk, "source_id": sources[key].pk},
        ),
        "related": (
            Entry.related.through,
            lambda entry, key: {"from_entry_id": entry.pk, "to_entry_id": by_slug[key].pk},
        ),
    }
    relations_changed = set()
    for name, (model, make) in through.items():
        add, remove = [], []
        for slug, lists in wanted.items():
            entry = by_slug[slug]
            now = current[entry.pk][name]
            add += [model(**make(entry, key)) for key in lists[name] if key not in now]
            remove += [row_id for key, row_id in now.items() if key not in lists[name]]
            if set(now) != set(lists[name]):
                relations_changed.add(slug)
        model.objects.bulk_create(add)
        model.objects.filter(pk__in=remove).delete()

    changed_slugs = {entry.slug for entry in changed}
    new_slugs = {entry.slug for entry in new}
    changed += [by_slug[s] for s in relations_changed - changed_slugs - new_slugs]
    for entry in changed:
        entry.version += 1
        entry.updated_at = timezone.now()
    fields = ["version", "updated_at", "focus_area_id", "source_id", "departments", "unverified"]
    Entry.objects.bulk_update(changed, [*ENTRY_TEXT_FIELDS, "order", *fields])
    revisions = {by_slug[slug].pk: lists for slug, lists in wanted.items()}
    entry_revisions_record(new, relations=revisions, reason=Reason.SEED, created=True)
    entry_revisions_record(changed, relations=revisions, reason=Reason.SEED, created=False)
    return len(new), len(changed)


@transaction.atomic
def model_plan_load(*, path: Path) -> dict[str, int]:
    """Create or update the model plan from its fixture; return the rows created and updated."""
    # The C loader, where PyYAML has it, reads the fixture ten times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    _check(data)
    plan, *plan_counts = _plan(data["plan"])
    sources, *source_counts = _sources(data["sources"])
    focus_areas, *area_counts = _focus_areas(plan, data["focus_areas"])
    entry_counts = _entries(plan, data["entries"], focus_areas, sources)
    counts = [plan_counts, source_counts, area_counts, entry_counts]
    created, updated = sum(c[0] for c in counts), sum(c[1] for c in counts)
    if sum(source_counts) or sum(area_counts) or sum(entry_counts):
        plan_touch(plan.pk)
    return {
        "created": created,
        "updated": updated,
        "entries": Entry.objects.filter(plan=plan).count(),
    }

"""A plan as plain data: what every package format is written from.

The shape is documented in toolkit.downloads.builders.SNAPSHOT_DOC and is exactly
the JSON package's content.
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cities.common import cache, site
from cities.common.text import render_markdown
from plans.models import Entry, FocusArea, Plan, Status
from toolkit.downloads.builders import SNAPSHOT_VERSION
from toolkit.downloads.packages import PackageSpec

LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
ATTRIBUTION = (
    "From the model smart city plan of the Open Sourced Smart City Collaborative, led by the "
    "City of West Hollywood, shared under CC BY 4.0."
)


def _source(source) -> dict:
    if source is None:
        return {"title": "", "publisher": "", "url": ""}
    return {"title": source.title, "publisher": source.publisher, "url": source.url}


def entry_text(entry: Entry, *, top_heading: int) -> dict:
    """What every package says of an entry first: its kind, title, summary and text."""
    return {
        "slug": entry.slug,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "title": entry.title,
        "summary": entry.summary,
        "body_markdown": entry.body,
        "body_html": str(render_markdown(entry.body, top_heading=top_heading)),
    }


def entry_data(entry: Entry, focus_area: FocusArea) -> dict:
    """An entry of the model plan as every package (and the public API) gives it."""
    path = reverse("plans:entry-detail", kwargs={"focus_area": focus_area.slug, "slug": entry.slug})
    return {
        **entry_text(entry, top_heading=3),
        "core_values": [str(value) for value in entry.core_values.all()],
        "tags": sorted(tag.name for tag in entry.tags.all()),
        "source": _source(entry.source),
        "also_sources": [_source(source) for source in entry.also_sources.all()],
        "cost": entry.cost,
        "effort": str(entry.get_effort_display()) if entry.effort else "",
        "departments": list(entry.departments),
        "horizon": str(entry.get_horizon_display()) if entry.horizon else "",
        "funder": entry.funder,
        "eligibility": entry.eligibility,
        "cycle": entry.cycle,
        "related": sorted(
            other.slug
            for other in entry.related.all()
            if other.status == Status.ACTIVE and other.plan_id == entry.plan_id
        ),
        "unverified": entry.unverified,
        "verification_note": entry.verification_note,
        "url": site.absolute(path),
        "updated_at": entry.updated_at.isoformat(),
    }


def plan_snapshot(plan: Plan, *, focus_area: FocusArea | None = None) -> dict:
    """The plan (or one of its focus areas) as the versioned package structure."""
    entries = (
        Entry.objects.filter(status=Status.ACTIVE)
        .select_related("source")
        .prefetch_related("core_values", "tags", "also_sources", "related")
        .order_by("order", "pk")
    )
    areas = (
        plan.focus_areas.filter(status=Status.ACTIVE)
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("order", "pk")
    )
    if focus_area is not None:
        areas = areas.filter(pk=focus_area.pk)
    with_entries = []
    for area in areas:
        with_entries.append(
            {
                "slug": area.slug,
                "title": area.title,
                "summary": area.summary,
                "url": site.absolute(area.get_absolute_url()),
                "entries": [entry_data(entry, area) for entry in area.entries.all()],
            }
        )
    return {
        "format": "smart-city-toolkit",
        "version": SNAPSHOT_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "revision": str(plan.revision),
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "plan": {
            "title": plan.title,
            "summary": plan.summary,
            "vision": plan.vision,
            "url": site.absolute(reverse("plans:toolkit-home")),
        },
        "scope": {
            "kind": "focus-area" if focus_area else "whole",
            "slug": focus_area.slug if focus_area else None,
            "title": focus_area.title if focus_area else "The whole toolkit",
        },
        "focus_areas": with_entries,
    }


WHOLE = "whole"


def toolkit_specs(plan: Plan) -> list[PackageSpec]:
    """The downloadable packages of the model plan: the whole toolkit, then each focus area."""
    areas = list(plan.focus_areas.filter(status=Status.ACTIVE).order_by("order", "pk"))
    updated_at = plan.content_changed_at or plan.updated_at
    specs = [
        PackageSpec(
            key="toolkit",
            slug=WHOLE,
            title=str(_("The whole toolkit")),
            stem="smart-city-toolkit",
            revision=str(plan.revision),
            updated_at=updated_at,
            snapshot=lambda: plan_snapshot(plan),
        )
    ]
    for area in areas:
        specs.append(
            PackageSpec(
                key=f"toolkit/{area.slug}",
                slug=area.slug,
                title=area.title,
                stem=f"smart-city-toolkit-{area.slug}",
                revision=str(plan.revision),
                updated_at=updated_at,
                snapshot=lambda area=area: plan_snapshot(plan, focus_area=area),
            )
        )
    return specs


_held: dict[tuple, tuple[Plan | None, list[PackageSpec]]] = {}


def model_plan_specs() -> tuple[Plan | None, list[PackageSpec]]:
    """The model plan and its packages, read once per process, content generation and language.

    Every download asks for them, and they change only with the content: one round trip to
    the cache instead of two queries.
    """
    key = (*cache.generations((cache.CONTENT,)), get_language())
    if key not in _held:
        plan = Plan.objects.model_plan()
        _held.clear()
        _held[key] = (plan, toolkit_specs(plan) if plan else [])
    return _held[key]

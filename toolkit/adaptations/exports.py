"""A city's adaptation as downloadable files: PDF, DOCX, CSV and JSON.

The same machinery as the toolkit's packages (toolkit.downloads): built once per revision
of the adaptation, kept on disk, served with ranges, and each full download recorded. The
downloads are recorded under the package key "adaptation/<city slug>", so they never count
towards the toolkit downloads measure (which counts keys starting with "toolkit").
"""

import hashlib

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cities.common.site import absolute
from cities.common.text import render_markdown
from plans.models import Decision, Entry, FocusArea, Plan, Status
from toolkit.adaptations.reads import Rollup, progress_rollup, progress_rollups
from toolkit.downloads.builders import _HtmlToDocx, _no_fetching, write_json, write_table
from toolkit.downloads.packages import PackageSpec
from toolkit.downloads.snapshots import LICENCE, entry_text
from toolkit.downloads.views import package_send

# Version 2: progress counts the city's own entries ("in_plan", was "adopted_or_adapted"),
# with the share done.
SNAPSHOT_VERSION = 2

# The formats an adaptation downloads in, with how its page offers each.
FORMATS = {
    "pdf": _("PDF, to print or share"),
    "docx": _("Word (DOCX), to edit"),
    "csv": _("Spreadsheet (CSV)"),
    "json": _("Data (JSON)"),
}


def package_key(city) -> str:
    return f"adaptation/{city.slug}"


def progress_data(rollup) -> dict:
    """A roll-up as plain data: the adaptation files and the public API give it so."""
    return {
        "in_plan": rollup.total,
        "done": rollup.done,
        "done_percent": rollup.done_percent,
        "in_progress": rollup.in_progress,
        "planned": rollup.planned,
        "not_started": rollup.not_started,
        "decisions": dict(rollup.decisions),
    }


def _entry(entry: Entry, plan: Plan) -> dict:
    origin = entry.origin
    return {
        **entry_text(entry, top_heading=4),
        "decision": entry.decision,
        "decision_label": str(entry.get_decision_display()),
        "not_applicable_reason": entry.decision_note,
        "status": entry.progress,
        "status_label": str(entry.get_progress_display()) if entry.progress else "",
        "owner_department": entry.owner_department,
        "target_date": entry.target_date.isoformat() if entry.target_date else "",
        "progress_note": entry.progress_note,
        "model_entry": (
            {
                "slug": origin.slug,
                "version": entry.origin_version,
                "url": absolute(
                    reverse(
                        "plans:entry-detail",
                        kwargs={"focus_area": origin.focus_area.slug, "slug": origin.slug},
                    )
                ),
            }
            if origin is not None
            else None
        ),
        "url": absolute(
            reverse("adaptations:entry-detail", kwargs={"city": plan.city.slug, "slug": entry.slug})
        ),
        "updated_at": entry.updated_at.isoformat(),
    }


def adaptation_snapshot(plan: Plan) -> dict:
    """The adaptation as plain data: what every format is written from (and the JSON file)."""
    with translation.override("en"):
        rollup = progress_rollup(plan)
        areas = list(FocusArea.objects.filter(plan=plan).active().order_by("order", "pk"))
        entries = (
            Entry.objects.filter(plan=plan, status=Status.ACTIVE)
            .select_related("origin", "origin__focus_area")
            .order_by("order", "pk")
        )
        by_area = {area.pk: [] for area in areas}
        for entry in entries:
            if entry.focus_area_id in by_area:
                by_area[entry.focus_area_id].append(_entry(entry, plan))
        city = plan.city
        return {
            "format": "smart-city-adaptation",
            "version": SNAPSHOT_VERSION,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "revision": f"{plan.pk}.{plan.revision}",
            "licence": LICENCE,
            "attribution": (
                f"Adapted by the City of {city.name} from the model smart city plan of the Open "
                "Sourced Smart City Collaborative, led by the City of West Hollywood, shared "
                "under CC BY 4.0."
            ),
            "city": {
                "name": city.name,
                "slug": city.slug,
                "url": absolute(city.get_absolute_url()),
            },
            "plan": {
                "title": plan.title,
                "summary": plan.summary,
                "vision": plan.vision,
                "vision_html": str(render_markdown(plan.vision, top_heading=3)),
                "status": plan.status,
                "published_at": plan.published_at.isoformat() if plan.published_at else None,
                "url": absolute(
                    reverse("adaptations:adaptation-detail", kwargs={"city": city.slug})
                ),
            },
            "progress": progress_data(rollup.whole),
            "focus_areas": [
                {
                    "slug": area.slug,
                    "title": area.title,
                    "progress": progress_data(rollup.of(area.pk)),
                    "entries": by_area[area.pk],
                }
                for area in areas
            ],
        }


def progress_line(progress: dict) -> str:
    """The progress of a whole adaptation or of a focus area, in one English sentence."""
    if not progress["in_plan"]:
        return "No entry is in the city's plan yet (adopted, adapted or its own)."
    return (
        f"Of {progress['in_plan']} entries in the city's plan (adopted, adapted or its own): "
        f"{progress['done']} done ({progress['done_percent']}%), "
        f"{progress['in_progress']} in progress, {progress['planned']} planned, "
        f"{progress['not_started']} not started."
    )


CSV_COLUMNS = [
    ("focus_area", "Focus area"),
    ("title", "Entry"),
    ("kind_label", "Kind"),
    ("decision_label", "Decision"),
    ("not_applicable_reason", "Why it does not apply"),
    ("status_label", "Status"),
    ("owner_department", "Owner department"),
    ("target_date", "Target date"),
    ("progress_note", "Progress note"),
    ("summary", "Summary"),
    ("model_url", "Model plan entry"),
    ("url", "Web page"),
    ("body_markdown", "Full text (Markdown)"),
]


def write_csv(snapshot: dict, out) -> None:
    rows = (
        {
            **entry,
            "focus_area": area["title"],
            "model_url": (entry["model_entry"] or {}).get("url", ""),
        }
        for area in snapshot["focus_areas"]
        for entry in area["entries"]
    )
    notes = [snapshot["plan"]["title"], "Progress: " + progress_line(snapshot["progress"])]
    write_table(out, CSV_COLUMNS, rows, notes=notes)


def write_docx(snapshot: dict, out) -> None:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    plan = snapshot["plan"]
    document.core_properties.title = plan["title"]
    document.core_properties.subject = f"Smart city plan of {snapshot['city']['name']}"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(plan["title"], level=0)
    document.add_paragraph(snapshot["city"]["name"], style="Subtitle")
    if plan["summary"]:
        document.add_paragraph(plan["summary"])
    if plan["vision"]:
        document.add_heading("Vision", level=1)
        _HtmlToDocx(document).feed(plan["vision_html"])
    document.add_heading("Progress", level=1)
    document.add_paragraph(progress_line(snapshot["progress"]))
    document.add_paragraph(snapshot["attribution"]).italic = True
    for area in snapshot["focus_areas"]:
        document.add_heading(area["title"], level=1)
        document.add_paragraph(progress_line(area["progress"]))
        for entry in area["entries"]:
            document.add_heading(entry["title"], level=2)
            facts = document.add_paragraph()
            facts.add_run(f"{entry['kind_label']}. Decision: ").bold = True
            facts.add_run(entry["decision_label"])
            if entry["not_applicable_reason"]:
                facts.add_run(f" ({entry['not_applicable_reason']})")
            if entry["decision"] not in (Decision.NOT_APPLICABLE, Decision.UNDECIDED):
                facts.add_run(". Status: ").bold = True
                facts.add_run(entry["status_label"])
                if entry["owner_department"]:
                    facts.add_run(". Owner: ").bold = True
                    facts.add_run(entry["owner_department"])
                if entry["target_date"]:
                    facts.add_run(". Target date: ").bold = True
                    facts.add_run(entry["target_date"])
            document.add_paragraph(entry["summary"])
            _HtmlToDocx(document).feed(entry["body_html"])
            if entry["progress_note"]:
                note = document.add_paragraph()
                note.add_run("Progress note: ").bold = True
                note.add_run(entry["progress_note"])
    document.save(out)


def write_pdf(snapshot: dict, out) -> None:
    from weasyprint import HTML

    with translation.override("en"):
        html = render_to_string("adaptations/adaptation.pdf.html", {"snapshot": snapshot})
    HTML(string=html, url_fetcher=_no_fetching, base_url="/").write_pdf(target=out)


WRITERS = {"pdf": write_pdf, "docx": write_docx, "csv": write_csv, "json": write_json}


def adaptation_spec(plan: Plan) -> PackageSpec:
    """The downloadable package of one city's adaptation (its own revision, its own count)."""
    return PackageSpec(
        key=package_key(plan.city),
        slug=plan.city.slug,
        title=plan.title,
        stem=f"smart-city-plan-{plan.city.slug}",
        revision=f"{plan.pk}.{plan.revision}",
        updated_at=plan.content_changed_at or plan.updated_at,
        snapshot=lambda: adaptation_snapshot(plan),
        writers=WRITERS,
    )


def adaptation_send(request, plan: Plan, format: str):
    """Send one format of the adaptation (built first if needed); a full GET is recorded."""
    return package_send(request, adaptation_spec(plan), format)


# --- Every published adaptation in one file ------------------------------------------------------


def published_adaptations():
    """The adaptations the public may read: published ones, with their city."""
    return Plan.objects.adaptations().published().select_related("city")


def adaptation_row(plan: Plan, rollup: Rollup) -> dict:
    """A published adaptation in brief: the API's list gives it so, and the all-adaptations file."""
    city = plan.city
    return {
        "city": {"name": city.name, "slug": city.slug},
        "title": plan.title,
        "summary": plan.summary,
        "published_at": plan.published_at.isoformat() if plan.published_at else None,
        "updated_at": (plan.content_changed_at or plan.updated_at).isoformat(),
        "progress": progress_data(rollup),
        "url": absolute(reverse("adaptations:adaptation-detail", kwargs={"city": city.slug})),
        "api_url": absolute(reverse("api:adaptation-detail", kwargs={"city": city.slug})),
    }


ALL_SNAPSHOT_VERSION = 1
# The formats the file of every published adaptation comes in.
ALL_FORMATS = {"csv": _("Spreadsheet (CSV)"), "json": _("Data (JSON)")}


def all_adaptations_snapshot() -> dict:
    """Every published adaptation, by city name: each as the API lists it, with its entries
    as its own JSON file gives them."""
    with translation.override("en"):
        plans = list(published_adaptations().order_by("city__name", "pk"))
        rollups = progress_rollups(plans)
        return {
            "format": "smart-city-adaptations",
            "version": ALL_SNAPSHOT_VERSION,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "licence": LICENCE,
            "attribution": (
                "Adapted by each city named from the model smart city plan of the Open Sourced "
                "Smart City Collaborative, led by the City of West Hollywood, shared under "
                "CC BY 4.0."
            ),
            "adaptations": [
                {
                    **adaptation_row(plan, rollups.get(plan.pk) or Rollup()),
                    "focus_areas": adaptation_snapshot(plan)["focus_areas"],
                }
                for plan in plans
            ],
        }


ALL_CSV_COLUMNS = [("city", "City"), *CSV_COLUMNS]


def write_all_csv(snapshot: dict, out) -> None:
    """One row per entry of every published adaptation, the city first."""
    rows = (
        {
            **entry,
            "city": adaptation["city"]["name"],
            "focus_area": area["title"],
            "model_url": (entry["model_entry"] or {}).get("url", ""),
        }
        for adaptation in snapshot["adaptations"]
        for area in adaptation["focus_areas"]
        for entry in area["entries"]
    )
    notes = ["Every published adaptation of the model smart city plan", snapshot["attribution"]]
    write_table(out, ALL_CSV_COLUMNS, rows, notes=notes)


def all_adaptations_spec() -> PackageSpec:
    """The package of every published adaptation: a new revision whenever one of them changes,
    is published or is withdrawn (one query)."""
    states = list(
        published_adaptations()
        .order_by("pk")
        .values_list("pk", "revision", "updated_at", "content_changed_at")
    )
    revision = hashlib.sha256(repr(states).encode()).hexdigest()[:16]
    moments = [changed or updated for _pk, _revision, updated, changed in states]
    return PackageSpec(
        key="adaptations/all",
        slug="all",
        title=str(_("Every published adaptation")),
        stem="smart-city-adaptations",
        revision=revision,
        updated_at=max(moments, default=None) or timezone.now(),
        snapshot=all_adaptations_snapshot,
        writers={"csv": write_all_csv, "json": write_json},
    )


def all_adaptations_send(request, format: str):
    """Send the file of every published adaptation in one format, as it is built."""
    return package_send(request, all_adaptations_spec(), format)

"""A city's adaptation as downloadable files: PDF, DOCX, CSV and JSON.

The same machinery as the toolkit's packages (toolkit.packages): built once per revision of
the adaptation, kept on disk, served with ranges, and each full download recorded. The
downloads are recorded under the package key "adaptation/<city slug>", so they never count
towards the toolkit downloads measure (which counts keys starting with "toolkit").
"""

import csv
import io
import logging

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from cities.common.text import render_markdown
from cities.models import City
from plans import permissions
from plans.adaptations import progress_rollup
from plans.models import Decision, Entry, FocusArea, Plan, Status
from toolkit.downloads import download_record
from toolkit.package_builders import _HtmlToDocx, _no_fetching, write_json
from toolkit.packages import PackageBuildError, PackageSpec, package_file, package_response
from toolkit.snapshots import LICENCE, absolute

logger = logging.getLogger(__name__)

SNAPSHOT_VERSION = 1
FORMATS = ("pdf", "docx", "csv", "json")


def package_key(city) -> str:
    return f"adaptation/{city.slug}"


def _rollup(rollup) -> dict:
    return {
        "adopted_or_adapted": rollup.total,
        "done": rollup.done,
        "in_progress": rollup.in_progress,
        "planned": rollup.planned,
        "not_started": rollup.not_started,
        "decisions": dict(rollup.decisions),
    }


def _entry(entry: Entry, plan: Plan) -> dict:
    origin = entry.origin
    return {
        "slug": entry.slug,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "title": entry.title,
        "summary": entry.summary,
        "body_markdown": entry.body,
        "body_html": str(render_markdown(entry.body, top_heading=4)),
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
            "progress": _rollup(rollup.whole),
            "focus_areas": [
                {
                    "slug": area.slug,
                    "title": area.title,
                    "progress": _rollup(rollup.of(area.pk)),
                    "entries": by_area[area.pk],
                }
                for area in areas
            ],
        }


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
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([label for _key, label in CSV_COLUMNS])
    for area in snapshot["focus_areas"]:
        for entry in area["entries"]:
            row = {
                **entry,
                "focus_area": area["title"],
                "model_url": (entry["model_entry"] or {}).get("url", ""),
            }
            writer.writerow([row[key] for key, _label in CSV_COLUMNS])
    text.detach()


def _progress_line(progress: dict) -> str:
    total = progress["adopted_or_adapted"]
    if not total:
        return "No entry adopted or adapted yet."
    return (
        f"Of {total} entries adopted or adapted: {progress['done']} done, "
        f"{progress['in_progress']} in progress, {progress['planned']} planned, "
        f"{progress['not_started']} not started."
    )


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
    document.add_paragraph(_progress_line(snapshot["progress"]))
    document.add_paragraph(snapshot["attribution"]).italic = True
    for area in snapshot["focus_areas"]:
        document.add_heading(area["title"], level=1)
        document.add_paragraph(_progress_line(area["progress"]))
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
        html = render_to_string("toolkit/packages/adaptation.pdf.html", {"snapshot": snapshot})
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


@require_safe
def adaptation_download(request, city: str, format: str):
    """Send one format of a city's adaptation to whoever may read it; a full GET is counted."""
    if format not in FORMATS:
        raise Http404
    city = get_object_or_404(City, slug=city)
    plan = Plan.objects.adaptations().filter(city=city).first()
    if plan is None or not permissions.can_see_adaptation(request.user, plan):
        raise Http404
    plan.city = city
    spec = adaptation_spec(plan)
    try:
        path = package_file(spec, format)
    except PackageBuildError:
        logger.exception("Building %s (%s) failed", spec.key, format)
        return render(request, "toolkit/download_failed.html", {"spec": spec}, status=503)
    return package_response(
        request,
        spec,
        format,
        path,
        record=lambda: download_record(request=request, package=spec.key, format=format),
    )

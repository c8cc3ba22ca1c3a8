"""The downloads page and the download itself, for the model plan's packages."""

import logging
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from plans.models import Plan
from toolkit.downloads.counting import download_record
from toolkit.downloads.packages import (
    FORMAT_NAMES,
    FORMATS,
    PackageBuildError,
    latest_size,
    package_file,
    package_response,
)
from toolkit.downloads.snapshots import toolkit_specs
from toolkit.grant import metrics
from toolkit.models import DownloadEvent

logger = logging.getLogger(__name__)


@dataclass
class FormatRow:
    format: str
    name: str
    size: int | None
    size_is_current: bool
    unique: int
    total: int


def download_counts(keys: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    """Unique and total human downloads per package and format (one query)."""
    rows = (
        DownloadEvent.objects.filter(package__in=keys)
        .values("package", "format")
        .annotate(
            unique=Count("unique_key", distinct=True, filter=Q(is_bot=False)),
            total=Count("pk", filter=Q(is_bot=False)),
        )
    )
    return {(row["package"], row["format"]): row for row in rows}


class DownloadsView(TemplateView):
    template_name = "downloads/downloads.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = Plan.objects.model_plan()
        specs = toolkit_specs(plan) if plan else []
        keys = [spec.key for spec in specs]
        counts = metrics.cached("download-counts", tuple(keys), lambda: download_counts(keys))
        packages = []
        for spec in specs:
            rows = []
            for format in FORMATS:
                size, current = latest_size(spec, format)
                count = counts.get((spec.key, format), {"unique": 0, "total": 0})
                rows.append(
                    FormatRow(
                        format=format,
                        name=FORMAT_NAMES[format],
                        size=size,
                        size_is_current=current,
                        unique=count["unique"],
                        total=count["total"],
                    )
                )
            packages.append((spec, rows))
        context.update(plan=plan, packages=packages)
        return context


@require_safe
def package_download(request, scope: str, format: str):
    """Send one package; a full GET is recorded as a download, HEAD and ranges are not."""
    plan = Plan.objects.model_plan()
    if plan is None or format not in FORMATS:
        raise Http404
    spec = next((spec for spec in toolkit_specs(plan) if spec.slug == scope), None)
    if spec is None:
        raise Http404
    return package_send(request, spec, format)


def package_send(request, spec, format: str):
    """Send one format of a package, built first if needed; a full GET is recorded."""
    try:
        path = package_file(spec, format)
    except PackageBuildError:
        logger.exception("Building %s (%s) failed", spec.key, format)
        return render(request, "downloads/download_failed.html", {"spec": spec}, status=503)
    return package_response(
        request,
        spec,
        format,
        path,
        record=lambda: download_record(request=request, package=spec.key, format=format),
    )

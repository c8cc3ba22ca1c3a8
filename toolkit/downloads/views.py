"""The downloads page and the download itself, for the model plan's packages."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from toolkit.downloads.counting import download_record
from toolkit.downloads.packages import FORMAT_NAMES, FORMATS, package_latest, package_response
from toolkit.downloads.snapshots import model_plan_specs
from toolkit.grant import metrics
from toolkit.models import COUNTED, NOT_REPEATED, DownloadEvent

# Seconds a visitor is asked to wait when no revision of a package has been built yet.
RETRY_AFTER = 30


@dataclass
class FormatRow:
    format: str
    name: str
    size: int | None
    size_is_current: bool
    revision: str | None  # of the file a download gets now
    unique: int
    total: int


def download_counts(keys: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    """Unique and total human downloads per package and format (one query)."""
    rows = (
        DownloadEvent.objects.filter(package__in=keys)
        .values("package", "format")
        .annotate(
            unique=Count("unique_key", distinct=True, filter=COUNTED),
            total=Count("pk", filter=COUNTED & NOT_REPEATED),
        )
    )
    return {(row["package"], row["format"]): row for row in rows}


class DownloadsView(TemplateView):
    template_name = "downloads/downloads.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, specs = model_plan_specs()
        keys = [spec.key for spec in specs]
        counts = metrics.cached("download-counts", tuple(keys), lambda: download_counts(keys))
        packages = []
        for spec in specs:
            rows = []
            for format in FORMATS:
                built = package_latest(spec, format)
                count = counts.get((spec.key, format), {"unique": 0, "total": 0})
                rows.append(
                    FormatRow(
                        format=format,
                        name=FORMAT_NAMES[format],
                        size=built.size if built else None,
                        size_is_current=bool(built and built.is_current),
                        revision=built.revision if built else None,
                        unique=count["unique"],
                        total=count["total"],
                    )
                )
            packages.append((spec, rows))
        preparing = any(not row.size_is_current for _spec, rows in packages for row in rows)
        context.update(plan=plan, packages=packages, preparing=preparing)
        return context


@require_safe
def package_download(request, scope: str, format: str):
    """Send one package; a full GET is recorded as a download, HEAD and ranges are not."""
    plan, specs = model_plan_specs()
    if plan is None or format not in FORMATS:
        raise Http404
    spec = next((spec for spec in specs if spec.slug == scope), None)
    if spec is None:
        raise Http404
    return package_send(request, spec, format)


def _counted_or_refused(request, spec, format: str):
    """Record the download; past the rate limit, the page that refuses it (429)."""
    event = download_record(request=request, package=spec.key, format=format)
    if not event.over_limit:
        return None
    context = {"retry_after": event.retry_after, "limit": settings.DOWNLOADS_PER_MINUTE}
    response = render(request, "downloads/download_too_many.html", context, status=429)
    response["Retry-After"] = str(event.retry_after)
    return response


def package_send(request, spec, format: str):
    """Send one format of a package as it is built; a full GET is recorded. Never builds.

    Until the worker has built the current revision, the previous revision's file is sent
    (its revision in the X-Package-Revision header); with no file at all, a 503 page says the
    package is being prepared and when to try again.
    """
    for _attempt in range(2):  # a new build may replace the old file between look and open
        built = package_latest(spec, format)
        if built is None:
            break
        try:
            return package_response(
                request,
                spec,
                format,
                built,
                record=lambda: _counted_or_refused(request, spec, format),
            )
        except FileNotFoundError:
            continue
    response = render(request, "downloads/download_preparing.html", {"spec": spec}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response

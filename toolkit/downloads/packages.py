"""Downloadable packages: built once per plan revision, kept on disk, streamed to people.

A package is one scope of a plan (the whole toolkit, one focus area, or a city's
adaptation) in one format. Its file name carries the plan's revision, so an
unchanged plan never rebuilds. Packages are built only by the worker (toolkit/downloads/tasks.py,
queued when a plan changes) and by `build_packages`, never in a request: until the current
revision's file is built, a download gets the previous revision's file, labelled with its
revision. Builds write to a temporary file and rename it into place: a failed build leaves the
previous package untouched.
"""

import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.common import cache
from toolkit.downloads import builders

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "zip": "application/zip",
}
FORMAT_NAMES = {
    "pdf": "PDF",
    "docx": _("Word (DOCX)"),
    "csv": _("Spreadsheet (CSV)"),
    "json": _("Data (JSON)"),
    "zip": _("Everything (ZIP)"),
}
_WRITERS = {
    "pdf": builders.write_pdf,
    "docx": builders.write_docx,
    "csv": builders.write_csv,
    "json": builders.write_json,
}


class PackageBuildError(Exception):
    """A package could not be built; the previous file, if any, is still in place."""


@dataclass(frozen=True)
class PackageSpec:
    """One scope of a plan that can be downloaded in every format."""

    key: str  # recorded on each download event, e.g. "toolkit" or "toolkit/smart-mobility"
    slug: str  # its segment in the download URL
    title: str
    stem: str  # file name without date or extension, e.g. "smart-city-toolkit"
    revision: str  # changes whenever the content changes
    updated_at: object  # datetime of the last change, shown on the downloads page
    snapshot: Callable[[], dict]
    # Writers by format, for a package shaped unlike the toolkit (a city's adaptation).
    writers: dict[str, Callable] | None = None

    def download_name(self, format: str) -> str:
        return f"{self.stem}-{timezone.localdate(self.updated_at):%Y-%m}.{format}"


def package_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "packages"


def _safe(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9._-]+", "-", text)


def built_path(spec: PackageSpec, format: str) -> Path:
    return package_root() / f"{_safe(spec.stem)}--{_safe(spec.revision)}.{format}"


def built_file(spec: PackageSpec, format: str) -> Path | None:
    """The package's file for the current revision, if it has been built."""
    path = built_path(spec, format)
    return path if path.exists() else None


@dataclass(frozen=True)
class BuiltFile:
    """The file a download serves: the current revision's, or until it is built the previous."""

    path: Path
    revision: str
    is_current: bool
    size: int


def package_latest(spec: PackageSpec, format: str) -> BuiltFile | None:
    """The package's newest built file, or None when no revision of it has been built yet."""
    current = built_path(spec, format)
    prefix, suffix = f"{_safe(spec.stem)}--", f".{format}"
    with contextlib.suppress(FileNotFoundError):  # the usual case: no folder to read
        return BuiltFile(
            current, current.name[len(prefix) : -len(suffix)], True, current.stat().st_size
        )
    for path in package_root().glob(f"{prefix}*{suffix}"):
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # never built, or replaced by a newer build just now
            continue
        revision = path.name[len(prefix) : -len(suffix)]
        return BuiltFile(path, revision, path == current, size)
    return None


def specs_build(specs: list[PackageSpec], formats: list[str] | None = None) -> int:
    """Build every format of every package that is not built for its revision yet."""
    built = 0
    for spec in specs:
        for format in formats or FORMATS:
            if built_file(spec, format) is None:
                package_build(spec, format)
                built += 1
    if built:
        # A new file changes what the downloads pages offer, with no write to the database.
        cache.changed(cache.CONTENT)
    return built


def package_build(spec: PackageSpec, format: str) -> Path:
    """The package's file for the current revision, building it first if needed (worker only)."""
    path = built_path(spec, format)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # One builder at a time per package, across processes: the others wait, then reuse it.
    with open(path.with_suffix(path.suffix + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            _build(spec, format, path)
    return path


def _build(spec: PackageSpec, format: str, path: Path) -> None:
    snapshot = spec.snapshot()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-")
    try:
        with os.fdopen(handle, "wb") as out:
            if format == "zip":
                members = {fmt: package_build(spec, fmt) for fmt in _WRITERS}
                builders.write_zip(snapshot, out, members=members, stem=spec.stem)
            else:
                (spec.writers or _WRITERS)[format](snapshot, out)
        os.replace(temporary, path)
    except Exception as error:
        Path(temporary).unlink(missing_ok=True)
        raise PackageBuildError(f"{spec.key} ({format}) could not be built: {error}") from error
    _remove_older_revisions(spec, format, keep=path)


def _remove_older_revisions(spec: PackageSpec, format: str, *, keep: Path) -> None:
    lock = keep.with_suffix(keep.suffix + ".lock")
    for pattern in (f"{_safe(spec.stem)}--*.{format}", f"{_safe(spec.stem)}--*.{format}.lock"):
        for old in package_root().glob(pattern):
            if old not in (keep, lock):
                old.unlink(missing_ok=True)


def _file_range(file, first: int, last: int, chunk: int = 64 * 1024):
    with file:
        file.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            data = file.read(min(chunk, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes of a single-range header, or None when it cannot be met."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return None
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end


def package_response(
    request,
    spec: PackageSpec,
    format: str,
    built: BuiltFile,
    *,
    record: Callable[[], HttpResponse | None],
) -> HttpResponse:
    """Serve a built package; only a full GET counts as a download (HEAD and ranges do not).

    The file may be of the previous revision while the current one is being built: the
    X-Package-Revision header says which revision it is. `record()` counts the download and
    may answer instead (past the rate limit), in which case the file is not sent.
    """
    path, size = built.path, built.size
    file = open(path, "rb")  # noqa: SIM115 (FileResponse closes it; opened first, as it may go)
    headers = {
        "Content-Type": FORMATS[format],
        "Content-Disposition": f'attachment; filename="{spec.download_name(format)}"',
        "Accept-Ranges": "bytes",
        "ETag": f'"{built.revision}-{format}"',
        "X-Package-Revision": built.revision,
        "X-Package-Current": "yes" if built.is_current else "no",
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if request.method == "HEAD":
        file.close()
        response = HttpResponse(headers=headers)
        response["Content-Length"] = str(size)
        return response
    range_header = request.META.get("HTTP_RANGE")
    if range_header:
        wanted = parse_range(range_header, size)
        if wanted is None:
            file.close()
            return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
        first, last = wanted
        response = StreamingHttpResponse(
            _file_range(file, first, last), status=206, headers=headers
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        return response
    refused = record()
    if refused is not None:
        file.close()
        return refused
    # FileResponse streams the file in chunks and closes it when the response ends.
    response = FileResponse(
        file,
        as_attachment=True,
        filename=spec.download_name(format),
        content_type=FORMATS[format],
    )
    for name, value in headers.items():
        if name not in ("Content-Type", "Content-Disposition"):
            response[name] = value
    return response

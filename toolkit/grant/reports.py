"""A reporting period's report: its figures and records frozen as one snapshot, and its files.

The snapshot is drawn once, when a coordinator closes the period (toolkit.grant.services),
from the same functions as the dashboard (`metrics.grant_figures`) and the record pages
(`records.TABLES`); the CSV and the PDF are written from it at that moment and kept as bytes.
Nothing here is called again for a closed period, so its report reads the same a year later.
Reports are written in English, like the toolkit's own files.
"""

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from toolkit.downloads.builders import write_html_as_pdf, write_table
from toolkit.grant import metrics, records
from toolkit.models import GrantMeasure

SNAPSHOT_FORMAT = "smart-city-grant-report"
SNAPSHOT_VERSION = 1


def _measures(period: metrics.Period) -> tuple[list[dict], list[dict]]:
    """The three measures and the download totals beside them, as plain values."""
    figures = metrics.grant_figures(period)
    downloads = next(
        (f.extra for f in figures if f.key == GrantMeasure.Key.TOOLKIT_DOWNLOADS),
        metrics.NO_DOWNLOADS,
    )
    measures = [
        {
            "key": figure.key,
            "label": str(figure.label),
            "value": figure.value,
            "target": figure.target,
            "percent": figure.percent,
            "definition": str(figure.definition),
        }
        for figure in figures
    ]
    totals = [
        {
            "key": "unique",
            "label": _("Unique downloads by people (the grant figure)"),
            "value": downloads["unique"],
        },
        *(
            {"key": key, "label": str(label), "value": downloads[key]}
            for key, label in metrics.DOWNLOAD_TOTALS
        ),
    ]
    return measures, totals


def period_snapshot(period: metrics.Period, *, closed_at, closed_by: str) -> dict:
    """The period's figures and every record behind them, as plain JSON values, in English."""
    with translation.override("en"):
        measures, download_totals = _measures(period)
        return {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "closed_at": timezone.localtime(closed_at).isoformat(timespec="seconds"),
            "closed_by": closed_by,
            "measures": measures,
            "download_totals": download_totals,
            "records": [table.plain(period) for table in records.TABLES.values()],
        }


def _notes(snapshot: dict) -> list[str]:
    period = snapshot["period"]
    return [
        _("Open Sourced Smart City Collaborative: grant report"),
        _("Period: %(start)s to %(end)s") % period,
        _("Closed at %(moment)s by %(person)s")
        % {"moment": snapshot["closed_at"], "person": snapshot["closed_by"]},
        *(f"{measure['label']}: {measure['definition']}" for measure in snapshot["measures"]),
    ]


def report_csv(snapshot: dict) -> bytes:
    """The report as one CSV file: the measures, then each table of records under its title."""
    out = io.BytesIO()
    with translation.override("en"):
        columns = [
            ("label", _("Measure")),
            ("value", _("Figure")),
            ("target", _("Target")),
            ("percent", _("Percent of target")),
        ]
        write_table(out, columns, snapshot["measures"], notes=_notes(snapshot))
        write_table(
            out,
            [("label", _("Count")), ("value", _("Downloads"))],
            snapshot["download_totals"],
            notes=["", _("How the downloads figure is counted")],
        )
        for table in snapshot["records"]:
            write_table(
                out,
                [(column["key"], column["label"]) for column in table["columns"]],
                table["rows"],
                notes=["", table["title"]],
            )
    return out.getvalue()


def tables_of(snapshot: dict) -> list[dict]:
    """The snapshot's tables of records, each with its totals (for the report's page and PDF)."""
    return [records.for_display(table) for table in snapshot["records"]]


def report_pdf(snapshot: dict) -> bytes:
    """The report as a PDF, through WeasyPrint like the toolkit's own PDF."""
    with translation.override("en"):
        html = render_to_string(
            "grant/report.pdf.html", {"snapshot": snapshot, "tables": tables_of(snapshot)}
        )
    out = io.BytesIO()
    write_html_as_pdf(html, out)
    return out.getvalue()

"""The records behind each grant figure, as plain rows.

Each table reads the function of `metrics` that computes its figure (`participating_city_records`,
`download_records`, `round_table_records`), so a figure always equals its table: the number of
rows for cities and round tables, the sum of the "unique" column for downloads. The rows hold
only text and whole numbers (dates in ISO form), so the record pages, their CSV exports and a
closed period's snapshot (toolkit.grant.reports) are the same rows.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from toolkit.grant import metrics
from toolkit.models import GrantMeasure


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    numeric: bool = False


@dataclass(frozen=True)
class RecordTable:
    kind: str
    measure: str  # the GrantMeasure.Key whose figure the table gives the records of
    title: str | Promise
    columns: tuple[Column, ...]
    rows: Callable[[metrics.Period], list[dict]]
    # The column whose sum is the figure; None when the figure is the number of rows.
    figure_column: str | None = None

    def plain(self, period: metrics.Period) -> dict:
        """The table and its rows for the period as plain values: what a snapshot keeps."""
        return {
            "kind": self.kind,
            "measure": self.measure,
            "title": str(self.title),
            "figure_column": self.figure_column,
            "columns": [
                {"key": c.key, "label": str(c.label), "numeric": c.numeric} for c in self.columns
            ],
            "rows": self.rows(period),
        }


def _local_date(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def city_rows(period: metrics.Period) -> list[dict]:
    """Each participating city, the day it started counting and the member whose approval did."""
    return [
        {
            "city": city.name,
            "subregion": city.primary_region.name if city.primary_region else "",
            "counted_since": _local_date(city.counted_since),
            "member": city.counted_name or str(_("Name not given")),
            "job_title": city.counted_job_title or "",
        }
        for city in metrics.participating_city_records(period)
    ]


def download_rows(period: metrics.Period) -> list[dict]:
    """Toolkit downloads by day, package and format, with what was counted and set aside."""
    return [
        {
            "day": row["day"].isoformat(),
            "package": row["package"],
            "format": row["format"],
            "unique": row["unique"],
            **{key: row[key] for key, _label in metrics.DOWNLOAD_TOTALS},
        }
        for row in metrics.download_records(period)
    ]


def round_table_rows(period: metrics.Period) -> list[dict]:
    """Each round table held in the period, with its recorded attendance."""
    return [
        {
            "day": _local_date(round_table.starts_at),
            "title": round_table.title,
            "subregion": round_table.region.name if round_table.region else str(_("County-wide")),
            "host_city": round_table.host_city.name if round_table.host_city else "",
            "registrants_attended": round_table.attended_count,
            "walk_ins": round_table.walk_in_count,
            "attendance": round_table.attended_count + round_table.walk_in_count,
        }
        for round_table in metrics.round_table_records(period)
    ]


TABLES = {
    table.kind: table
    for table in (
        RecordTable(
            kind="cities",
            measure=GrantMeasure.Key.PARTICIPATING_CITIES,
            title=_("Cities counted as participating"),
            columns=(
                Column("city", _("City")),
                Column("subregion", _("Subregion")),
                Column("counted_since", _("Counted since")),
                Column("member", _("Member whose approval made it count")),
                Column("job_title", _("Job title")),
            ),
            rows=city_rows,
        ),
        RecordTable(
            kind="downloads",
            measure=GrantMeasure.Key.TOOLKIT_DOWNLOADS,
            title=_("Toolkit downloads by day, package and format"),
            columns=(
                Column("day", _("Day")),
                Column("package", _("Package")),
                Column("format", _("Format")),
                Column("unique", _("Unique downloads by people (the grant figure)"), numeric=True),
                *(Column(key, label, numeric=True) for key, label in metrics.DOWNLOAD_TOTALS),
            ),
            rows=download_rows,
            figure_column="unique",
        ),
        RecordTable(
            kind="round-tables",
            measure=GrantMeasure.Key.ROUND_TABLES_HELD,
            title=_("Round tables held, with their attendance"),
            columns=(
                Column("day", _("Day")),
                Column("title", _("Round table")),
                Column("subregion", _("Subregion")),
                Column("host_city", _("Host city")),
                Column("registrants_attended", _("Registered and attended"), numeric=True),
                Column("walk_ins", _("Walk-ins"), numeric=True),
                Column("attendance", _("Attendance"), numeric=True),
            ),
            rows=round_table_rows,
        ),
    )
}

# The records page of each measure, for the dashboard's links.
KIND_OF_MEASURE = {table.measure: kind for kind, table in TABLES.items()}


def figure_of(plain: dict) -> int:
    """The figure a plain table gives: its number of rows, or the sum of its figure column."""
    if plain["figure_column"] is None:
        return len(plain["rows"])
    return sum(row[plain["figure_column"]] for row in plain["rows"])


def for_display(plain: dict) -> dict:
    """A plain table as a page shows it: each row as (column, value) pairs in `lines`, and `totals`,
    the sum of each numeric column (None for the others)."""
    columns = plain["columns"]
    return {
        **plain,
        "lines": [[(c, row.get(c["key"], "")) for c in columns] for row in plain["rows"]],
        "totals": [
            sum(row[c["key"]] for row in plain["rows"]) if c["numeric"] else None for c in columns
        ],
    }

"""The collaborative's open datasets: the one list the open data page and /data.json show.

Each dataset is made of files that already exist elsewhere (the toolkit's packages, the file of
every published adaptation, the round-table feed, the public dashboard's tables, the API):
this module only says what they are, where they are, how large and how recent.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.common.site import absolute
from roundtables import calendars
from roundtables.models import RoundTable
from toolkit.adaptations.exports import ALL_FORMATS, all_adaptations_spec
from toolkit.downloads.packages import FORMAT_NAMES, FORMATS, package_latest
from toolkit.downloads.snapshots import LICENCE, WHOLE, model_plan_specs
from toolkit.grant import metrics
from toolkit.grant.views import OPEN_EXPORTS, figures_csv

PUBLISHER = "Open Sourced Smart City Collaborative"
CONTACT_NAME = "City of West Hollywood, Innovation Division"


@dataclass(frozen=True)
class Distribution:
    """One file (or address) of a dataset."""

    title: str
    format: str  # its name for people: "CSV", "PDF"
    content_type: str  # as the file is served, e.g. "text/csv; charset=utf-8"
    path: str
    size: int | None  # in bytes; None when not built yet, or for an answer of the API
    is_api: bool = False  # an address of the API, answered on request (no file size)

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip()

    @property
    def url(self) -> str:
        return absolute(self.path)


@dataclass(frozen=True)
class Dataset:
    key: str  # the page's anchor and the identifier's fragment
    title: str
    description: str
    keywords: list[str]
    modified: datetime.datetime
    licence_note: str  # what the licence covers for this dataset, for people
    landing_path: str
    distributions: list[Distribution] = field(default_factory=list)
    licence: dict = field(default_factory=lambda: LICENCE)


def _toolkit() -> Dataset | None:
    plan, specs = model_plan_specs()
    spec = next((spec for spec in specs if spec.slug == WHOLE), None)
    if plan is None or spec is None:
        return None
    distributions = []
    for format, content_type in FORMATS.items():
        built = package_latest(spec, format)
        distributions.append(
            Distribution(
                title=str(FORMAT_NAMES[format]),
                format=format.upper(),
                content_type=content_type,
                path=reverse(
                    "downloads:package-download", kwargs={"scope": spec.slug, "format": format}
                ),
                size=built.size if built else None,
            )
        )
    return Dataset(
        key="toolkit",
        title=str(_("The model smart city plan (the toolkit)")),
        description=str(
            _(
                "West Hollywood's open-sourced smart city plan for the cities of Los Angeles "
                "County: every policy, funding mechanism and best practice, with its focus area, "
                "core values, sources, typical cost, effort and departments involved."
            )
        ),
        keywords=["smart city", "policy", "funding", "best practices", "Los Angeles County"],
        modified=spec.updated_at,
        licence_note=str(_("CC BY 4.0: reuse and adapt it freely, crediting the collaborative.")),
        landing_path=reverse("downloads:download-list"),
        distributions=distributions,
    )


def _adaptations() -> Dataset:
    spec = all_adaptations_spec()
    distributions = []
    for format, name in ALL_FORMATS.items():
        built = package_latest(spec, format)
        distributions.append(
            Distribution(
                title=str(name),
                format=format.upper(),
                content_type=FORMATS[format],
                path=reverse("adaptations:all-download", kwargs={"format": format}),
                size=built.size if built else None,
            )
        )
    return Dataset(
        key="adaptations",
        title=str(_("Published city adaptations")),
        description=str(
            _(
                "Every city's published adaptation of the model plan in one file: for each "
                "entry, the city's decision (adopted, adapted, not applicable or its own), its "
                "text, status, owner department and target date, with each plan's progress."
            )
        ),
        keywords=["smart city", "adaptation", "city plans", "progress", "Los Angeles County"],
        modified=spec.updated_at,
        licence_note=str(
            _(
                "CC BY 4.0, as the toolkit they adapt: credit the city and the collaborative. "
                "Each file names the cities it comes from."
            )
        ),
        landing_path=reverse("adaptations:adaptation-list"),
        distributions=distributions,
    )


def _round_tables() -> Dataset:
    changed = RoundTable.objects.aggregate(latest=Max("updated_at"))["latest"]
    return Dataset(
        key="round-tables",
        title=str(_("Round-table calendar")),
        description=str(
            _(
                "The collaborative's regional round tables as an iCalendar feed: title, date "
                "and time, venue, host city and agenda of each, from last year on. Subscribe "
                "to it in any calendar app."
            )
        ),
        keywords=["round tables", "events", "calendar", "Los Angeles County"],
        modified=changed or timezone.now(),
        licence_note=str(_("CC BY 4.0, as the rest of the collaborative's data.")),
        landing_path=reverse("roundtables:roundtable-list"),
        distributions=[
            Distribution(
                title=str(_("Calendar feed (iCalendar)")),
                format="ICS",
                content_type=calendars.CONTENT_TYPE,
                path=reverse("roundtables:calendar-feed"),
                size=len(calendars.feed()),
            )
        ],
    )


def _figures() -> Dataset:
    period = metrics.grant_period()
    names = {
        "measures": _("The three measures"),
        "funnel": _("Participation funnel"),
        "subregions": _("Registered cities by subregion"),
        "trend": _("Figures per month"),
    }
    return Dataset(
        key="grant-figures",
        title=str(_("Grant figures")),
        description=str(
            _(
                "The live figures of the grant's three success measures (participating cities, "
                "toolkit downloads, round tables held) with their definitions, the participation "
                "funnel, registered cities by subregion and the figures per month, as the public "
                "dashboard shows them."
            )
        ),
        keywords=["grant", "metrics", "performance", "smart city"],
        modified=timezone.now(),
        licence_note=str(_("CC BY 4.0, as the rest of the collaborative's data.")),
        landing_path=reverse("metrics:dashboard"),
        distributions=[
            Distribution(
                title=str(names[table]),
                format="CSV",
                content_type="text/csv; charset=utf-8",
                path=reverse("metrics:open-export", kwargs={"table": table}),
                size=len(figures_csv(table, None, period).content),
            )
            for table in OPEN_EXPORTS
        ],
    )


def _api(modified: datetime.datetime) -> Dataset:
    return Dataset(
        key="api",
        title=str(_("Public API")),
        description=str(
            _(
                "A read-only JSON API over the toolkit, the cities, the published adaptations, "
                "the round tables and the grant figures, with filters, search and pages, "
                "described by an OpenAPI 3 schema."
            )
        ),
        keywords=["API", "JSON", "OpenAPI", "smart city"],
        modified=modified,
        licence_note=str(_("CC BY 4.0: the same data as the files above.")),
        landing_path=reverse("api:docs"),
        distributions=[
            Distribution(
                title=str(_("The API's index")),
                format="JSON",
                content_type="application/json",
                path=reverse("api:index"),
                size=None,
                is_api=True,
            ),
            Distribution(
                title=str(_("OpenAPI schema")),
                format="JSON",
                content_type="application/vnd.oai.openapi+json",
                path=reverse("api:schema"),
                size=None,
                is_api=True,
            ),
        ],
    )


def datasets() -> list[Dataset]:
    """Every open dataset of the collaborative, in the current language."""
    found = [d for d in (_toolkit(), _adaptations(), _round_tables(), _figures()) if d]
    latest = max(
        (d.modified for d in found if d.key in ("toolkit", "adaptations")),
        default=timezone.now(),
    )
    return [*found, _api(latest)]

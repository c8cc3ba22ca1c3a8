"""The grant's figures, computed in one place.

Every page, export and test that shows a grant figure calls these functions, so
the home page, the city pages and the dashboard can never disagree. Each one is
a fixed number of aggregate queries, whatever the amount of data.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cities.models import City
from roundtables.models import RoundTable
from toolkit.models import DownloadEvent, GrantMeasure

DEFINITIONS = {
    GrantMeasure.Key.PARTICIPATING_CITIES: _(
        "Cities of Los Angeles County with at least one approved staff member."
    ),
    GrantMeasure.Key.TOOLKIT_DOWNLOADS: _(
        "Downloads of the toolkit's packages, not counting bots, and counting one "
        "download per visitor per package per hour."
    ),
    GrantMeasure.Key.ROUND_TABLES_HELD: _(
        "Round tables marked as held with at least one attendee recorded."
    ),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int
    target: int
    definition: str

    @property
    def percent(self) -> int:
        """Progress towards the target, capped at 100 for the progress bar."""
        if self.target <= 0:
            return 100
        return min(100, round(100 * self.value / self.target))

    @property
    def met(self) -> bool:
        return self.value >= self.target


def participating_cities() -> int:
    """Number of registered cities (at least one approved member)."""
    return City.objects.registered().count()


def total_cities() -> int:
    return City.objects.count()


def toolkit_downloads() -> dict[str, int]:
    """Unique human downloads of the toolkit (the grant figure) and the raw totals."""
    return DownloadEvent.objects.of_toolkit().aggregate(
        unique=Count("unique_key", distinct=True, filter=Q(is_bot=False)),
        human_total=Count("pk", filter=Q(is_bot=False)),
        raw_total=Count("pk"),
    )


def round_tables_held() -> int:
    """Round tables held with at least one recorded attendee."""
    return RoundTable.objects.held().count()


def grant_figures() -> list[Figure]:
    """The three success measures with their live figures, in the grant's order."""
    values = {
        GrantMeasure.Key.PARTICIPATING_CITIES: participating_cities(),
        GrantMeasure.Key.TOOLKIT_DOWNLOADS: toolkit_downloads()["unique"],
        GrantMeasure.Key.ROUND_TABLES_HELD: round_tables_held(),
    }
    return [
        Figure(
            key=measure.key,
            label=measure.get_key_display(),
            value=values[measure.key],
            target=measure.target,
            definition=DEFINITIONS[measure.key],
        )
        for measure in GrantMeasure.objects.all()
    ]

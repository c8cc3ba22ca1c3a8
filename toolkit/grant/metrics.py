"""The grant's figures, computed in one place.

Every page, export and test that shows a grant figure calls these functions, so
the home page, the city pages and the dashboard can never disagree. Each one is
a fixed number of aggregate queries, whatever the amount of data.

A period is a pair of dates (inclusive) in the site's time zone. Without one,
a figure covers the grant period stored with the measures.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cities import participation
from cities.common import cache
from cities.models import City, Membership, Region
from plans.models import Plan
from roundtables.models import Registration, RoundTable, WalkIn
from toolkit.adaptations.reads import city_done_percent, city_progress
from toolkit.models import COUNTED, NOT_REPEATED, DownloadEvent, GrantMeasure

DEFINITIONS = {
    GrantMeasure.Key.PARTICIPATING_CITIES: _(
        "Cities of Los Angeles County with at least one approved staff member by the end of "
        "the period."
    ),
    GrantMeasure.Key.TOOLKIT_DOWNLOADS: _(
        "Downloads of the toolkit's packages during the period, counting each signed-in "
        "person, or else each network address, at most once per package per hour, whatever "
        "the format or browser. Robots and machines on the COUNTER robots list and requests "
        "refused past the rate limit are left out; all requests stay visible beside it."
    ),
    GrantMeasure.Key.ROUND_TABLES_HELD: _(
        "Round tables that took place during the period, marked as held, with at least one "
        "attendee recorded."
    ),
}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def starts_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period (its end date is included)."""
        if self.end >= datetime.date.max:
            return _midnight(self.end)
        return _midnight(self.end + datetime.timedelta(days=1))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, up to this month."""
        last = min(self.end, timezone.localdate())
        month = self.start.replace(day=1)
        months = []
        while month <= last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def _percent(part: int, whole: int) -> int:
    """A whole percentage, halves rounded up (2 of 16 is 13%), 0 for an empty whole."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


def grant_period() -> Period:
    """The grant period stored with the measures (the earliest start to the latest end)."""
    measures = list(GrantMeasure.objects.values_list("period_start", "period_end"))
    if not measures:
        today = timezone.localdate()
        return Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    return Period(min(start for start, _end in measures), max(end for _start, end in measures))


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int
    target: int
    definition: str
    period: Period
    extra: dict = field(default_factory=dict)

    @property
    def percent(self) -> int:
        """Progress towards the target, capped at 100 for the progress bar."""
        if self.target <= 0:
            return 100
        return min(100, _percent(self.value, self.target))

    @property
    def met(self) -> bool:
        return self.value >= self.target


# --- Caching ------------------------------------------------------------------------------
#
# The figures aggregate every download event, which gets slow at hundreds of thousands of
# rows. They are kept under the generations of what they read (cities.common.cache): any
# saved row or recorded download starts a new one, so a change shows at once, and an
# unchanged dashboard costs two cache reads instead of a query per figure.


def cached(name: str, period, compute):
    """`compute()`, kept until content or downloads change (or the day does)."""
    return cache.cached(
        ("metrics", name, period, timezone.localdate()),
        compute,
        reads=(cache.CONTENT, cache.DOWNLOADS),
    )


# --- The three measures -------------------------------------------------------------


def _registered_by(moment: datetime.datetime, city_ref: str = "pk") -> Exists:
    return Exists(
        Membership.objects.filter(
            city=OuterRef(city_ref),
            status=Membership.Status.APPROVED,
            decided_at__lt=moment,
        )
    )


def _participating(period: Period):
    return City.objects.filter(_registered_by(period.ends_before))


def participating_cities(period: Period | None = None) -> int:
    """Cities with an approved member by the end of the period."""
    return _participating(period or grant_period()).count()


def participating_city_records(period: Period | None = None):
    """The cities `participating_cities` counts, each with the approval that made it count.

    That approval is the city's earliest one still standing before the end of the period:
    `counted_since` (its moment), and the member's `counted_name` and `counted_job_title`.
    """
    period = period or grant_period()
    first = Membership.objects.filter(
        city=OuterRef("pk"),
        status=Membership.Status.APPROVED,
        decided_at__lt=period.ends_before,
    ).order_by("decided_at", "pk")
    return (
        _participating(period)
        .select_related("primary_region")
        .annotate(
            counted_since=Subquery(first.values("decided_at")[:1]),
            counted_name=Subquery(first.values("user__name")[:1]),
            counted_job_title=Subquery(first.values("user__job_title")[:1]),
        )
        .order_by("counted_since", "name")
    )


def total_cities() -> int:
    return City.objects.count()


def _toolkit_events(period: Period):
    return DownloadEvent.objects.of_toolkit().filter(
        created_at__gte=period.starts_at, created_at__lt=period.ends_before
    )


# The totals shown beside the grant figure, in the dashboard's order, and their labels.
DOWNLOAD_TOTALS = [
    ("human_total", _("All downloads by people")),
    ("robots", _("Set aside: robots and machines")),
    ("repeats", _("Set aside: repeats within 30 seconds")),
    ("over_limit", _("Set aside: refused past the rate limit")),
    ("raw_total", _("All requests, bots included")),
]
NO_DOWNLOADS = {"unique": 0, **{key: 0 for key, _label in DOWNLOAD_TOTALS}}


def _download_totals() -> dict[str, Count]:
    """The totals of DOWNLOAD_TOTALS, as aggregates over download events."""
    return {
        "human_total": Count("pk", filter=COUNTED & NOT_REPEATED),
        "raw_total": Count("pk"),
        "robots": Count("pk", filter=Q(is_bot=True)),
        "repeats": Count("pk", filter=COUNTED & ~NOT_REPEATED),
        "over_limit": Count("pk", filter=Q(is_bot=False, over_limit=True)),
    }


def toolkit_downloads(period: Period | None = None) -> dict[str, int]:
    """Unique downloads of the toolkit (the grant figure), the totals and what was set aside.

    `unique` counts people and networks, once per package per hour; `human_total` every
    download that counts, double clicks removed; `raw_total` every request. What lies
    between them: `robots`, `repeats` (within 30 seconds) and `over_limit` (refused).
    """
    return _toolkit_events(period or grant_period()).aggregate(
        unique=Count("unique_key", distinct=True, filter=COUNTED),
        **_download_totals(),
    )


def _first_of_its_unique_download(period: Period) -> Q:
    """True for the counted event that opens its unique download (no earlier one shares its
    key in the period), so each unique download is one event, in one day, package and format.
    """
    earlier = _toolkit_events(period).filter(
        COUNTED,
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")),
        unique_key=OuterRef("unique_key"),
    )
    return COUNTED & ~Q(Exists(earlier))


def download_records(period: Period | None = None):
    """`toolkit_downloads` by day (in the site's time zone), package and format.

    Each row has the same totals; its `unique` counts the unique downloads that began in it,
    so the rows' uniques add up to the grant figure exactly.
    """
    period = period or grant_period()
    return (
        _toolkit_events(period)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day", "package", "format")
        .annotate(
            unique=Count("pk", filter=_first_of_its_unique_download(period)),
            **_download_totals(),
        )
        .order_by("day", "package", "format")
    )


def _held_in(period: Period):
    return RoundTable.objects.held().filter(
        starts_at__gte=period.starts_at, starts_at__lt=period.ends_before
    )


def round_tables_held(period: Period | None = None) -> int:
    """Round tables held with at least one recorded attendee, that started in the period."""
    return _held_in(period or grant_period()).count()


def round_table_records(period: Period | None = None):
    """The round tables `round_tables_held` counts, with their recorded attendance."""
    period = period or grant_period()
    return (
        _held_in(period)
        .select_related("region", "host_city")
        .annotate(
            attended_count=_count_of(
                Registration.objects.filter(round_table=OuterRef("pk"), attended=True),
                "round_table",
            ),
            walk_in_count=_count_of(
                WalkIn.objects.filter(round_table=OuterRef("pk")), "round_table"
            ),
        )
        .order_by("starts_at", "pk")
    )


def _measure_figure(key: str, period: Period) -> tuple[int, dict]:
    if key == GrantMeasure.Key.PARTICIPATING_CITIES:
        return participating_cities(period), {}
    if key == GrantMeasure.Key.TOOLKIT_DOWNLOADS:
        downloads = toolkit_downloads(period)
        return downloads["unique"], downloads
    return round_tables_held(period), {}


def grant_figures(period: Period | None = None) -> list[Figure]:
    """The three success measures with their live figures, in the grant's order.

    Each measure counts over its own grant period, unless a period is given for all.
    """
    figures = []
    for measure in GrantMeasure.objects.all():
        counted = period or Period(measure.period_start, measure.period_end)
        value, extra = _measure_figure(measure.key, counted)
        figures.append(
            Figure(
                key=measure.key,
                label=measure.display_label,
                value=value,
                target=measure.target,
                definition=DEFINITIONS[measure.key],
                period=counted,
                extra=extra,
            )
        )
    return figures


# --- Participation ------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    cities: int
    of: int
    definition: str

    @property
    def percent(self) -> int:
        return _percent(self.cities, self.of)


def participation_funnel(period: Period | None = None) -> list[FunnelStep]:
    """Registered cities, and how many of them went on to each deeper level (one query).

    The levels, their labels and definitions are the participation registry's; each step
    counts registered cities only (as the registry does), so the funnel never widens.
    """
    period = period or grant_period()
    levels = participation.levels()
    cities = participation.annotate(
        City.objects.all(), since=period.starts_at, before=period.ends_before
    )
    counts = cities.aggregate(
        total=Count("pk"),
        **{level.key: Count("pk", filter=Q(**{level.annotation: True})) for level in levels},
    )
    return [
        FunnelStep(
            key=level.key,
            label=level.label,
            cities=counts[level.key],
            of=counts["total"],
            definition=format_lazy("{} {}", level.definition, level.period_note),
        )
        for level in levels
    ]


@dataclass(frozen=True)
class RegionShare:
    region: Region
    registered: int
    cities: int

    @property
    def percent(self) -> int:
        return _percent(self.registered, self.cities)


def participation_by_subregion(period: Period | None = None) -> list[RegionShare]:
    """Registered cities of each subregion out of its cities (a city in two counts in both)."""
    period = period or grant_period()
    registered = City.objects.filter(_registered_by(period.ends_before)).values("pk")
    regions = Region.objects.annotate(
        city_count=Count("cities", distinct=True),
        registered_count=Count("cities", filter=Q(cities__in=registered), distinct=True),
    ).order_by("order", "name")
    return [
        RegionShare(region=region, registered=region.registered_count, cities=region.city_count)
        for region in regions
        if region.city_count
    ]


# --- Trends ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    month: datetime.date
    downloads: int
    registrations: int
    round_tables: int


def monthly_trend(period: Period | None = None) -> list[Month]:
    """Per month: unique toolkit downloads, cities registering, round tables held (3 queries)."""
    period = period or grant_period()
    zone = timezone.get_current_timezone()
    downloads = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["unique"]
        for row in _toolkit_events(period)
        .filter(COUNTED)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month")
        .annotate(unique=Count("unique_key", distinct=True))
    }
    first_approvals = (
        City.objects.annotate(
            registered_at=Min(
                "memberships__decided_at",
                filter=Q(memberships__status=Membership.Status.APPROVED),
            )
        )
        .filter(registered_at__gte=period.starts_at, registered_at__lt=period.ends_before)
        .values_list("registered_at", flat=True)
    )
    registrations: dict[datetime.date, int] = {}
    for moment in first_approvals:
        month = timezone.localtime(moment, zone).date().replace(day=1)
        registrations[month] = registrations.get(month, 0) + 1
    round_tables = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["count"]
        for row in _held_in(period)
        .annotate(month=TruncMonth("starts_at", tzinfo=zone))
        .values("month")
        .annotate(count=Count("pk", distinct=True))
    }
    return [
        Month(
            month=month,
            downloads=downloads.get(month, 0),
            registrations=registrations.get(month, 0),
            round_tables=round_tables.get(month, 0),
        )
        for month in period.months()
    ]


# --- Per city (grant staff) -------------------------------------------------------------


def _count_of(queryset, column="pk"):
    """A correlated COUNT subquery (keeps joins from multiplying each other)."""
    return Coalesce(
        Subquery(queryset.order_by().values(column).annotate(n=Count("pk")).values("n")[:1]),
        0,
    )


def adaptation_progress(city) -> int | None:
    """The share of the entries in a city's plan that are done, from city_table()."""
    return city_done_percent(city)


def city_table(period: Period | None = None):
    """Every city with its participation in the period, for the grant staff (one query).

    Its participation state is the registry's, over the period (`participation.state_label`).
    """
    period = period or grant_period()
    approved = Membership.objects.filter(
        city=OuterRef("pk"),
        status=Membership.Status.APPROVED,
        decided_at__lt=period.ends_before,
    )
    downloads = _toolkit_events(period).filter(COUNTED, city=OuterRef("pk"))
    attended = _held_in(period).filter(
        Exists(
            Registration.objects.filter(
                round_table=OuterRef("pk"), city=OuterRef(OuterRef("pk")), attended=True
            )
        )
        | Exists(WalkIn.objects.filter(round_table=OuterRef("pk"), city=OuterRef(OuterRef("pk"))))
    )
    adaptation = Plan.objects.adaptations().filter(city=OuterRef("pk"))
    cities = participation.annotate(
        City.objects.select_related("primary_region"),
        since=period.starts_at,
        before=period.ends_before,
    )
    return cities.annotate(
        joined_at=Subquery(approved.order_by("decided_at").values("decided_at")[:1]),
        member_count=_count_of(approved, "city"),
        download_count=_count_of(downloads, "city"),
        round_tables_attended=_count_of(attended.annotate(one=Value(1)), "one"),
        adaptation_status=Subquery(adaptation.values("status")[:1]),
        # Progress as the adaptation's pages roll it up, from the same definition.
        **city_progress(),
    ).order_by(F("joined_at").asc(nulls_last=True), "name")

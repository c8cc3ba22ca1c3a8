"""The round tables section of a city's page (registered with cities.sections in apps.py)."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cities.common import cache
from roundtables.models import Registration, RoundTable, WalkIn

# A city page lists the latest and the next few; the round tables page has the rest.
ATTENDED_SHOWN = 10
UPCOMING_SHOWN = 5


def city_section(city, user) -> dict:
    """Held round tables the city's people attended (with every city that attended each)
    and the next ones open to its subregions. Kept until the content changes or one of the
    upcoming ones ends; three queries, whatever the data, when drawn again."""
    now = timezone.now()
    section = cache.cached(
        ("roundtables:city-section", city.pk),
        lambda: _drawn(city, now),
        fresh=lambda section: section["until"] is None or now <= section["until"],
    )
    return {**section, "now": now}


def _drawn(city, now) -> dict:
    came = Exists(Registration.objects.filter(round_table=OuterRef("pk"), city=city, attended=True))
    walked_in = Exists(WalkIn.objects.filter(round_table=OuterRef("pk"), city=city))
    attended = list(
        RoundTable.objects.listed()
        .filter(came | walked_in, status=RoundTable.Status.HELD)
        .order_by("-starts_at", "-pk")[:ATTENDED_SHOWN]
    )
    cities_at = _attending_cities(attended)
    for round_table in attended:
        round_table.cities_attended = cities_at.get(round_table.pk, [])
    # The page's city comes with its subregions prefetched; any other city costs one query.
    region_ids = {region.pk for region in city.regions.all()} | {city.primary_region_id}
    upcoming = list(
        RoundTable.objects.listed()
        .filter(Q(region_id__in=region_ids) | Q(region__isnull=True))
        .filter(status=RoundTable.Status.SCHEDULED)
        .upcoming(now)[:UPCOMING_SHOWN]
    )
    # The list changes without a write when the first of them ends.
    until = min((round_table.ends_at for round_table in upcoming), default=None)
    return {"attended": attended, "upcoming": upcoming, "until": until}


def _attending_cities(round_tables: list[RoundTable]) -> dict[int, list[tuple[str, str]]]:
    """For each round table, the (name, slug) of every city with a recorded attendee."""
    if not round_tables:
        return {}
    ids = [round_table.pk for round_table in round_tables]
    fields = ("round_table_id", "city__name", "city__slug")
    registrants = (
        Registration.objects.filter(round_table_id__in=ids, attended=True)
        .order_by()
        .values_list(*fields)
    )
    walk_ins = (
        WalkIn.objects.filter(round_table_id__in=ids, city__isnull=False)
        .order_by()
        .values_list(*fields)
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for round_table_id, name, slug in sorted(set(registrants.union(walk_ins))):
        found.setdefault(round_table_id, []).append((name, slug))
    return found

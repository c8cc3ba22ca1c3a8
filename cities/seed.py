"""Load the county's subregions and its 88 cities from the project's fixtures."""

import datetime
from pathlib import Path

import yaml
from django.db import transaction

from cities.common.rows import assign_changes
from cities.models import City, CityEmailDomain, Region, normalize_domain


@transaction.atomic
def seed_regions_and_cities(*, regions_path: Path, cities_path: Path) -> dict[str, int]:
    """Create or update regions and cities by slug; rows already up to date are left alone."""
    created = updated = 0
    regions = {}
    for row in yaml.safe_load(regions_path.read_text(encoding="utf-8"))["regions"]:
        region = Region.objects.filter(slug=row["slug"]).first() or Region(slug=row["slug"])
        is_new = region.pk is None
        values = {k: row[k] for k in ("name", "description", "order")}
        if assign_changes(region, values) or is_new:
            region.full_clean()
            region.save()
            created += is_new
            updated += not is_new
        regions[region.slug] = region

    for row in yaml.safe_load(cities_path.read_text(encoding="utf-8"))["cities"]:
        city = City.objects.filter(slug=row["slug"]).first() or City(slug=row["slug"])
        is_new = city.pk is None
        values = {
            "name": row["name"],
            "population": row["population"],
            "incorporated_on": datetime.date.fromisoformat(row["incorporated_on"]),
            "source_note": row.get("source_note", ""),
            "primary_region_id": regions[row["regions"][0]].pk,
        }
        # The website is only seeded where the city has none yet: a city's own
        # edits win over the fixture.
        if row.get("website") and not city.website:
            values["website"] = row["website"]
        if assign_changes(city, values) or is_new:
            city.full_clean()
            city.save()
            created += is_new
            updated += not is_new
        wanted = {regions[slug].pk for slug in row["regions"]}
        if set(city.regions.values_list("pk", flat=True)) != wanted:
            city.regions.set(wanted)
            updated += not is_new
        if _seed_domains(city, row.get("email_domains", [])):
            updated += not is_new
    return {"created": created, "updated": updated}


def _seed_domains(city: City, domains: list[str]) -> bool:
    """Add the fixture's email domains that have never been recorded; return whether any was.

    A domain that exists at all, even one a coordinator removed or gave to another city,
    is left alone: the coordinators' decisions win over the fixture.
    """
    added = False
    for domain in map(normalize_domain, domains):
        if CityEmailDomain.objects.filter(domain=domain).exists():
            continue
        row = CityEmailDomain(city=city, domain=domain)
        row.full_clean()
        row.save()
        added = True
    return added

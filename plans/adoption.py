"""How the cities' published adaptations took each model entry: what the model plan's pages show.

The adaptations themselves (their pages, roll-ups and changes) live in toolkit.adaptations;
this is the small part the model plan's own pages need, so that plans never imports toolkit.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from plans.models import Decision, Entry, Plan

# The decisions a model entry's page lists, with the cities that took each, in this order.
ADOPTION_DECISIONS = {
    Decision.ADOPTED: _("Adopted as it is"),
    Decision.ADAPTED: _("Adapted"),
    Decision.NOT_APPLICABLE: _("Marked not applicable"),
}


@dataclass
class Adoption:
    decision: str
    label: str
    cities: list  # {"name", "slug", "entry_slug"} of each city, by name

    @property
    def count(self) -> int:
        return len(self.cities)


def _published_copies():
    return Entry.objects.filter(
        plan__kind=Plan.Kind.ADAPTATION, plan__status=Plan.Status.PUBLISHED
    ).order_by()


def adoption_of(model_entry: Entry) -> list[Adoption]:
    """How published adaptations decided about a model entry, with the cities (one query)."""
    rows = (
        _published_copies()
        .filter(origin=model_entry, decision__in=ADOPTION_DECISIONS)
        .order_by("plan__city__name")
        .values_list("decision", "plan__city__name", "plan__city__slug", "slug")
    )
    by_decision = defaultdict(list)
    for decision, name, slug, entry_slug in rows:
        by_decision[decision].append({"name": name, "slug": slug, "entry_slug": entry_slug})
    return [
        Adoption(key, str(label), by_decision[key]) for key, label in ADOPTION_DECISIONS.items()
    ]


def adoption_count():
    """An annotation for model entries: how many published adaptations adopted or adapted each."""
    copies = (
        _published_copies()
        .filter(origin=OuterRef("pk"), decision__in=(Decision.ADOPTED, Decision.ADAPTED))
        .values("origin")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(copies), 0)

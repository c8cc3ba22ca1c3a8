"""How far a city takes part in the collaborative, from not registered to published adaptation.

Each level is a condition on a city that the database can check in one subquery. The cities
app defines "registered"; the other apps add theirs (downloaded the toolkit, attended a round
table, published an adaptation) by calling `register()` from their AppConfig.ready(), so this
app never imports them. The directory, the city pages and the grant dashboard all read the
levels from here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cities.models import Membership


@dataclass(frozen=True)
class Level:
    key: str
    label: str | Promise
    order: int
    # Returns an Exists(...) over rows that refer to the city as OuterRef("pk").
    condition: Callable[[], Exists]

    @property
    def annotation(self) -> str:
        return f"participation_{self.key.replace('-', '_')}"


_levels: dict[str, Level] = {}


def register(level: Level) -> None:
    """Add a level (idempotent: registering the same key again replaces it)."""
    _levels[level.key] = level


def levels() -> list[Level]:
    """The registered levels, shallowest first."""
    return sorted(_levels.values(), key=lambda level: level.order)


def annotate(queryset: QuerySet) -> QuerySet:
    """Add one boolean per level to a City queryset (one subquery each, no extra queries)."""
    return queryset.annotate(**{level.annotation: level.condition() for level in levels()})


def reached(city) -> list[Level]:
    """The levels an annotated city has reached."""
    return [level for level in levels() if getattr(city, level.annotation)]


def state(city) -> Level | None:
    """The deepest level an annotated city has reached, or None when it is not registered."""
    found = reached(city)
    return found[-1] if found else None


def _registered() -> Exists:
    return Exists(Membership.objects.filter(city=OuterRef("pk"), status=Membership.Status.APPROVED))


register(Level(key="registered", label=_("Registered"), order=10, condition=_registered))

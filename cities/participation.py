"""How far a city takes part in the collaborative, from not registered to published adaptation.

Each level is a condition on a city that the database can check in one subquery. The cities
app defines "registered"; the other apps add theirs (downloaded the toolkit, attended a round
table, published an adaptation) by calling `register()` from their AppConfig.ready(), so this
app never imports them. The directory, the city pages and the grant dashboard all read the
levels from here.

Every level past "registered" counts only for a registered city, as the grant's funnel counts
them: a city with no approved member is "not registered", whatever a walk-in from it did.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cities.models import has_approved_member

# The state of a city that has reached no level at all.
NOT_REGISTERED = "not-registered"
# The level every other one builds on.
REGISTERED = "registered"
NOT_REGISTERED_LABEL = _("Not registered")


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


def unregister(key: str) -> None:
    """Remove a level (tests use it to clean up after registering one of their own)."""
    _levels.pop(key, None)


def get(key: str) -> Level | None:
    return _levels.get(key)


def levels() -> list[Level]:
    """The registered levels, shallowest first."""
    return sorted(_levels.values(), key=lambda level: level.order)


def _reached_condition(level: Level):
    if level.key == REGISTERED:
        return level.condition()
    return ExpressionWrapper(
        Q(has_approved_member()) & Q(level.condition()), output_field=BooleanField()
    )


def annotate(queryset: QuerySet) -> QuerySet:
    """Add one boolean per level to a City queryset (one subquery each, no extra queries).

    A level past "registered" is reached only by a registered city.
    """
    return queryset.annotate(**{level.annotation: _reached_condition(level) for level in levels()})


def reached(city) -> list[Level]:
    """The levels an annotated city has reached."""
    return [level for level in levels() if getattr(city, level.annotation)]


def state(city) -> Level | None:
    """The deepest level an annotated city has reached, or None when it is not registered."""
    found = reached(city)
    return found[-1] if found else None


def state_choices() -> list[tuple[str, str | Promise]]:
    """Every state a city can be in, shallowest first, as (key, label) for forms."""
    return [(NOT_REGISTERED, NOT_REGISTERED_LABEL)] + [(lv.key, lv.label) for lv in levels()]


def in_state(key: str) -> Q:
    """A filter for an annotated City queryset: cities whose deepest level is `key`.

    "Deepest" follows `state()`: the city has reached `key` and no level after it.
    """
    ordered = levels()
    if key == NOT_REGISTERED:
        return Q(**{level.annotation: False for level in ordered})
    keys = [level.key for level in ordered]
    if key not in keys:
        raise ValueError(f"No participation level {key!r} is registered.")
    position = keys.index(key)
    return Q(
        **{ordered[position].annotation: True},
        **{level.annotation: False for level in ordered[position + 1 :]},
    )


register(Level(key=REGISTERED, label=_("Registered"), order=10, condition=has_approved_member))

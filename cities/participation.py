"""How far a city takes part in the collaborative: the one registry of participation levels.

Each level has a key, a label, a definition (shown wherever the level is: the directory, the
city pages, the grant dashboard and its exports), an order, and a condition the database can
check in one subquery. The cities app defines "registered"; the other apps add theirs
(downloaded the toolkit, attended a round table, published an adaptation) by calling
`register()` from their AppConfig.ready(), so this app never imports them. The directory,
the city pages and the grant figures (toolkit.metrics.participation_funnel) all read the
levels from here, so a level has one meaning wherever it is shown.

A condition can be bounded by a period: `before` (the first moment after the period) limits
it to what happened by the end of the period, and `since` (its first moment) to what
happened during it, for the levels that count only what a city did in the period
(`during_period`).

Every level past "registered" counts only for a registered city, as the grant's funnel counts
them: a city with no approved member is "not registered", whatever a walk-in from it did. The
city page says so when a city did what a level asks before it registered (`Rung.waiting`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Expression, ExpressionWrapper, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cities.models import has_approved_member

# The state of a city that has reached no level at all.
NOT_REGISTERED = "not-registered"
NOT_REGISTERED_LABEL = _("Not registered")
# The level every other one builds on.
REGISTERED = "registered"
# Shown once next to the levels: why a walk-in alone does not make a city "attended".
RULE = _("Each step after the first counts once the city is registered.")


@dataclass(frozen=True)
class Level:
    key: str
    label: str | Promise
    definition: str | Promise
    order: int
    # condition(since=None, before=None): an expression, true for a city (as OuterRef("pk"))
    # that did what the level asks; `since` and `before` bound it to a period when given.
    condition: Callable[..., Expression]
    # True: the grant counts what the city did during the period; False: by its end.
    during_period: bool = False

    @property
    def annotation(self) -> str:
        return f"participation_{self.key.replace('-', '_')}"

    @property
    def met_annotation(self) -> str:
        """The condition alone, registered or not (see `annotate(met=True)`)."""
        return f"{self.annotation}_met"

    @property
    def period_note(self) -> Promise:
        if self.during_period:
            return _("Counted during the period.")
        return _("Counted by the end of the period.")

    def met(
        self, *, since: datetime.datetime | None = None, before: datetime.datetime | None = None
    ) -> Expression:
        """The level's condition over a period (`since` only applies to a `during_period` one)."""
        return self.condition(since=since if self.during_period else None, before=before)


@dataclass(frozen=True)
class Rung:
    """A level as one city's page shows it."""

    level: Level
    reached: bool
    # The city did what the level asks but is not registered, so it does not count yet.
    waiting: bool


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


def annotate(
    queryset: QuerySet,
    *,
    since: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
    met: bool = False,
) -> QuerySet:
    """Add one boolean per level to a City queryset (one subquery each, no extra queries).

    A level past "registered" is reached only by a registered city. With a period (`since`,
    `before`), the levels are those reached in it. `met=True` also adds each condition alone
    (`met_annotation`), for a page that says what an unregistered city did.
    """
    registered = _levels[REGISTERED].met(since=since, before=before)
    annotations = {}
    for level in levels():
        condition = level.met(since=since, before=before)
        if level.key == REGISTERED:
            annotations[level.annotation] = condition
            continue
        annotations[level.annotation] = ExpressionWrapper(
            Q(registered) & Q(condition), output_field=BooleanField()
        )
        if met:
            annotations[level.met_annotation] = condition
    return queryset.annotate(**annotations)


def reached(city) -> list[Level]:
    """The levels an annotated city has reached."""
    return [level for level in levels() if getattr(city, level.annotation)]


def state(city) -> Level | None:
    """The deepest level an annotated city has reached, or None when it is not registered."""
    found = reached(city)
    return found[-1] if found else None


def state_label(city) -> str | Promise:
    """The label of an annotated city's state, "Not registered" included."""
    found = state(city)
    return found.label if found else NOT_REGISTERED_LABEL


def ladder(city) -> list[Rung]:
    """Every level for a city annotated with `met=True`, as its page lists them."""
    return [
        Rung(
            level=level,
            reached=getattr(city, level.annotation),
            waiting=not getattr(city, level.annotation)
            and getattr(city, level.met_annotation, False),
        )
        for level in levels()
    ]


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


register(
    Level(
        key=REGISTERED,
        label=_("Registered"),
        definition=_("At least one of the city's staff is an approved member."),
        order=10,
        condition=has_approved_member,
    )
)

"""Slots on a city's page that other capabilities fill: its adaptation, its round tables.

The cities app never imports plans or roundtables. Instead, each of them registers a section
from its AppConfig.ready():

    from cities import sections

    sections.register(
        sections.Section(
            key="adaptation",
            title=_("Adaptation of the model plan"),
            template_name="plans/includes/_city_adaptation.html",
            context=adaptation_for_city,  # (city, user) -> dict, or None to hide the section
            order=20,
        )
    )

The city page renders every registered section, in order, under its title, by including
`template_name` with `city` and `section` (the dict the function returned) in the context.
A context function must run a fixed number of queries, whatever the amount of data: the city
page's query-count test holds with every registered section.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    template_name: str
    # (city, user) -> the template's `section` context, or None to leave the section out.
    context: Callable[[Any, Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class Slot:
    """A section filled for one city, ready for the template."""

    key: str
    title: str | Promise
    template_name: str
    data: dict


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add a section (idempotent: registering the same key again replaces it)."""
    _sections[section.key] = section


def unregister(key: str) -> None:
    _sections.pop(key, None)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def slots(city, user) -> list[Slot]:
    """The sections with content for this city, in page order."""
    filled = []
    for section in sections():
        data = section.context(city, user)
        if data is not None:
            filled.append(Slot(section.key, section.title, section.template_name, data))
    return filled

"""A small model plan and a city with people in it, for the adaptation tests."""

from dataclasses import dataclass

from cities.models import City, Membership
from plans.models import Entry, FocusArea, Plan
from plans.services import entry_update
from tests.factories import (
    make_city,
    make_coordinator,
    make_entry,
    make_focus_area,
    make_membership,
    make_model_plan,
)
from toolkit.adaptations import services


@dataclass
class World:
    model: Plan
    mobility: FocusArea
    streets: FocusArea
    entries: list[Entry]  # the model's entries, in reading order
    city: City
    lead: object
    editor: object
    staff: object
    coordinator: object


def make_world(*, city_name="Testville") -> World:
    """A model plan of two focus areas and five entries, and a city with a lead, editor, staff."""
    model = make_model_plan()
    mobility = make_focus_area(plan=model, title="Smart Mobility")
    streets = make_focus_area(plan=model, title="Smart Streetscape")
    entries = [
        make_entry(
            focus_area=mobility,
            title="EV charging expansion",
            summary="Add public chargers at city lots.",
            body="Start with **two** city lots.\n\n- Apply for grants\n- Pick sites",
        ),
        make_entry(
            focus_area=mobility,
            title="Curb management policy",
            summary="Price and zone the curb.",
            body="Map the curb first.",
        ),
        make_entry(
            focus_area=mobility,
            title="Safe streets grants",
            kind=Entry.Kind.FUNDING,
            summary="Federal money for safety plans.",
            body="Apply each spring.",
        ),
        make_entry(
            focus_area=streets,
            title="Smart poles",
            kind=Entry.Kind.PRACTICE,
            summary="Poles that carry lights and sensors.",
            body="Share one pole for many uses.",
        ),
        make_entry(
            focus_area=streets,
            title="Open street data",
            summary="Publish what the sensors count.",
            body="Publish hourly counts.",
        ),
    ]
    city = make_city(name=city_name)
    role = Membership.Role
    return World(
        model=model,
        mobility=mobility,
        streets=streets,
        entries=entries,
        city=city,
        lead=make_membership(city=city, role=role.LEAD).user,
        editor=make_membership(city=city, role=role.EDITOR).user,
        staff=make_membership(city=city, role=role.STAFF).user,
        coordinator=make_coordinator(),
    )


def start(world: World, *, title="Testville Smart City Plan") -> Plan:
    return services.adaptation_start(
        city=world.city,
        values={"title": title, "summary": "Our plan.", "vision": "A **safe** city."},
        by=world.editor,
    )


def copy_of(plan: Plan, model_entry: Entry) -> Entry:
    return Entry.objects.get(plan=plan, origin=model_entry)


def model_edit(entry: Entry, *, by, **values) -> Entry:
    """A coordinator edits a model entry through the toolkit's own service."""
    entry.refresh_from_db()
    return entry_update(entry=entry, values=values, expected_version=entry.version, by=by)


def decide(entry: Entry, *, by, **values) -> Entry:
    entry.refresh_from_db()
    saved, _changed = services.adaptation_entry_update(
        entry=entry, values=values, expected_version=entry.version, by=by
    )
    return saved

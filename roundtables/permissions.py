"""Who may do what with round tables: the one place views, templates and services ask.

Coordinators hold `roundtables.organize_round_tables` through their group. Signing up for
a round table needs an approved membership of the city the seat is for.
"""

from cities import permissions as city_permissions
from cities.models import City


def is_organizer(user) -> bool:
    """A coordinator: schedules round tables, sees registrations, records attendance."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "roundtables.organize_round_tables"
    )


def signup_city_ids(user) -> set[int]:
    """The cities the person may sign up for: those with their approved membership."""
    return city_permissions.city_ids(user)


def signup_cities(user):
    """The cities the person may sign up for, as a queryset for a form's choices."""
    return City.objects.filter(pk__in=signup_city_ids(user)).order_by("name")


def can_sign_up(user) -> bool:
    """Approved staff of at least one city."""
    return bool(signup_city_ids(user))


def can_sign_up_for(user, city, *, fresh: bool = False) -> bool:
    """An approved member of this city (`fresh` reads the memberships again)."""
    return city is not None and city_permissions.is_city_staff(user, city, fresh=fresh)


def can_cancel_registration(user, registration) -> bool:
    """The person themself, or an organizer."""
    return bool(getattr(user, "is_authenticated", False)) and (
        registration.user_id == user.pk or is_organizer(user)
    )


def can_see_online_link(user, round_table, registration=None) -> bool:
    """Meeting links go only to organizers and to confirmed registrants who are still
    approved members of the city they signed up for, to keep out intruders."""
    if is_organizer(user):
        return True
    return (
        registration is not None
        and registration.is_confirmed
        and registration.user_id == getattr(user, "pk", None)
        and city_permissions.is_city_staff(user, registration.city)
    )

"""Who may do what to a city: the one place views, templates and services ask.

A person's rights over a city come only from an approved membership of that city; the
collaborative's coordinators act on every city through the `cities.decide_any_membership`
permission of their group. Grant staff have no rights over any city.

Each person's approved roles are read once per request (one query) and kept on the user
object. Services that must decide under a lock pass `fresh=True` to read them again.
"""

from django.db.models import Exists, OuterRef

from cities.models import Membership

ROLE_RANK = {Membership.Role.STAFF: 1, Membership.Role.EDITOR: 2, Membership.Role.LEAD: 3}
_CACHE = "_cities_roles"


def _roles(user, *, fresh: bool = False) -> dict[int, str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    if fresh or not hasattr(user, _CACHE):
        roles = dict(Membership.objects.approved().filter(user=user).values_list("city_id", "role"))
        setattr(user, _CACHE, roles)
    return getattr(user, _CACHE)


def role_in(user, city, *, fresh: bool = False) -> str | None:
    """The person's role in the city ("lead", "editor", "staff"), or None without approval."""
    return _roles(user, fresh=fresh).get(city.pk)


def _at_least(user, city, role: str, *, fresh: bool = False) -> bool:
    current = role_in(user, city, fresh=fresh)
    return current is not None and ROLE_RANK[current] >= ROLE_RANK[role]


def is_coordinator(user) -> bool:
    """One of the collaborative's coordinators (or a site admin)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "cities.decide_any_membership"
    )


def is_city_staff(user, city, *, fresh: bool = False) -> bool:
    """An approved member of the city, whatever their role."""
    return role_in(user, city, fresh=fresh) is not None


def is_city_editor(user, city, *, fresh: bool = False) -> bool:
    """An approved editor or lead of the city: may edit the city's own content."""
    return _at_least(user, city, Membership.Role.EDITOR, fresh=fresh)


def is_city_lead(user, city, *, fresh: bool = False) -> bool:
    return _at_least(user, city, Membership.Role.LEAD, fresh=fresh)


def is_city_staff_condition(*, user_ref: str = "user", city_ref: str = "city") -> Exists:
    """`is_city_staff` for a queryset: the row's person is an approved member of the row's city.

    For rows that name a person and a city (a registration, say), to filter many at once.
    """
    return Exists(
        Membership.objects.approved().filter(
            user=OuterRef(user_ref), city=OuterRef(city_ref), user__is_active=True
        )
    )


def city_ids(user) -> set[int]:
    """The cities the person is an approved member of."""
    return set(_roles(user))


def can_manage_members(user, city, *, fresh: bool = False) -> bool:
    """Approve and decline requests, change roles and remove members of this city."""
    return is_coordinator(user) or is_city_lead(user, city, fresh=fresh)


def can_edit_profile(user, city) -> bool:
    """Edit the city's public profile: description, contact, website."""
    return is_coordinator(user) or is_city_editor(user, city)


def can_edit_domains(user, city=None) -> bool:
    """Email domains approve people automatically, so only coordinators set them (any city's)."""
    return is_coordinator(user)


def can_see_request_queue(user) -> bool:
    """The requests of every city waiting for a decision: coordinators."""
    return is_coordinator(user)


def can_claim_cities(user) -> bool:
    """Make someone the lead of any city: coordinators."""
    return is_coordinator(user)

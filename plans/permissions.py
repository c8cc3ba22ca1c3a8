"""Who may change a plan: the one place views, templates and services ask.

The model plan belongs to the collaborative: the coordinators edit it, through the
`plans.edit_model_plan` permission their group holds. Everyone may read it.
"""

from cities import permissions as city_permissions


def can_edit_model_plan(user) -> bool:
    """A coordinator (or a site admin): may add, edit, reorder and retire model plan content."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm("plans.edit_model_plan")


# --- City adaptations --------------------------------------------------------------------
# A city's adaptation belongs to that city: its editors and leads change it, its lead
# publishes it. A draft is seen only by the city's approved members and the coordinators.


def can_see_adaptation(user, plan) -> bool:
    """Published: anyone. A draft: the city's approved members and the coordinators."""
    if plan.status == plan.Status.PUBLISHED:
        return True
    return city_permissions.is_city_staff(user, plan.city) or city_permissions.is_coordinator(user)


def can_edit_adaptation(user, city) -> bool:
    """Start the city's adaptation and change it: its approved editors and leads."""
    return city_permissions.is_city_editor(user, city)


def can_publish_adaptation(user, city) -> bool:
    """Publish and unpublish the city's adaptation: its approved leads."""
    return city_permissions.is_city_lead(user, city)

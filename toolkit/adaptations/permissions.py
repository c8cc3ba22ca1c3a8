"""Who may read and change a city's adaptation: the one place views, templates and services ask.

A city's adaptation belongs to that city: its approved editors and leads start and change it,
its leads publish it. A draft is seen only by the city's approved members and the
coordinators; to anyone else it does not exist.
"""

from cities import permissions as city_permissions


def can_see_adaptation(user, plan) -> bool:
    """Published: anyone. A draft: the city's approved members and the coordinators."""
    if plan.status == plan.Status.PUBLISHED:
        return True
    return city_permissions.is_city_staff(user, plan.city) or city_permissions.is_coordinator(user)


def can_start_adaptation(user, city) -> bool:
    """Start the city's adaptation: its approved editors and leads."""
    return city_permissions.is_city_editor(user, city)


def can_edit_adaptation(user, plan) -> bool:
    """Change the adaptation and its entries: the city's approved editors and leads."""
    return city_permissions.is_city_editor(user, plan.city)


def can_publish_adaptation(user, plan) -> bool:
    """Publish the adaptation and take it back to a draft: the city's approved leads."""
    return city_permissions.is_city_lead(user, plan.city)

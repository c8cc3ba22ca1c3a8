"""The permission questions of cities.permissions, for templates (to show or hide actions).

{% load city_permissions %}
{% if request.user|can_manage_members:city %}...{% endif %}
"""

from django import template

from cities import permissions

register = template.Library()


@register.filter
def can_manage_members(user, city) -> bool:
    return permissions.can_manage_members(user, city)


@register.filter
def can_edit_profile(user, city) -> bool:
    return permissions.can_edit_profile(user, city)


@register.filter
def can_edit_domains(user) -> bool:
    return permissions.can_edit_domains(user)

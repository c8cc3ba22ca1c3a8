"""Template helpers of the plans app.

{% load plans_tags %}
{{ entry.body|markdown }}              the one Markdown renderer (sanitised)
{% if request.user|can_edit_model_plan %}...{% endif %}
{% query_string request.GET page=2 %}  the current filters with one value changed
"""

from django import template
from django.utils.http import urlencode

from cities.common.text import render_markdown
from plans import permissions

register = template.Library()


@register.filter
def markdown(text, top_heading=3):
    return render_markdown(text, top_heading=int(top_heading))


@register.filter
def can_edit_model_plan(user) -> bool:
    return permissions.can_edit_model_plan(user)


@register.simple_tag
def query_string(params, **changes) -> str:
    """`?` and the query string of `params` with `changes` applied (None or "" removes a key)."""
    merged = {key: params.getlist(key) for key in params}
    for key, value in changes.items():
        if value in (None, ""):
            merged.pop(key, None)
        else:
            merged[key] = [str(value)]
    encoded = urlencode([(k, v) for k, values in merged.items() for v in values if v != ""])
    return f"?{encoded}" if encoded else "?"

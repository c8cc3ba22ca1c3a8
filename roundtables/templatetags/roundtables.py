from django import template

from cities.common.text import render_markdown
from roundtables import permissions

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render an agenda's or minutes' Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def is_organizer(user):
    return permissions.is_organizer(user)

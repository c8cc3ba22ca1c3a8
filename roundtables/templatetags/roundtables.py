from django import template

from roundtables import permissions
from roundtables.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render an agenda's or minutes' Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def is_organizer(user):
    return permissions.is_organizer(user)

"""Markdown to safe HTML, and to plain text: the one renderer every page, package and email uses.

Entries, plans' visions, round tables' agendas and minutes are written in Markdown by
coordinators and city staff. The HTML it becomes is cleaned with nh3 against an allow-list,
so a `<script>`, an event handler or a `javascript:` link never reaches a reader, whoever
wrote it.
"""

import html as html_lib
import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

_HEADING = re.compile(r"<(/?)h([1-6])\b")


def render_markdown(text: str, *, top_heading: int = 3) -> SafeString:
    """Render Markdown to sanitised HTML.

    Headings are shifted so the body's highest one becomes `top_heading`
    (h3 by default: the page around it already has an h1 and an h2), so the
    page's heading outline never skips a level.
    """
    html = markdown_lib.markdown(
        text or "", extensions=["sane_lists", "tables", "fenced_code"], output_format="html"
    )
    html = _shift_headings(html, top_heading)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean)


def _shift_headings(html: str, top_heading: int) -> str:
    levels = [int(level) for _slash, level in _HEADING.findall(html)]
    if not levels:
        return html
    shift = top_heading - min(levels)

    def replace(match):
        level = min(6, max(2, int(match.group(2)) + shift))
        return f"<{match.group(1)}h{level}"

    return _HEADING.sub(replace, html)


def plain_text(text: str) -> str:
    """Markdown reduced to text for calendars and emails: no markup at all."""
    return html_lib.unescape(nh3.clean(markdown_lib.markdown(text or ""), tags=set())).strip()

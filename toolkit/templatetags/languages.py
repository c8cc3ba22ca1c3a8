"""The same page in each of the site's languages: for the switcher and the hreflang links."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils import translation

from cities.common.site import absolute

register = template.Library()


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str
    path: str
    url: str
    is_default: bool


def url_in(request, code: str) -> str:
    """The address of the page `request` asked for, in language `code` (home when it has none)."""
    here = request.get_full_path()
    there = translate_url(here, code)
    if there == here and code != translation.get_language():
        with translation.override(code):
            there = reverse("home")
    return there


def _absolute(request, path: str) -> str:
    try:
        return request.build_absolute_uri(path)
    except DisallowedHost:  # the 400 page, for a request to a host this site is not
        return absolute(path)


@register.simple_tag(takes_context=True)
def page_in_every_language(context) -> list[Alternate]:
    """This page in every language, each with its local name and absolute address."""
    request = context.get("request")
    if request is None:
        return []
    alternates = []
    for code, _name in settings.LANGUAGES:
        path = url_in(request, code)
        alternates.append(
            Alternate(
                code=code,
                name=translation.get_language_info(code)["name_local"],
                path=path,
                url=_absolute(request, path),
                is_default=code == settings.LANGUAGE_CODE,
            )
        )
    return alternates

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.text import slugify


def slug_from(text: str, *, max_length: int) -> str:
    """The slug of a title or a typed slug: lower-case letters, digits and hyphens."""
    return slugify(text or "")[:max_length].strip("-")


def unique_slug(
    queryset: QuerySet,
    text: str,
    *,
    max_length: int,
    fallback: str,
    reserved: Iterable[str] = (),
) -> str:
    """A slug made from `text` that no row of `queryset` uses and no reserved word is.

    The first free one of `base`, `base-2`, `base-3`, ... (cut to fit `max_length`). The
    database's unique constraint still decides between two writers at the same moment.
    """
    base = slug_from(text, max_length=max_length) or fallback
    reserved = set(reserved)
    if base in reserved:
        base = f"{base}-{fallback}"[:max_length].strip("-")
    taken = set(
        queryset.filter(slug__startswith=base[: max_length - 4]).values_list("slug", flat=True)
    )
    taken |= reserved
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug

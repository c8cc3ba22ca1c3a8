"""Caching of anything derived from content, under one generation key.

Whatever is drawn from the database (a page part, a figure, a package) is cached under the
current *generation* of what it reads. A change to that content starts a new generation, so
the next request draws it again: nothing is ever stale, and nothing needs a list of keys to
delete. Two generations exist: `CONTENT` (everything people write: plans, cities,
memberships, round tables, measures) and `DOWNLOADS` (download events, which change often
and are read only by the figures).

Every model save or delete of the project's apps starts a new content generation (`cities.apps`
connects it; bulk writes, which send no signal, call `changed()`), again once its transaction
commits, so a reader who computed with the old rows in between never keeps them under the new
generation.
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

CONTENT = "content"
DOWNLOADS = "downloads"

_PREFIX = "generation:"


def generation(name: str = CONTENT) -> str:
    """The current generation of `name` (one cache read; made anew when the cache lost it)."""
    value = cache.get(_PREFIX + name)
    if value is None:
        cache.add(_PREFIX + name, uuid.uuid4().hex, None)
        value = cache.get(_PREFIX + name) or uuid.uuid4().hex
    return value


def _bump(name: str) -> None:
    cache.set(_PREFIX + name, uuid.uuid4().hex, None)


def changed(name: str = CONTENT) -> None:
    """Say that `name` changed: now, and again when the current transaction commits."""
    _bump(name)
    transaction.on_commit(lambda: _bump(name))


def key(*parts: Any, reads: tuple[str, ...] = (CONTENT,)) -> str:
    """A cache key for `parts` under the current generations of what it `reads`."""
    generations = [generation(name) for name in reads]
    raw = "|".join(str(part) for part in (*parts, *generations))
    return "derived:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(
    parts: tuple, compute: Callable[[], Any], *, reads: tuple[str, ...] = (CONTENT,), timeout=3600
) -> Any:
    """`compute()`, kept until what it reads changes (`timeout` is only a backstop)."""
    name = key(*parts, reads=reads)
    found = cache.get(name)
    if found is None:
        found = compute()
        cache.set(name, found, timeout)
    return found

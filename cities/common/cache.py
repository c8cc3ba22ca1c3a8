"""Caching of anything derived from content, under one generation key.

Whatever is drawn from the database (a page part, a figure, a package) is cached under the
current *generation* of what it reads. A change to that content starts a new generation, so
the next request draws it again: nothing is ever stale, and nothing needs a list of keys to
delete. Two generations exist: `CONTENT` (everything people write: plans, cities,
memberships, round tables, measures) and `DOWNLOADS` (download events, which change often
and are read only by the figures).

Every write to a table of the project's apps starts a new generation, whether it comes from a
model's save, a queryset's update or delete, a bulk insert or raw SQL: `track_writes` wraps
each database connection (cities/apps.py installs it). The generation changes at once, and
again once the transaction commits, so a reader who computed with the old rows in between
never keeps them under the new generation.
"""

import hashlib
import re
import uuid
from collections import OrderedDict
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


def generations(names: tuple[str, ...]) -> list[str]:
    """The current generations of `names`, read in one round trip to the cache."""
    found = cache.get_many([_PREFIX + name for name in names])
    return [found.get(_PREFIX + name) or generation(name) for name in names]


def _bump(name: str) -> None:
    cache.set(_PREFIX + name, uuid.uuid4().hex, None)


def changed(name: str = CONTENT) -> None:
    """Say that `name` changed: now, and again when the current transaction commits."""
    _bump(name)
    transaction.on_commit(lambda: _bump(name))


# The apps whose tables pages and figures are drawn from.
# `auth` holds the groups' permissions, which decide what a signed-in person's pages show.
CONTENT_APPS = {"auth", "cities", "plans", "roundtables", "toolkit", "taggit"}
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_tables: dict[str, str] = {}


def _generation_of_table(table: str) -> str | None:
    """Which generation a write to `table` changes (None for tables that feed no page)."""
    if not _tables:
        from django.apps import apps

        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label in CONTENT_APPS:
                _tables[model._meta.db_table] = getattr(model, "cache_generation", CONTENT)
    return _tables.get(table)


def _on_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    found = _WRITE.match(sql) if isinstance(sql, str) else None
    if found:
        name = _generation_of_table(found.group(1))
        if name:
            _bump(name)
            # Once more when the transaction commits (outside one, the write is committed).
            connection = context["connection"]
            if connection.in_atomic_block:
                transaction.on_commit(lambda: _bump(name), using=connection.alias)
    return result


def track_writes(sender, connection, **kwargs) -> None:
    """Start a new generation after every write the connection makes (idempotent)."""
    if _on_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_on_write)


def key(*parts: Any, reads: tuple[str, ...] = (CONTENT,)) -> str:
    """A cache key for `parts` under the current generations of what it `reads`."""
    return key_under(generations(reads), *parts)


def key_under(current: list[str], *parts: Any) -> str:
    """The key for `parts` under generations already read (see `generations`)."""
    raw = "|".join(str(part) for part in (*parts, *current))
    return "derived:" + hashlib.sha256(raw.encode()).hexdigest()


# Values also held in this process's memory, the most recently used last. Their keys name
# the generations they were drawn under, so a held value is never stale either.
HELD = 512
_held: OrderedDict[str, Any] = OrderedDict()


def held_get(name: str) -> Any:
    """The value kept under `name`: from this process's memory, else the shared cache."""
    found = _held.get(name)
    if found is not None:
        _held.move_to_end(name)
        return found
    found = cache.get(name)
    if found is not None:
        hold(name, found)
    return found


def hold(name: str, value: Any) -> None:
    """Keep `value` under `name` in this process's memory (the oldest goes past HELD)."""
    _held[name] = value
    if len(_held) > HELD:
        _held.popitem(last=False)


def forget_held() -> None:
    """Empty this process's memory (as emptying the shared cache does for it)."""
    _held.clear()


def cached(
    parts: tuple,
    compute: Callable[[], Any],
    *,
    reads: tuple[str, ...] = (CONTENT,),
    timeout=3600,
    fresh: Callable[[Any], bool] | None = None,
    held: bool = False,
) -> Any:
    """`compute()`, kept until what it reads changes (`timeout` is only a backstop).

    `fresh(value)`, when given, says whether a kept value still holds: for what the clock
    changes without a write (a round table that has just ended), it is computed again.
    `held` keeps it in this process's memory too, for what every request reads.
    """
    name = key(*parts, reads=reads)
    found = held_get(name) if held else cache.get(name)
    if found is None or (fresh is not None and not fresh(found)):
        found = compute()
        cache.set(name, found, timeout)
        if held:
            hold(name, found)
    return found


def hits(name: str, seconds: int) -> int:
    """Count one more hit on `name`, a counter that lives `seconds`: the count so far.

    Atomic across processes; one round trip on Redis (cities.common.redis).
    """
    counter = getattr(cache, "incr_living", None)
    if counter is not None:
        return counter(name, seconds)
    try:
        return cache.incr(name)
    except ValueError:  # the first hit (or another's, just now)
        return 1 if cache.add(name, 1, seconds) else cache.incr(name)

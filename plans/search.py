"""Full-text search over the toolkit's entries, the same on PostgreSQL and SQLite.

`search_entries()` is the only way the site searches. On PostgreSQL it matches
and ranks with the stored `plans_entry.search_vector` (a tsvector weighted
title > summary > body, GIN-indexed); on SQLite with the FTS5 table
`plans_entry_fts` and its bm25 rank, weighted the same way. Both are kept
current by database triggers (migration 0004), so every write is indexed.

Both engines get the same query: the words of what the person typed, minus
PostgreSQL's English stop words, every one required, each matched on its stem
("charging" finds "charge" and "chargers").
"""

import re

from django.db import connection as default_connection
from django.db import connections
from django.db.models import BooleanField, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
MAX_WORD_LENGTH = 40

# PostgreSQL's English stop-word list (english.stop): dropped on both engines,
# so that a query finds the same entries whichever database answers it.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


class _EntryTableSQL(RawSQL):
    """Raw SQL that names the entry table by the alias the query gives it."""

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"({self.sql.format(table=table)})", self.params


def search_words(text: str) -> list[str]:
    """The words of a query that search will look for (lower case, no stop words)."""
    words = []
    for word in re.findall(r"[^\W_]+", (text or "").lower()):
        if word not in STOP_WORDS and word not in words and len(word) <= MAX_WORD_LENGTH:
            words.append(word)
    return words[:MAX_WORDS]


def search_entries(entries: QuerySet, text: str) -> QuerySet:
    """Entries matching every word of `text` in title, summary or body, best match first.

    Adds `search_rank` (higher is better). A query with no searchable word
    (only punctuation or stop words) matches nothing.
    """
    words = search_words(text)
    if not words:
        return entries.none()
    vendor = connections[entries.db].vendor
    if vendor == "postgresql":
        query = " & ".join(words)
        matches = _EntryTableSQL(
            "{table}.search_vector @@ to_tsquery('english', %s)", [query], BooleanField()
        )
        rank = _EntryTableSQL(
            "ts_rank({table}.search_vector, to_tsquery('english', %s))", [query], FloatField()
        )
        return entries.filter(matches).annotate(search_rank=rank).order_by("-search_rank", "pk")
    if vendor == "sqlite":
        query = " ".join(f'"{word}"' for word in words)
        # The FTS5 table's rank is bm25 with the weights set in migration 0004;
        # lower is better, so negate it to sort the same way as PostgreSQL.
        return (
            entries.filter(search_index__rank__matches=query)
            .annotate(search_rank=-F("search_index__rank"))
            .order_by("-search_rank", "pk")
        )
    raise NotImplementedError(f"No full-text search for the {vendor} database")


_SQLITE_TRIGGERS = {
    "plans_entry_fts_insert": """
        CREATE TRIGGER plans_entry_fts_insert AFTER INSERT ON plans_entry BEGIN
          INSERT INTO plans_entry_fts(rowid, title, summary, body)
          VALUES (new.id, new.title, new.summary, new.body);
        END
    """,
    "plans_entry_fts_update": """
        CREATE TRIGGER plans_entry_fts_update AFTER UPDATE OF title, summary, body ON plans_entry
        BEGIN
          DELETE FROM plans_entry_fts WHERE rowid = old.id;
          INSERT INTO plans_entry_fts(rowid, title, summary, body)
          VALUES (new.id, new.title, new.summary, new.body);
        END
    """,
    "plans_entry_fts_delete": """
        CREATE TRIGGER plans_entry_fts_delete AFTER DELETE ON plans_entry BEGIN
          DELETE FROM plans_entry_fts WHERE rowid = old.id;
        END
    """,
}


def search_index_ensure(connection=default_connection) -> bool:
    """Put back SQLite's search triggers if a migration dropped them, and re-index.

    SQLite cannot alter most columns in place, so Django rebuilds a table to
    change it, and the rebuild drops the table's triggers. Runs after every
    `migrate`; returns whether anything had to be repaired.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        names = ["plans_entry_fts", *_SQLITE_TRIGGERS]
        placeholders = ", ".join(["%s"] * len(names))
        cursor.execute(f"SELECT name FROM sqlite_master WHERE name IN ({placeholders})", names)
        present = {name for (name,) in cursor.fetchall()}
        if "plans_entry_fts" not in present:
            return False  # the search migration has not run (or was reversed)
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        if not missing:
            return False
        for name in missing:
            cursor.execute(_SQLITE_TRIGGERS[name])
        cursor.execute("DELETE FROM plans_entry_fts")
        cursor.execute(
            "INSERT INTO plans_entry_fts(rowid, title, summary, body) "
            "SELECT id, title, summary, body FROM plans_entry"
        )
    return True

"""Full-text search over entries: a stored tsvector with a GIN index on PostgreSQL, FTS5 on SQLite.

Both are kept up to date by triggers in the database, so every write (a save,
a bulk insert, a queryset update) is indexed. plans.search reads them; on SQLite
plans.apps also puts the triggers back after a migration that rebuilt the table.
"""

import django.db.models.deletion
from django.db import migrations, models

import plans.models

POSTGRESQL = [
    "ALTER TABLE plans_entry ADD COLUMN search_vector tsvector",
    """
    CREATE FUNCTION plans_entry_search_vector_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
      RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER plans_entry_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, body ON plans_entry
    FOR EACH ROW EXECUTE FUNCTION plans_entry_search_vector_update()
    """,
    "UPDATE plans_entry SET title = title",
    "CREATE INDEX plans_entry_search_vector_gin ON plans_entry USING GIN (search_vector)",
    # plans.models.EntrySearchIndex maps SQLite's FTS5 table. PostgreSQL searches the column
    # above instead; an always-empty view of the same shape keeps code that reads every
    # model (say, a test's snapshot of all rows) working on both engines.
    """
    CREATE VIEW plans_entry_fts AS
    SELECT id AS rowid, 0::float8 AS rank FROM plans_entry WHERE false
    """,
]
POSTGRESQL_REVERSE = [
    "DROP VIEW IF EXISTS plans_entry_fts",
    "DROP INDEX IF EXISTS plans_entry_search_vector_gin",
    "DROP TRIGGER IF EXISTS plans_entry_search_vector ON plans_entry",
    "DROP FUNCTION IF EXISTS plans_entry_search_vector_update()",
    "ALTER TABLE plans_entry DROP COLUMN IF EXISTS search_vector",
]

SQLITE = [
    """
    CREATE VIRTUAL TABLE plans_entry_fts USING fts5(
      title, summary, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER plans_entry_fts_insert AFTER INSERT ON plans_entry BEGIN
      INSERT INTO plans_entry_fts(rowid, title, summary, body)
      VALUES (new.id, new.title, new.summary, new.body);
    END
    """,
    """
    CREATE TRIGGER plans_entry_fts_update AFTER UPDATE OF title, summary, body ON plans_entry
    BEGIN
      DELETE FROM plans_entry_fts WHERE rowid = old.id;
      INSERT INTO plans_entry_fts(rowid, title, summary, body)
      VALUES (new.id, new.title, new.summary, new.body);
    END
    """,
    """
    CREATE TRIGGER plans_entry_fts_delete AFTER DELETE ON plans_entry BEGIN
      DELETE FROM plans_entry_fts WHERE rowid = old.id;
    END
    """,
    """
    INSERT INTO plans_entry_fts(rowid, title, summary, body)
    SELECT id, title, summary, body FROM plans_entry
    """,
    # The rank column: bm25 weighted title > summary > body, like PostgreSQL's A, B, C.
    "INSERT INTO plans_entry_fts(plans_entry_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS plans_entry_fts_insert",
    "DROP TRIGGER IF EXISTS plans_entry_fts_update",
    "DROP TRIGGER IF EXISTS plans_entry_fts_delete",
    "DROP TABLE IF EXISTS plans_entry_fts",
]


def _run(schema_editor, statements_by_vendor):
    statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_search_index(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def drop_search_index(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_core_values")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        # The FTS5 table as Django sees it (SQLite only; Django never creates it).
        migrations.CreateModel(
            name="EntrySearchIndex",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="plans.entry",
                    ),
                ),
                ("rank", plans.models.FullTextRankField(db_column="rank")),
            ],
            options={"db_table": "plans_entry_fts", "managed": False},
        ),
    ]

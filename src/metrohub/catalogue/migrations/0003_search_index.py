"""Full-text search: an FTS5 trigram table kept by triggers on SQLite, a pg_trgm GIN index on
PostgreSQL. Both search the folded `search_text` column."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalogue_line_fts USING fts5("
    "search_text, content='catalogue_capabilityline', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER catalogue_line_fts_ai AFTER INSERT ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalogue_line_fts_ad AFTER DELETE ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_fts(catalogue_line_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER catalogue_line_fts_au AFTER UPDATE OF search_text ON catalogue_capabilityline "
    "BEGIN INSERT INTO catalogue_line_fts(catalogue_line_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalogue_line_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_line_fts_au",
    "DROP TRIGGER IF EXISTS catalogue_line_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_line_fts_ai",
    "DROP TABLE IF EXISTS catalogue_line_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX catalogue_line_trgm ON catalogue_capabilityline "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS catalogue_line_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        )
    ]

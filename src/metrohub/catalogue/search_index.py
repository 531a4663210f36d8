"""The search index's DDL, and suspending it for a bulk load (the benchmark generator): drop the
triggers and indexes, load, then build the index once, which is much faster than row by row."""

import contextlib

FTS_TABLE = "catalogue_line_fts"
# The one- and two-character grams (catalogue.grams) on SQLite, for the terms trigrams cannot
# serve: one token per gram (the ascii tokenizer keeps every non-ASCII character, `·` and `、`
# included, and grams hold no ASCII), and only which lines hold each (detail=none).
GRAMS_TABLE = "catalogue_line_grams_fts"
GRAMS_VOCAB = "catalogue_line_grams_vocab"

SQLITE_TRIGGERS = [
    "CREATE TRIGGER catalogue_line_fts_ai AFTER INSERT ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalogue_line_fts_ad AFTER DELETE ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_fts(catalogue_line_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER catalogue_line_fts_au AFTER UPDATE OF search_text ON catalogue_capabilityline "
    "BEGIN INSERT INTO catalogue_line_fts(catalogue_line_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalogue_line_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalogue_line_grams_ai AFTER INSERT ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_grams_fts(rowid, search_grams) VALUES (new.id, new.search_grams); "
    "END",
    "CREATE TRIGGER catalogue_line_grams_ad AFTER DELETE ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_grams_fts(catalogue_line_grams_fts, rowid, search_grams) "
    "VALUES ('delete', old.id, old.search_grams); END",
    "CREATE TRIGGER catalogue_line_grams_au AFTER UPDATE OF search_grams "
    "ON catalogue_capabilityline BEGIN "
    "INSERT INTO catalogue_line_grams_fts(catalogue_line_grams_fts, rowid, search_grams) "
    "VALUES ('delete', old.id, old.search_grams); "
    "INSERT INTO catalogue_line_grams_fts(rowid, search_grams) VALUES (new.id, new.search_grams); "
    "END",
]
SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS catalogue_line_grams_au",
    "DROP TRIGGER IF EXISTS catalogue_line_grams_ad",
    "DROP TRIGGER IF EXISTS catalogue_line_grams_ai",
    "DROP TRIGGER IF EXISTS catalogue_line_fts_au",
    "DROP TRIGGER IF EXISTS catalogue_line_fts_ad",
    "DROP TRIGGER IF EXISTS catalogue_line_fts_ai",
]
SQLITE_REBUILD = [
    "INSERT INTO catalogue_line_fts(catalogue_line_fts) VALUES ('rebuild')",
    "INSERT INTO catalogue_line_grams_fts(catalogue_line_grams_fts) VALUES ('rebuild')",
]

POSTGRES_INDEXES = [
    "CREATE INDEX IF NOT EXISTS catalogue_line_trgm ON catalogue_capabilityline "
    "USING gin (search_text gin_trgm_ops)",
    # The one- and two-character grams (migration 0009), for the terms pg_trgm cannot serve.
    "CREATE INDEX IF NOT EXISTS catalogue_line_grams ON catalogue_capabilityline "
    "USING gin (string_to_array(search_grams, ' '))",
]
POSTGRES_DROP_INDEXES = [
    "DROP INDEX IF EXISTS catalogue_line_trgm",
    "DROP INDEX IF EXISTS catalogue_line_grams",
]


@contextlib.contextmanager
def bulk_load(connection):
    """Within the block, inserted lines are not indexed; on leaving it the index is rebuilt."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_DROP_TRIGGERS:
                cursor.execute(sql)
        else:
            for sql in POSTGRES_DROP_INDEXES:
                cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for sql in SQLITE_REBUILD + SQLITE_TRIGGERS:
                    cursor.execute(sql)
                # Without statistics SQLite walks the (status, ...) index instead of driving
                # from the FTS5 matches.
                cursor.execute("ANALYZE catalogue_capabilityline")
            else:
                for sql in POSTGRES_INDEXES:
                    cursor.execute(sql)
                # Statistics, and the visibility map and hint bits a freshly loaded table lacks
                # (VACUUM cannot run in a transaction: leave the block outside one).
                if connection.get_autocommit():
                    cursor.execute("VACUUM (ANALYZE) catalogue_capabilityline")
                else:
                    cursor.execute("ANALYZE catalogue_capabilityline")

"""On SQLite, an FTS5 table over each line's one- and two-character grams (`search_grams`, see
0009), kept in step by triggers like the trigram table of 0003, and filled once for the lines
already there; with an fts5vocab table giving each gram's number of lines. Trigrams cannot serve a
term shorter than three characters (`中心`, `温度 上海`), so on SQLite such a term read every line.
PostgreSQL has its GIN index over the same column (0009): nothing to do there.

The ascii tokenizer makes each gram exactly one token: it keeps every non-ASCII character (`·`,
`、`, `—`, which unicode61 would drop as separators) and splits on the spaces between grams, and
grams hold no ASCII. detail=none: a gram is looked up alone, never as a phrase of tokens."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE catalogue_line_grams_fts USING fts5("
    "search_grams, content='catalogue_capabilityline', content_rowid='id', tokenize='ascii', "
    "detail=none, columnsize=0)",
    "CREATE VIRTUAL TABLE catalogue_line_grams_vocab USING fts5vocab(catalogue_line_grams_fts, row)",
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
    # the lines already there, read from the content table in one pass
    "INSERT INTO catalogue_line_grams_fts(catalogue_line_grams_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_line_grams_au",
    "DROP TRIGGER IF EXISTS catalogue_line_grams_ad",
    "DROP TRIGGER IF EXISTS catalogue_line_grams_ai",
    "DROP TABLE IF EXISTS catalogue_line_grams_vocab",
    "DROP TABLE IF EXISTS catalogue_line_grams_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_search_grams")]

    operations = [
        migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD), elidable=False)
    ]

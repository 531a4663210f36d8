"""The one- and two-character grams of each line's search text (catalogue.grams), filled for the
lines already there in batches, and on PostgreSQL a GIN index over them: pg_trgm cannot serve a
term shorter than three characters (`中心`, `温度 上海`), so such a term read every line."""

from django.db import migrations, models

BATCH = 2000
TABLE = "catalogue_capabilityline"
POSTGRES_FORWARD = [
    f"CREATE INDEX IF NOT EXISTS catalogue_line_grams ON {TABLE} "
    "USING gin (string_to_array(search_grams, ' '))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS catalogue_line_grams"]


def fill_grams(apps, schema_editor):
    """Batch by batch of ids, so that a national catalogue is never held in memory at once."""
    from metrohub.catalogue.grams import search_grams

    line_model = apps.get_model("catalogue", "CapabilityLine")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            rows = list(
                line_model.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "search_text")[:BATCH]
            )
            if not rows:
                break
            cursor.executemany(
                f"UPDATE {TABLE} SET search_grams = %s WHERE id = %s",  # noqa: S608
                [(search_grams(text), pk) for pk, text in rows],
            )
            last = rows[-1][0]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0008_change_request_case")]

    operations = [
        # A plain ADD COLUMN on both databases: Django would rebuild the table on SQLite, which
        # drops the triggers that keep the FTS5 table in step (and copies every line).
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {TABLE} ADD COLUMN search_grams text NOT NULL DEFAULT ''",
                    f"ALTER TABLE {TABLE} DROP COLUMN search_grams",
                )
            ],
            state_operations=[
                migrations.AddField(
                    model_name="capabilityline",
                    name="search_grams",
                    field=models.TextField(default="", editable=False),
                )
            ],
        ),
        migrations.RunPython(fill_grams, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(
            _run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD), elidable=False
        ),
    ]

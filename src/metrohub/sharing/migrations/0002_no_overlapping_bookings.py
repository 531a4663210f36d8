"""No two confirmed bookings of one resource overlap, refused by the database itself.

PostgreSQL: an exclusion constraint over tstzrange(starts_at, ends_at, '[)') with btree_gist for
the resource's equality (btree_gist is a trusted extension: the database owner may create it).
SQLite: triggers that abort an insert or update making a confirmed booking overlap another; the
stored datetimes are ISO text in UTC, so text comparison is time order.

Intervals are half-open: a booking ending at 10:00 and one starting at 10:00 do not overlap.

SQLite drops a table's triggers when Django rebuilds the table: a later migration that alters
sharing_booking must create them again (tests/sharing/test_models.py fails if they are gone).
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE sharing_booking ADD CONSTRAINT booking_no_overlap
       EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status = 'confirmed')""",
]
PG_BACKWARD = ["ALTER TABLE sharing_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"]

_SQLITE_CHECK = """
    WHEN NEW.status = 'confirmed' AND EXISTS (
        SELECT 1 FROM sharing_booking AS other
        WHERE other.resource_id = NEW.resource_id AND other.status = 'confirmed'
          AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at)
    BEGIN SELECT RAISE(ABORT, 'booking_no_overlap: overlapping confirmed booking'); END
"""
SQLITE_FORWARD = [
    "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON sharing_booking" + _SQLITE_CHECK,
    "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE ON sharing_booking" + _SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS booking_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]

"""Bulk loading for the national-scale benchmarks on PostgreSQL: COPY from generated text lines,
with a table's secondary indexes and constraints suspended during the load and rebuilt once after
it (foreign keys re-added NOT VALID), the id sequences moved past the new rows, then VACUUM ANALYZE.

Shared by `certificate_verify.py` and `national.py`; Django must be set up by the caller.
"""

import contextlib

from django.db import connection

CHUNK = 50_000


def secondary(table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(constraints other than the primary key, with definitions), then plain index definitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c')",
            [table],
        )
        constraints = [(name, definition + (" NOT VALID" if kind == "f" else ""))
                       for name, definition, kind in cursor.fetchall()]  # fmt: skip
        names = {name for name, _ in constraints}
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT LIKE '%%_pkey'",
            [table],
        )
        indexes = [definition for name, definition in cursor.fetchall() if name not in names]
    return constraints, indexes


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0] + 1


@contextlib.contextmanager
def suspended(tables):
    """Drop the tables' secondary indexes and constraints; rebuild them and move the id sequences
    past the loaded rows on the way out (one index build beats millions of index inserts)."""
    saved = {table: secondary(table) for table in tables}
    with connection.cursor() as cursor:
        for table, (constraints, indexes) in saved.items():
            for name, _definition in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for definition in indexes:
                cursor.execute(f'DROP INDEX "{definition.split()[2]}"')
    yield
    with connection.cursor() as cursor:
        for table, (constraints, indexes) in saved.items():
            for definition in indexes:
                cursor.execute(definition)
            for name, definition in constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def copy(table: str, columns: list[str], lines) -> None:
    """COPY tab-separated text lines (each ending in a newline) into `table`, in chunks."""
    raw = connection.connection  # psycopg's own connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out,
    ):
        buffer, size = [], 0
        for line in lines:
            buffer.append(line)
            size += 1
            if size == CHUNK:
                out.write("".join(buffer))
                buffer, size = [], 0
        if buffer:
            out.write("".join(buffer))


def vacuum(tables) -> None:
    """VACUUM ANALYZE outside a transaction, so the planner knows the new sizes."""
    connection.ensure_connection()
    autocommit = connection.connection.autocommit
    connection.connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        connection.connection.autocommit = autocommit

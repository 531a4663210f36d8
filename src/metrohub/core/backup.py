"""`metrohub backup` and `metrohub restore`: the database, the uploaded files and the data
directory's key files in one archive, with the row count of every table to check a restore by.

    archive.tar[.gz]
      manifest.json          format, vendor, time, {table: rows}, files
      database.sqlite3       SQLite's online backup (consistent while the platform runs), or
      database.pgdump        pg_dump -Fc, taken in the same snapshot as the counts
      media/...              uploads (MEDIA_ROOT)
      keys/...               secret_key and *.key / *.pem of the data directory (0600 on restore)
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from metrohub.core.bounds import digits

FORMAT = "metrohub-backup/1"
KEY_PATTERNS = ("secret_key", "*.key", "*.pem")


class BackupError(Exception):
    pass


def tables() -> list[str]:
    """Every table of the installed models (the platform's own and its libraries')."""
    names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(names)


def key_files(directory: Path) -> list[Path]:
    found = {path for pattern in KEY_PATTERNS for path in directory.glob(pattern) if path.is_file()}
    return sorted(found)


# --- backup ------------------------------------------------------------------------------------


def backup(target: Path) -> dict:
    """Write the archive; its manifest (with the row counts) is returned."""
    target = Path(target)
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".backup-") as work:
        work = Path(work)
        if connection.vendor == "sqlite":
            database, counts = _sqlite_backup(work / "database.sqlite3")
        elif connection.vendor == "postgresql":
            database, counts = _postgres_backup(work / "database.pgdump")
        else:
            raise BackupError(f"Backups of {connection.vendor} are not supported.")
        media = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        keys = key_files(Path(settings.DATA_DIR))
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "database": database.name,
            "tables": counts,
            "media_files": len(media_files),
            "keys": [key.name for key in keys],
        }
        mode = "w:gz" if target.name.endswith((".tar.gz", ".tgz")) else "w"
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, mode) as archive:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode = len(data), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
            for key in keys:
                archive.add(key, arcname=f"keys/{key.name}")
        os.chmod(partial, 0o600)  # it holds the keys
        partial.replace(target)
    return manifest


def _sqlite_backup(path: Path) -> tuple[Path, dict]:
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)  # SQLite's online backup API
    finally:
        destination.close()
    return path, sqlite_counts(path)


def sqlite_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file (the copy, so the counts are the copy's own)."""
    with sqlite3.connect(path) as db:
        present = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        return {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables()
            if table in present
        }


def _postgres_backup(path: Path) -> tuple[Path, dict]:
    # The counts and pg_dump read one snapshot, so they agree however busy the platform is.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _postgres_counts(cursor)
        _run([pg_tool("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(path)])
    return path, counts


def _postgres_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    present = {row[0] for row in cursor.fetchall()}
    counts = {}
    for table in tables():
        if table in present:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from METROHUB_PG_BIN, else the newest /usr/lib/postgresql/*/bin,
    else PATH."""
    for folder in [os.environ.get("METROHUB_PG_BIN", "")] + sorted(
        (str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")),
        key=lambda text: [int(part) if digits(part) else part for part in Path(text).parts],
        reverse=True,
    ):
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found; install postgresql-client or set METROHUB_PG_BIN."
        )
    return found


def _pg_environment() -> dict:
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


# --- restore -----------------------------------------------------------------------------------


@dataclass
class Restored:
    manifest: dict
    counts: dict[str, int]

    @property
    def differences(self) -> dict[str, tuple[int, int | None]]:
        expected = self.manifest["tables"]
        return {
            table: (rows, self.counts.get(table))
            for table, rows in expected.items()
            if self.counts.get(table) != rows
        }


def database_is_empty() -> bool:
    """No table of the platform holds a row, or there are no tables at all."""
    if connection.vendor == "sqlite":
        path = str(connection.settings_dict["NAME"])
        if not path.startswith((":memory:", "file:")) and not Path(path).exists():
            return True
    with connection.cursor() as cursor:
        return not any(_live_counts(cursor).values())


def _live_counts(cursor) -> dict[str, int]:
    if connection.vendor == "postgresql":
        return _postgres_counts(cursor)
    present = set(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables():
        if table in present:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def restore(archive_path: Path) -> Restored:
    """Restore an archive into this (empty) installation; the counts after it are returned."""
    if not database_is_empty():
        raise BackupError("The database is not empty: restore only into a new installation.")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(f"{media} already holds files: restore only into a new installation.")
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".restore-") as work:
        work = Path(work)
        with tarfile.open(archive_path) as archive:
            archive.extractall(work, filter="data")  # no absolute paths, links or "..": refused
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError("This is not a Metrohub backup archive.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"The archive holds a {manifest['vendor']} database; this installation uses "
                f"{connection.vendor}."
            )
        if connection.vendor == "sqlite":
            counts = _sqlite_restore(work / manifest["database"])
        else:
            counts = _postgres_restore(work / manifest["database"])
        if (work / "media").exists():
            shutil.copytree(work / "media", media, dirs_exist_ok=True)
        for key in sorted((work / "keys").glob("*")) if (work / "keys").exists() else []:
            destination = Path(settings.DATA_DIR) / key.name
            shutil.copyfile(key, destination)
            os.chmod(destination, 0o600)
    return Restored(manifest, counts)


def _sqlite_restore(copy: Path) -> dict[str, int]:
    # Through SQLite's backup API into the open database: its journal and WAL stay consistent.
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    with connection.cursor() as cursor:
        return _live_counts(cursor)


def _postgres_restore(dump: Path) -> dict[str, int]:
    connection.close()
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            connection.settings_dict["NAME"],
            str(dump),
        ]
    )
    with connection.cursor() as cursor:
        return _postgres_counts(cursor)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from metrohub.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), the uploaded files and the "
        "data directory's keys into one archive (.tar or .tar.gz), safe while the platform runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the file to write, e.g. metrohub-2025-10-14.tar.gz")

    def handle(self, *args, archive, **options):
        try:
            manifest = backup(Path(archive))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows), "
            f"{manifest['media_files']} uploaded files and {len(manifest['keys'])} key files "
            f"to {archive}."
        )

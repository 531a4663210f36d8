from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from metrohub.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a `metrohub backup` archive into a new, empty installation, check every table's "
        "row count against the archive's, then verify the event log."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--no-verify", action="store_true", help="skip `verify-log`")

    def handle(self, *args, archive, no_verify=False, **options):
        try:
            restored = restore(Path(archive))
        except (BackupError, OSError, KeyError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        differences = restored.differences
        if differences:
            lines = [
                f"{table}: {want} in the archive, {got} now"
                for table, (want, got) in differences.items()
            ]
            raise CommandError("Row counts differ after the restore:\n" + "\n".join(lines))
        rows = sum(restored.counts.values())
        self.stdout.write(
            f"Restored {len(restored.counts)} tables ({rows} rows, as in the archive), "
            f"{restored.manifest['media_files']} uploaded files and "
            f"{len(restored.manifest['keys'])} key files."
        )
        if not no_verify:
            call_command("verify-log", stdout=self.stdout)

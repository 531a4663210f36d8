from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from metrohub.eventlog import checkpoints
from metrohub.eventlog.models import Checkpoint


class Command(BaseCommand):
    help = (
        "Write a signed checkpoint of every event chain's head now (the scheduler does it daily), "
        "and export the latest one for safekeeping outside the platform."
    )

    def add_arguments(self, parser):
        parser.add_argument("--export", metavar="FILE", help="write the latest checkpoint here")
        parser.add_argument(
            "--no-write", action="store_true", help="export the latest one without writing anew"
        )

    def handle(self, *args, export=None, no_write=False, **options):
        if not no_write:
            written = checkpoints.write_checkpoint()
            self.stdout.write(
                f"Checkpoint written: {written.chains} chain(s), {written.events} event(s)."
            )
        if export:
            latest = Checkpoint.objects.order_by("-created_at", "-pk").first()
            if latest is None:
                raise CommandError("There is no checkpoint yet.")
            path = Path(export)
            path.write_text(checkpoints.export(latest), encoding="utf-8")
            self.stdout.write(
                f"Exported the checkpoint of {latest.created_at:%Y-%m-%d %H:%M} to {path}."
            )

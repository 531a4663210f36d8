from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from metrohub.eventlog import checkpoints
from metrohub.eventlog.services import verify_all


class Command(BaseCommand):
    help = (
        "Walk every event chain and report the first broken link; then hold the log against the "
        "latest signed checkpoint (or an exported one) to find chains deleted, cut or rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subject", help="verify only this subject, e.g. case:42")
        parser.add_argument(
            "--checkpoint", help="an exported checkpoint file to hold the log against"
        )

    def handle(self, *args, subject=None, checkpoint=None, **options):
        chains = events = 0
        for _name, count, broken in verify_all(subject):
            chains += 1
            events += count
            if broken:
                raise CommandError(
                    f"Broken chain: {broken.subject} event #{broken.seq}: {broken.reason}. "
                    f"{chains} chain(s) read before it."
                )
        signed = self._checkpoint(checkpoint)
        if signed is None:
            self.stdout.write(
                f"OK: {chains} chain(s), {events} event(s) verified; no checkpoint yet."
            )
            return
        breaks = checkpoints.compare(signed, subject)
        if breaks:
            lines = [f"{b.subject} #{b.seq}: {b.reason}" for b in breaks[:20]]
            more = f" (and {len(breaks) - 20} more)" if len(breaks) > 20 else ""
            raise CommandError(
                f"The log does not hold what the checkpoint recorded{more}:\n" + "\n".join(lines)
            )
        self.stdout.write(
            f"OK: {chains} chain(s), {events} event(s) verified; they hold the checkpoint of "
            f"{checkpoints.created_at(signed)}."
        )

    def _checkpoint(self, path):
        if path is None:
            return checkpoints.latest()
        try:
            return checkpoints.from_file(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read the checkpoint file {path}: {exc}") from exc

from django.core.management.base import BaseCommand, CommandError

from metrohub.eventlog.services import verify_all


class Command(BaseCommand):
    help = "Walk every event chain and report the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--subject", help="verify only this subject, e.g. case:42")

    def handle(self, *args, subject=None, **options):
        chains = events = 0
        for _name, count, broken in verify_all(subject):
            chains += 1
            events += count
            if broken:
                raise CommandError(
                    f"Broken chain: {broken.subject} event #{broken.seq}: {broken.reason}. "
                    f"{chains} chain(s) read before it."
                )
        self.stdout.write(f"OK: {chains} chain(s), {events} event(s) verified.")

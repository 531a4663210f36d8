from django.core.management.base import BaseCommand, CommandError

from metrohub.legaltime.models import CalendarYear
from metrohub.legaltime.services import import_schedule, seed_from_package
from metrohub.legaltime.sources import ScheduleInvalid, parse_schedule_file


class Command(BaseCommand):
    help = (
        "The legal calendar: seed it from the chinesecalendar package, import a year, list years."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser(
            "import", help="enter a year's schedule from a TOML file (docs/legal-time.md)"
        )
        importing.add_argument("file")
        sub.add_parser("seed", help="store every year the chinesecalendar package knows")
        sub.add_parser("years", help="list the years and whether their schedule is known")

    def handle(self, *args, action, **options):
        getattr(self, "_" + action)(**options)

    def _import(self, file, **options):
        try:
            schedule = parse_schedule_file(file)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file", returncode=2) from None
        except ScheduleInvalid as exc:
            raise CommandError(f"{file}: nothing was imported:\n{exc}", returncode=2) from None
        changes = import_schedule(schedule=schedule)
        self.stdout.write(
            f"{schedule.year}: imported ({len(schedule.rows())} holiday and adjusted days)."
        )
        self.stdout.write(f"{len(changes)} stored deadline(s) recomputed.")
        for change in changes:
            moved = "" if change.old_due == change.new_due else f" → {change.new_due}"
            self.stdout.write(
                f"  deadline {change.deadline_id}: {change.old_due}{moved}"
                f"{' (no longer provisional)' if change.was_provisional and not change.provisional else ''}"
            )

    def _seed(self, **options):
        added = seed_from_package()
        self.stdout.write(
            f"Seeded {len(added)} year(s): {added[0]}–{added[-1]}." if added else "Nothing to seed."
        )

    def _years(self, **options):
        for year in CalendarYear.objects.all():
            self.stdout.write(
                f"{year.year}  {'known' if year.known else 'NOT known'}  {year.source}"
            )

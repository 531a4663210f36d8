import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from metrohub.standards.services import REMINDER_DAYS, remind


class Command(BaseCommand):
    help = (
        "E-mail a center's people before an examination certificate or a standard instrument's "
        "certificate falls due (idempotent; run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="act as if today were this day (YYYY-MM-DD)")
        parser.add_argument(
            "--days",
            default=",".join(str(d) for d in REMINDER_DAYS),
            help="days ahead of a due date to remind, comma-separated (default 30,7)",
        )

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else None
            days = tuple(int(d) for d in options["days"].split(",") if d.strip())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not days:
            raise CommandError("--days needs at least one number")
        self.stdout.write(f"reminders sent: {remind(on=on, lead_days=days)}")

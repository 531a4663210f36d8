import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from metrohub.alliances.services import remind as remind_alliance_duties
from metrohub.cases.services import REMINDER_DAYS, open_due, remind
from metrohub.inspections.services import open_reports as open_district_reports
from metrohub.sharing.services import remind as remind_bookings


class Command(BaseCommand):
    help = (
        "Open the duties the packs' schedules make due (annual reports, inspections, reviews), "
        "send reminders ahead of due dates and mark overdue obligations, alliance activity duties "
        "and bookings (idempotent; run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            "--date",
            dest="date",
            help="act as if today were this day (YYYY-MM-DD), e.g. to replay a missed day",
        )
        parser.add_argument(
            "--days",
            default=",".join(str(d) for d in REMINDER_DAYS),
            help="days ahead of a due date to remind, comma-separated (default 7,1)",
        )

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else None
            days = tuple(int(d) for d in options["days"].split(",") if d.strip())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        opened = open_due(on=on)
        self.stdout.write(f"duties opened {len(opened)}")
        for case in opened:
            self.stdout.write(f"  #{case.pk} {case.center.code} {case.schedule} {case.period}")
        reports = open_district_reports(on=on)
        self.stdout.write(f"district inspection reports opened {len(reports)}")
        result = remind(on=on, lead_days=days)
        self.stdout.write(f"reminded {result.reminded}, marked overdue {result.overdue}")
        duties = remind_alliance_duties(on=on)
        self.stdout.write(f"alliance activities: reminded {duties.reminded}, late {duties.late}")
        bookings = remind_bookings(on=on)
        self.stdout.write(f"bookings: reminded {bookings.reminded}, pending {bookings.pending}")

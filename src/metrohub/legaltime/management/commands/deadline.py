import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from metrohub.legaltime.services import compute_deadline

UNITS = (
    ("days", "days"),
    ("working_days", "working-days"),
    ("months", "months"),
    ("years", "years"),
)


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--from: {value!r} is not a date in the form YYYY-MM-DD", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Compute a deadline: the date, whether it is provisional, and how it was reached."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        units = parser.add_mutually_exclusive_group(required=True)
        for dest, flag in UNITS:
            units.add_argument(f"--{flag}", dest=dest, metavar="N")
        options = parser.add_mutually_exclusive_group()
        options.add_argument(
            "--extend-holiday",
            action="store_true",
            help="a last day on a rest day moves to the day after the rest (Civil Code art. 203)",
        )
        options.add_argument(
            "--next-working-day",
            action="store_true",
            help="a last day that is not a working day moves to the next working day",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, start, extend_holiday, next_working_day, json: bool, **options):
        unit, flag, raw = next(
            (dest, flag, options[dest]) for dest, flag in UNITS if options[dest] is not None
        )
        try:
            count = int(raw)
        except ValueError:
            raise CommandError(f"--{flag}: {raw!r} is not a whole number", returncode=2) from None
        try:
            result = compute_deadline(
                start=_iso_date(start),
                count=count,
                unit=unit,
                extend_holiday=extend_holiday,
                next_working_day=next_working_day,
            )
        except ValueError as exc:
            raise CommandError(
                f"--{flag}: {exc}" if str(exc).startswith("count") else str(exc), returncode=2
            ) from None
        if json:
            self.stdout.write(_dumps(result.to_dict()))
            return
        self.stdout.write(
            result.date.isoformat() + ("  (provisional)" if result.provisional else "")
        )
        for line in result.explanation("zh"):
            self.stdout.write("  " + line)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)

import atexit
import datetime as dt
import subprocess
import sys
import threading
import time
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import BaseCommand

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAILY_AT = dt.time(1, 0)  # reminders go out at 01:00 Beijing time, before the working day


def seconds_until_next_run(now: dt.datetime) -> float:
    target = dt.datetime.combine(now.date(), DAILY_AT, tzinfo=SHANGHAI)
    if target <= now:
        target += dt.timedelta(days=1)
    return (target - now).total_seconds()


def _daily_reminders() -> None:
    """On one machine the serve process is the scheduler; in production cron runs `metrohub remind`."""
    while True:
        for command in ("remind", "remind_standards"):
            try:
                call_command(command)
            except Exception as exc:  # noqa: BLE001  (a failed run must not stop the next day's)
                print(f"metrohub {command} failed: {exc}", file=sys.stderr)
        time.sleep(seconds_until_next_run(dt.datetime.now(SHANGHAI)))


class Command(BaseCommand):
    help = "Serve the site with a task worker and the daily reminders beside it (one-machine set-up)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        worker = subprocess.Popen([sys.executable, "-m", "metrohub", "db_worker", "--interval", "1"])
        atexit.register(worker.terminate)
        threading.Thread(target=_daily_reminders, name="daily-reminders", daemon=True).start()
        self.stdout.write(f"Task worker started (pid {worker.pid}); reminders run daily at 01:00.")
        self.stdout.write(f"Metrohub: http://{addrport}/   API: http://{addrport}/api/v1/docs")
        call_command("runserver", addrport, use_reloader=False)

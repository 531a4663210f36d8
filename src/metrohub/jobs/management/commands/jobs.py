"""`metrohub jobs list|run-due|run NAME|schedule`: the daily jobs and their runs."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from metrohub.jobs import registry, services
from metrohub.jobs.models import JobRun


class Command(BaseCommand):
    help = "List the daily jobs, run the due ones, run one by hand, or run the scheduler loop."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="the jobs, their times and their last runs")
        sub.add_parser("run-due", help="run the jobs due today that have not run (for cron)")
        one = sub.add_parser("run", help="run one job now")
        one.add_argument("name")
        one.add_argument("--again", action="store_true", help="even if it ran today")
        sub.add_parser("schedule", help="run due jobs now and whenever one falls due (forever)")

    def handle(self, *args, action, **options):
        if action == "list":
            self._list()
        elif action == "run-due":
            for run in services.run_due():
                self._report(run)
        elif action == "run":
            try:
                run = services.run_now(options["name"], again=options["again"])
            except KeyError as exc:
                raise CommandError(exc.args[0]) from None
            if run is None:
                self.stdout.write(f"{options['name']} has run today already (use --again).")
            else:
                self._report(run)
                if not run.ok:
                    raise CommandError(f"{run.job} failed.")
        else:
            self._schedule()

    def _list(self):
        for job in registry.registered():
            last = JobRun.objects.filter(job=job.name).order_by("-day").first()
            state = "never run" if last is None else f"last {last.day}: {_state(last)}"
            self.stdout.write(f"{job.name:<24} {job.at:%H:%M}  {state}  {job.description}")

    def _report(self, run):
        self.stdout.write(f"{run.job} {run.day}: {_state(run)} {run.message[:200]}".rstrip())

    def _schedule(self):
        self.stdout.write(
            "Scheduler: " + ", ".join(f"{j.name} at {j.at:%H:%M}" for j in registry.registered())
        )
        self.stdout.flush()
        while True:
            try:
                for run in services.run_due():
                    self._report(run)
                    self.stdout.flush()
            except Exception as exc:  # noqa: BLE001  (the database may be away for a while)
                print(f"scheduler: {exc.__class__.__name__}: {exc}", file=sys.stderr)
            close_old_connections()
            time.sleep(services.seconds_until_next())


def _state(run) -> str:
    if run.finished_at is None:
        return "running (or stopped before finishing)"
    return "ok" if run.ok else "FAILED"

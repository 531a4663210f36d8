"""Running the daily jobs exactly once a day, however many schedulers run.

A scheduler claims a job's day by inserting its run record; the unique (job, day) constraint lets
exactly one insert succeed, on PostgreSQL (the others wait for it, then fail) as on SQLite
(IMMEDIATE transactions). Only the claimant runs the job. A failed run is recorded and not retried
by the schedulers that day; `metrohub jobs run NAME --again` runs it by hand.
"""

import datetime as dt
import logging
import socket
import traceback
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from metrohub.jobs import registry
from metrohub.jobs.models import JobRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A scheduler never sleeps longer than this, so a changed clock or a new job is seen soon.
LONGEST_SLEEP = 300.0

log = logging.getLogger(__name__)


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()).astimezone(SHANGHAI)


def is_due(job: registry.DailyJob, now: dt.datetime) -> bool:
    return local_now(now).time() >= job.at


def claim(job: registry.DailyJob, day: dt.date, *, now: dt.datetime | None = None):
    """The new run record of the job's day, or None when another process has it already."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job.name, day=day, started_at=now or timezone.now(), host=_host()
            )
    except IntegrityError:
        return None


def execute(job: registry.DailyJob, run: JobRun) -> JobRun:
    """Run a claimed job and record how it ended; an exception is recorded, not raised."""
    try:
        outcome = job.run()
    except Exception:  # noqa: BLE001  (one job's failure must not stop the others or the loop)
        run.ok, run.message = False, traceback.format_exc(limit=20)[-4000:]
        log.exception("daily job %s failed", job.name)
    else:
        run.ok, run.message = True, "" if outcome is None else str(outcome)[:4000]
    run.finished_at = timezone.now()
    run.save(update_fields=["ok", "message", "finished_at"])
    return run


def run_due(now: dt.datetime | None = None) -> list[JobRun]:
    """Run every job that is due today and that no process has started yet today."""
    now = now or timezone.now()
    day = local_now(now).date()
    done = set(JobRun.objects.filter(day=day).values_list("job", flat=True))
    runs = []
    for job in registry.registered():
        if job.name in done or not is_due(job, now):
            continue
        run = claim(job, day, now=now)
        if run is not None:
            runs.append(execute(job, run))
    return runs


def run_now(name: str, *, again: bool = False, now: dt.datetime | None = None) -> JobRun | None:
    """Run one job by hand for today; None when it has run today already (unless `again`)."""
    job = registry.get(name)
    day = local_now(now).date()
    if again:
        JobRun.objects.filter(job=name, day=day).delete()
    run = claim(job, day, now=now)
    return execute(job, run) if run is not None else None


def seconds_until_next(now: dt.datetime | None = None) -> float:
    """How long a scheduler may sleep: until the next job's time today, else the first tomorrow,
    at most LONGEST_SLEEP."""
    local = local_now(now)
    today = local.date()
    times = [dt.datetime.combine(today, job.at, tzinfo=SHANGHAI) for job in registry.registered()]
    upcoming = [moment for moment in times if moment > local]
    if not upcoming and times:
        upcoming = [min(times) + dt.timedelta(days=1)]
    if not upcoming:
        return LONGEST_SLEEP
    return max(1.0, min(LONGEST_SLEEP, (min(upcoming) - local).total_seconds()))


def _host() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"[:200]

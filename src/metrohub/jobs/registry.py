"""The registry of daily jobs. An app adds one in its own `jobs.py`:

    from metrohub.jobs.registry import daily_job

    @daily_job("remind", at=dt.time(1, 0), description="Reminders ahead of due dates")
    def remind():
        ...

Every scheduler process (`metrohub jobs schedule`, started by `metrohub serve`) walks the same
registry; the run record of a job and day (metrohub.jobs.services) makes each run once a day however
many schedulers there are.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DailyJob:
    name: str
    at: dt.time  # Beijing time; due from then on, once per day
    run: Callable[[], object]
    description: str = ""


_JOBS: dict[str, DailyJob] = {}


def daily_job(name: str, *, at: dt.time = dt.time(1, 0), description: str = ""):
    def register(function):
        existing = _JOBS.get(name)
        if existing is not None and existing.run is not function:
            raise ValueError(f"Two daily jobs are named {name!r}.")
        _JOBS[name] = DailyJob(name=name, at=at, run=function, description=description)
        return function

    return register


def registered() -> list[DailyJob]:
    return sorted(_JOBS.values(), key=lambda job: (job.at, job.name))


def get(name: str) -> DailyJob:
    try:
        return _JOBS[name]
    except KeyError:
        raise KeyError(
            f"No daily job named {name!r} (known: {', '.join(sorted(_JOBS))})."
        ) from None

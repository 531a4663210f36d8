"""The instrument registers' daily job: reminders 30 and 7 days before an instrument falls due."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job(
    "instrument-reminders", at=dt.time(1, 40), description="instruments due in 30 and 7 days"
)
def remind():
    from metrohub.instruments.services import remind as send_reminders

    return f"reminded {send_reminders()}"

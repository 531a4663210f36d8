"""The standards' daily job: reminders before an examination certificate or a standard
instrument's certificate falls due."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job("standards-reminders", at=dt.time(1, 30), description="certificates due in 30 and 7 days")
def remind():
    from metrohub.standards.services import remind as send_reminders

    return f"reminded {send_reminders()}"

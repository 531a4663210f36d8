"""The procedure's daily job: reminders ahead of due dates, overdue obligations marked."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job("remind", at=dt.time(1, 0), description="reminders 7 and 1 days ahead; overdue marked")
def remind():
    from metrohub.cases.services import remind as send_reminders

    result = send_reminders()
    return f"reminded {result.reminded}, marked overdue {result.overdue}"

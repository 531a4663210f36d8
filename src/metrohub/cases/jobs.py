"""The procedure's daily job: reminders ahead of due dates, overdue obligations marked."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job(
    "remind",
    at=dt.time(1, 0),
    description="duties due opened; reminders 7 and 1 days ahead; overdue marked",
)
def remind():
    from metrohub.cases.services import open_due
    from metrohub.cases.services import remind as send_reminders
    from metrohub.inspections.services import open_reports

    # duties first: an obligation opened today is reminded of today
    opened = open_due()
    reports = open_reports()
    result = send_reminders()
    return (
        f"duties opened {len(opened)}, district inspection reports opened {len(reports)}, "
        f"reminded {result.reminded}, marked overdue {result.overdue}"
    )

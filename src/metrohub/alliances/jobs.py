"""The alliances' daily job: reminders of the yearly activity duty, and shortfalls marked late."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job("alliance-duties", at=dt.time(1, 10), description="yearly alliance activities reminded")
def alliance_duties():
    from metrohub.alliances.services import remind

    result = remind()
    return f"reminded {result.reminded}, late {result.late}"

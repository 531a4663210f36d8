"""Open sharing's daily job: both sides reminded of tomorrow's bookings, centers of pending ones."""

import datetime as dt

from metrohub.jobs.registry import daily_job


@daily_job("booking-reminders", at=dt.time(1, 20), description="tomorrow's bookings reminded")
def booking_reminders():
    from metrohub.sharing.services import remind

    result = remind()
    return f"reminded {result.reminded}, pending {result.pending}"

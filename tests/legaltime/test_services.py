import datetime as dt
from pathlib import Path

import pytest

from metrohub.eventlog.models import Event
from metrohub.legaltime.models import CalendarDay, CalendarYear
from metrohub.legaltime.services import compute_deadline, import_schedule, store_deadline
from metrohub.legaltime.sources import parse_schedule_file

SCHEDULE_2027 = Path(__file__).parent / "fixtures" / "schedule-2027.toml"
D = dt.date


@pytest.mark.django_db
def test_calendar_is_seeded_for_every_known_year():
    years = list(CalendarYear.objects.filter(known=True).values_list("year", flat=True))
    assert years == list(range(2004, 2027))
    assert CalendarDay.objects.filter(date__year=2025).count() == 365
    national_day = CalendarDay.objects.get(date=D(2025, 10, 1))
    assert (national_day.workday, national_day.holiday_name) == (False, "国庆节")
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).adjusted is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "count", "unit", "options", "due"),
    [
        (D(2025, 9, 30), 5, "working_days", {}, D(2025, 10, 14)),
        (D(2025, 11, 30), 3, "months", {}, D(2026, 2, 28)),
        (D(2025, 9, 28), 7, "days", {}, D(2025, 10, 5)),
        (D(2025, 9, 28), 7, "days", {"extend_holiday": True}, D(2025, 10, 9)),
    ],
)
def test_legal_time_examples_from_the_stored_calendar(start, count, unit, options, due):
    result = compute_deadline(start=start, count=count, unit=unit, **options)
    assert (result.date, result.provisional) == (due, False)


@pytest.mark.django_db
def test_importing_2027_recomputes_stored_deadlines_and_records_it():
    stored = store_deadline(start=D(2026, 12, 20), count=10, unit="working_days", rule="test")
    unaffected = store_deadline(start=D(2025, 9, 30), count=5, unit="working_days", rule="other")
    assert stored.provisional is True and stored.due == D(2027, 1, 1)
    changes = import_schedule(schedule=parse_schedule_file(SCHEDULE_2027))
    assert [c.deadline_id for c in changes] == [stored.pk]
    stored.refresh_from_db()
    unaffected.refresh_from_db()
    # The fixture makes 1–3 January 2027 a holiday: the tenth working day moves to Monday 4 January.
    assert (stored.due, stored.provisional) == (D(2027, 1, 4), False)
    assert unaffected.due == D(2025, 10, 14)
    event = Event.objects.get(subject=f"deadline:{stored.pk}")
    assert event.payload == {
        "year": 2027,
        "old_due": "2027-01-01",
        "new_due": "2027-01-04",
        "was_provisional": True,
        "provisional": False,
    }
    assert CalendarYear.objects.get(year=2027).known is True

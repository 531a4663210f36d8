"""The legal calendar as stored data, and the one entry point for computing deadlines."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.dispatch import Signal

from metrohub.eventlog.services import append_event
from metrohub.legaltime.calculator import Deadline, compute
from metrohub.legaltime.models import CalendarDay, CalendarYear, StoredDeadline
from metrohub.legaltime.sources import (
    CalendarRow,
    ChineseCalendarSource,
    TableCalendarSource,
    YearSchedule,
)

# Sent with `deadline` (the StoredDeadline) whenever a stored deadline's due date is recomputed,
# so what keeps a copy of the date (an obligation's due date) moves with it.
deadline_recomputed = Signal()

_cache: dict = {"stamp": None, "source": None}
_WEEKEND = (1, 7)  # Django's week_day: 1 = Sunday, 7 = Saturday
# Only days that differ from the weekly rule need loading: holidays, adjusted days, exceptions.
_NOT_ORDINARY = (
    Q(holiday_name__gt="")
    | Q(adjusted=True)
    | (Q(workday=False) & ~Q(date__week_day__in=_WEEKEND))
    | (Q(workday=True) & Q(date__week_day__in=_WEEKEND))
)


def _stamp():
    """Changes whenever a year is added or edited, so every process notices an import."""
    return tuple(CalendarYear.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values())


def calendar_source() -> TableCalendarSource:
    """The calendar built from the database, rebuilt only when the stored calendar changed."""
    stamp = _stamp()
    if stamp[0] == 0:  # an empty calendar (a fresh or flushed database) is seeded, never guessed
        seed_from_package()
        stamp = _stamp()
    if _cache["stamp"] != stamp:
        rows = [
            CalendarRow(
                d.date, d.workday, d.holiday_name or None, d.adjusted, d.holiday_name_en or None
            )
            for d in CalendarDay.objects.filter(_NOT_ORDINARY)
        ]
        known = CalendarYear.objects.filter(known=True).values_list("year", flat=True)
        _cache.update(stamp=stamp, source=TableCalendarSource(rows, known))
    return _cache["source"]


def compute_deadline(
    *,
    start: dt.date,
    count: int,
    unit: str,
    extend_holiday: bool = False,
    next_working_day: bool = False,
    include_start: bool = False,
) -> Deadline:
    return compute(
        start,
        count,
        unit,
        calendar=calendar_source(),
        extend_holiday=extend_holiday,
        next_working_day=next_working_day,
        include_start=include_start,
    )


def store_deadline(*, start, count, unit, rule="", article="", **options) -> StoredDeadline:
    result = compute_deadline(start=start, count=count, unit=unit, **options)
    return StoredDeadline.objects.create(
        start=start,
        count=count,
        unit=unit,
        rule=rule,
        article=article,
        due=result.date,
        provisional=result.provisional,
        calendar_years=list(result.calendar_years),
        steps=[step.to_dict() for step in result.steps],
        **{
            k: options.get(k, False)
            for k in ("extend_holiday", "next_working_day", "include_start")
        },
    )


def _day_rows_for_year(source, year: int, label: str, day_model=CalendarDay) -> list[CalendarDay]:
    day, rows = dt.date(year, 1, 1), []
    while day.year == year:
        info = source.day(day)
        rows.append(
            day_model(
                date=day,
                workday=info.workday,
                holiday_name=(info.holiday or info.adjusted_for or "")
                if (info.holiday or info.adjusted_workday)
                else "",
                holiday_name_en=(info.holiday_en or info.adjusted_for_en or "")
                if (info.holiday or info.adjusted_workday)
                else "",
                adjusted=info.adjusted_workday,
                source=label,
            )
        )
        day += dt.timedelta(days=1)
    return rows


@transaction.atomic
def seed_from_package(*, day_model=CalendarDay, year_model=CalendarYear) -> list[int]:
    """Store every year the chinesecalendar package knows and that is not stored yet.

    The models can be passed in so a data migration uses its historical ones.
    """
    source = ChineseCalendarSource()
    stored = set(year_model.objects.filter(known=True).values_list("year", flat=True))
    added = sorted(set(source.known_years) - stored)
    for year in added:
        day_model.objects.filter(date__year=year).delete()
        day_model.objects.bulk_create(
            _day_rows_for_year(source, year, "chinesecalendar", day_model)
        )
        year_model.objects.update_or_create(
            year=year, defaults={"known": True, "source": "chinesecalendar"}
        )
    return added


@dataclass(frozen=True)
class Recomputed:
    deadline_id: int
    old_due: dt.date
    new_due: dt.date
    was_provisional: bool
    provisional: bool


@transaction.atomic
def import_schedule(*, schedule: YearSchedule, actor=None) -> list[Recomputed]:
    """Enter a year's schedule, then recompute every stored deadline that looked at that year."""
    label = schedule.source or f"schedule {schedule.year}"
    source = schedule.calendar()
    CalendarDay.objects.filter(date__year=schedule.year).delete()
    CalendarDay.objects.bulk_create(_day_rows_for_year(source, schedule.year, label[:300]))
    CalendarYear.objects.update_or_create(
        year=schedule.year, defaults={"known": True, "source": label[:300]}
    )
    append_event(
        subject=f"calendar:{schedule.year}",
        action="calendar.imported",
        actor=actor,
        payload={"year": schedule.year, "source": label, "days": len(schedule.rows())},
    )
    return recompute_deadlines(year=schedule.year, actor=actor)


def recompute_deadlines(*, year: int, actor=None) -> list[Recomputed]:
    changes = []
    for stored in StoredDeadline.objects.all().iterator():
        if year not in stored.calendar_years:
            continue
        result = compute_deadline(
            start=stored.start,
            count=stored.count,
            unit=stored.unit,
            extend_holiday=stored.extend_holiday,
            next_working_day=stored.next_working_day,
            include_start=stored.include_start,
        )
        change = Recomputed(
            stored.pk, stored.due, result.date, stored.provisional, result.provisional
        )
        stored.due, stored.provisional = result.date, result.provisional
        stored.calendar_years = list(result.calendar_years)
        stored.steps = [step.to_dict() for step in result.steps]
        stored.save(update_fields=["due", "provisional", "calendar_years", "steps", "computed_at"])
        deadline_recomputed.send(sender=StoredDeadline, deadline=stored)
        append_event(
            subject=f"deadline:{stored.pk}",
            action="deadline.recomputed",
            actor=actor,
            payload={
                "year": year,
                "old_due": change.old_due.isoformat(),
                "new_due": change.new_due.isoformat(),
                "was_provisional": change.was_provisional,
                "provisional": change.provisional,
            },
        )
        changes.append(change)
    return changes

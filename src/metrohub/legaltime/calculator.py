"""The deadline calculator: one function, ``compute``, for every deadline on the platform.

Framework-free (no Django import). The rules, with their sources (see ``docs/legal-time.md``):

- the start day is not counted; counting begins the next day (Civil Code art. 201), unless the rule
  says the start day counts (``include_start``);
- months and years end on the same-numbered day of the final month, or that month's last day when
  it has no such day (art. 202) — ``dateutil.relativedelta`` clamps exactly so;
- ``extend_holiday``: a last day that is a rest day — a statutory holiday, or a weekly rest day not
  adjusted to a working day (the long-standing judicial reading of 法定休假日) — moves to the day
  after the rest ends (art. 203);
- ``next_working_day``: a last day that is not a working day moves to the next working day;
- working days (工作日): Monday–Friday minus statutory holidays plus adjusted working Saturdays and
  Sundays (调休上班日); the start day is never one of them unless ``include_start``.

A result is **provisional** when any day the computation looked at lies in a year the calendar
does not know; a plain calendar-day, month or year count without an option never looks at the
calendar and so is never provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from dateutil.relativedelta import relativedelta

from metrohub.core.dates import chinese_date as _zh
from metrohub.legaltime.sources import CalendarSource, DayInfo

__all__ = ["UNITS", "Deadline", "Step", "compute"]

Unit = Literal["days", "working_days", "months", "years"]
UNITS: tuple[str, ...] = ("days", "working_days", "months", "years")

_ONE = dt.timedelta(days=1)
_WEEKDAY_ZH = "一二三四五六日"
MAX_COUNT = 100_000


def _zh_span(a: dt.date, b: dt.date) -> str:
    return _zh(a) if a == b else f"{_zh(a)}至{_zh(b)}"


def _en(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%B} {d.year}"


def _en_span(a: dt.date, b: dt.date) -> str:
    return _en(a) if a == b else f"{_en(a)} to {_en(b)}"


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the explanation. ``date``..``end`` is the run of days it covers (``end`` is None
    for a single day). ``action`` is one of: start, count, skip, clamp, extend, end, provisional.

    The texts ``reason_zh`` / ``reason_en`` are rendered on demand from ``key`` and ``args`` so that
    computing a deadline costs no string formatting (see bench/deadlines.py).
    """

    date: dt.date
    action: str
    key: str
    args: tuple = ()
    end: dt.date | None = None

    @property
    def reason_zh(self) -> str:
        return _RENDER[self.key][0](*self.args)

    @property
    def reason_en(self) -> str:
        return _RENDER[self.key][1](*self.args)

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "action": self.action,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


def _wd(d: dt.date) -> str:
    return _WEEKDAY_ZH[d.weekday()]


def _rest_names(reasons) -> tuple[str, str]:
    zh = "、".join(dict.fromkeys(f"{h[0]}假期" if h else "周末休息日" for h in reasons))
    en = ", ".join(
        dict.fromkeys(f"{h[1] or h[0]} holiday" if h else "weekly rest day" for h in reasons)
    )
    return zh, en


def _rest_zh(a, b, reasons, guessed):
    text = f"{_zh_span(a, b)}：{_rest_names(reasons)[0]}，非工作日"
    return text + ("（该年节假日安排未知，按周末推定）" if guessed else "")


def _rest_en(a, b, reasons, guessed):
    text = f"{_en_span(a, b)}: {_rest_names(reasons)[1]}, not a working day"
    return text + (
        " (that year's schedule is not known: assumed from the weekday)" if guessed else ""
    )


def _extend_zh(a, b, reasons, guessed, new, art203):
    if art203:
        tail = f"；最后一日为法定休假日，以休假日结束的次日{_zh(new)}为期间最后一日（民法典第二百零三条）"
    else:
        tail = f"；顺延至下一个工作日{_zh(new)}"
    return _rest_zh(a, b, reasons, guessed) + tail


def _extend_en(a, b, reasons, guessed, new, art203):
    if art203:
        tail = (
            f"; the last day is a rest day, so the period ends on the day after the rest ends, "
            f"{_en(new)} (Civil Code art. 203)"
        )
    else:
        tail = f"; moved to the next working day, {_en(new)}"
    return _rest_en(a, b, reasons, guessed) + tail


def _run_label(a, b, first, guessed, lang):
    n = first + (b - a).days  # a run of plain working days has no gaps
    if lang == "zh":
        label = f"第{first}个工作日" if a == b else f"第{first}至{n}个工作日"
        note = "（该年节假日安排未知，按周一至周五推定）" if guessed else ""
        return f"{_zh_span(a, b)}：{label}{note}"
    label = f"working day {first}" if a == b else f"working days {first}–{n}"
    note = " (schedule not known: assumed from the weekday)" if guessed else ""
    return f"{_en_span(a, b)}: {label}{note}"


def _unit_words(count, unit):
    zh = "个月" if unit == "months" else "年"
    en = ("month" if unit == "months" else "year") + ("s" if count != 1 else "")
    return zh, en


_RENDER = {
    "start_excluded": (
        lambda d: f"起算日{_zh(d)}不计入，自次日开始计算（民法典第二百零一条）",
        lambda d: (
            f"Start {_en(d)} is not counted; counting begins the next day (Civil Code art. 201)"
        ),
    ),
    "start_included": (
        lambda d: f"起算日{_zh(d)}计入期间（规则规定当日起算）",
        lambda d: f"Start {_en(d)} counts as the first day (the rule counts the start day)",
    ),
    "days": (
        lambda c, d: f"按日计算{c}日，第{c}日为{_zh(d)}",
        lambda c, d: f"{c} calendar day{'s' if c != 1 else ''}: day {c} is {_en(d)}",
    ),
    "months": (
        lambda c, u, d: (
            f"按{_unit_words(c, u)[0]}计算{c}{_unit_words(c, u)[0]}，"
            f"到期月的对应日为{_zh(d)}（民法典第二百零二条）"
        ),
        lambda c, u, d: (
            f"{c} {_unit_words(c, u)[1]}: the same-numbered day of the final month "
            f"is {_en(d)} (Civil Code art. 202)"
        ),
    ),
    "clamp": (
        lambda day, d: (
            f"{d.year}年{d.month}月没有{day}日，以该月最后一日{_zh(d)}为期间最后一日"
            "（民法典第二百零二条）"
        ),
        lambda day, d: (
            f"{d:%B} {d.year} has no day {day}: the last day of that month, "
            f"{_en(d)}, is the last day (Civil Code art. 202)"
        ),
    ),
    "include_start_shift": (
        lambda d: f"起算日计入，期间最后一日提前一日为{_zh(d)}",
        lambda d: f"The start day counts, so the last day is one day earlier: {_en(d)}",
    ),
    "adjusted_not_rest": (
        lambda d, h, h_en: f"{_zh(d)}（星期{_wd(d)}）为{h or ''}调休上班日，不是休息日，期间不顺延",
        lambda d, h, h_en: (
            f"{_en(d)} is an adjusted working day{f' for {h_en}' if h_en else ''}, "
            "not a rest day: the period is not extended"
        ),
    ),
    "extend": (_extend_zh, _extend_en),
    "skip": (
        lambda a, b, r, g: _rest_zh(a, b, r, g) + "，跳过",
        lambda a, b, r, g: _rest_en(a, b, r, g) + ", skipped",
    ),
    "count_adjusted": (
        lambda d, n, h, h_en: f"{_zh(d)}（星期{_wd(d)}）为{h or ''}调休上班日，计为第{n}个工作日",
        lambda d, n, h, h_en: (
            f"{_en(d)} is an adjusted working day{f' for {h_en}' if h_en else ''}: working day {n}"
        ),
    ),
    "count_run": (
        lambda a, b, n, g: _run_label(a, b, n, g, "zh"),
        lambda a, b, n, g: _run_label(a, b, n, g, "en"),
    ),
    "provisional": (
        lambda ys: (
            f"暂定：{'、'.join(f'{y}年' for y in ys)}节假日安排尚未录入，"
            "结果按周一至周五工作推定，录入后将重新计算"
        ),
        lambda ys: (
            f"Provisional: the {', '.join(map(str, ys))} holiday schedule is not yet "
            "known; Monday to Friday were assumed to be working days. It will be recomputed when "
            "the schedule is entered."
        ),
    ),
    "end": (
        lambda d: f"期间最后一日为{_zh(d)}（星期{_wd(d)}），至24时届满",
        lambda d: f"The period ends on {_en(d)} at 24:00",
    ),
}


@dataclass(frozen=True, slots=True)
class Deadline:
    date: dt.date
    provisional: bool
    steps: tuple[Step, ...]
    start: dt.date
    count: int
    unit: str
    extend_holiday: bool = False
    next_working_day: bool = False
    include_start: bool = False
    #: every year whose calendar the computation consulted (empty for a plain count)
    calendar_years: tuple[int, ...] = ()
    #: the consulted years the calendar did not know (non-empty iff provisional)
    unknown_years: tuple[int, ...] = field(default=())

    def depends_on(self, year: int) -> bool:
        return year in self.calendar_years

    def explanation(self, lang: str = "zh") -> list[str]:
        attr = "reason_zh" if lang.startswith("zh") else "reason_en"
        return [getattr(s, attr) for s in self.steps]

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "provisional": self.provisional,
            "steps": [s.to_dict() for s in self.steps],
            "start": self.start.isoformat(),
            "count": self.count,
            "unit": self.unit,
            "options": {
                "extend_holiday": self.extend_holiday,
                "next_working_day": self.next_working_day,
                "include_start": self.include_start,
            },
            "calendar_years": list(self.calendar_years),
            "unknown_years": list(self.unknown_years),
        }


class _Tracker:
    """Consulted years and unknown years, cheaply."""

    __slots__ = ("years", "unknown")

    def __init__(self) -> None:
        self.years: set[int] = set()
        self.unknown: set[int] = set()

    def see(self, info: DayInfo) -> None:
        y = info.date.year
        self.years.add(y)
        if not info.known:
            self.unknown.add(y)


def _check_args(start, count, unit, extend_holiday, next_working_day, include_start, calendar):
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise ValueError(f"start: must be a date, got {start!r}")
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError(f"count: must be a whole number, got {count!r}")
    if count < 1:
        raise ValueError(f"count: must be at least 1, got {count}")
    if count > MAX_COUNT:
        raise ValueError(f"count: must be at most {MAX_COUNT}, got {count}")
    if unit not in UNITS:
        raise ValueError(f"unit: must be one of {', '.join(UNITS)}, got {unit!r}")
    if extend_holiday and next_working_day:
        raise ValueError(
            "extend_holiday, next_working_day: the options are mutually exclusive; choose one"
        )
    if calendar is None:
        raise ValueError("calendar: a calendar source is required")


def compute(
    start: dt.date,
    count: int,
    unit: str,
    *,
    calendar: CalendarSource,
    extend_holiday: bool = False,
    next_working_day: bool = False,
    include_start: bool = False,
) -> Deadline:
    """Compute a deadline. See the module docstring and ``docs/legal-time.md``.

    Raises ``ValueError`` whose message starts with the offending argument's name
    (``count: must be at least 1, got 0``).
    """
    _check_args(start, count, unit, extend_holiday, next_working_day, include_start, calendar)
    steps: list[Step] = []
    tracker = _Tracker()
    steps.append(
        Step(start, "start", "start_included" if include_start else "start_excluded", (start,))
    )
    try:
        if unit == "working_days":
            last = _working_days(start, count, calendar, include_start, steps, tracker)
        else:
            last = _calendar_period(start, count, unit, include_start, steps)
            if extend_holiday or next_working_day:
                last = _move_off_rest(last, calendar, extend_holiday, steps, tracker)
    except (OverflowError, ValueError) as exc:  # past year 9999
        raise ValueError(f"count: {count} {unit} from {start} is outside the calendar") from exc

    unknown = tuple(sorted(tracker.unknown)) if tracker.unknown else ()
    if unknown:
        steps.append(Step(last, "provisional", "provisional", (unknown,)))
    steps.append(Step(last, "end", "end", (last,)))
    return Deadline(
        date=last,
        provisional=bool(unknown),
        steps=tuple(steps),
        start=start,
        count=count,
        unit=unit,
        extend_holiday=bool(extend_holiday),
        next_working_day=bool(next_working_day),
        include_start=bool(include_start),
        calendar_years=tuple(sorted(tracker.years)) if tracker.years else (),
        unknown_years=unknown,
    )


_DELTAS: dict[tuple[str, int], relativedelta] = {}


def _delta(unit: str, count: int) -> relativedelta:
    d = _DELTAS.get((unit, count))
    if d is None:
        d = relativedelta(months=count) if unit == "months" else relativedelta(years=count)
        if len(_DELTAS) < 10_000:
            _DELTAS[(unit, count)] = d
    return d


def _calendar_period(start: dt.date, count: int, unit: str, include_start: bool, steps) -> dt.date:
    if unit == "days":
        last = start + dt.timedelta(days=count - 1 if include_start else count)
        steps.append(Step(last, "count", "days", (count, last)))
        return last
    target = start + _delta(unit, count)
    if target.day != start.day:  # relativedelta clamped to the month's last day (art. 202)
        steps.append(Step(target, "clamp", "clamp", (start.day, target)))
    else:
        steps.append(Step(target, "count", "months", (count, unit, target)))
    if include_start:
        target -= _ONE
        steps.append(Step(target, "count", "include_start_shift", (target,)))
    return target


def _rest(info: DayInfo):
    """What makes a day a rest day: (holiday zh, holiday en) or None for a weekly rest day."""
    return (info.holiday, info.holiday_en) if info.holiday is not None else None


def _move_off_rest(last: dt.date, calendar, extend_holiday: bool, steps, tracker) -> dt.date:
    day = calendar.day
    info = day(last)
    tracker.see(info)
    if info.workday:
        if info.adjusted_workday:
            args = (last, info.adjusted_for, info.adjusted_for_en)
            steps.append(Step(last, "count", "adjusted_not_rest", args))
        return last
    run_start = last
    reasons = [_rest(info)]
    guessed = not info.known
    d = last + _ONE
    info = day(d)
    tracker.see(info)
    while not info.workday:
        reasons.append(_rest(info))
        guessed = guessed or not info.known
        d += _ONE
        info = day(d)
        tracker.see(info)
    run_end = d - _ONE
    args = (run_start, run_end, tuple(reasons), guessed, d, bool(extend_holiday))
    steps.append(
        Step(run_start, "extend", "extend", args, run_end if run_end != run_start else None)
    )
    return d


def _working_days(start, count, calendar, include_start, steps, tracker) -> dt.date:
    day = calendar.day
    years = tracker.years
    unknown = tracker.unknown
    counted = 0
    # runs: [kind, first, last, info-or-reasons, guessed, first_index]
    runs: list[list] = []
    d = start if include_start else start + _ONE
    last_year = None
    while True:
        info = day(d)
        y = d.year
        if y != last_year:
            years.add(y)
            last_year = y
        known = info.known
        if not known:
            unknown.add(y)
        if info.workday:
            counted += 1
            if info.adjusted_workday:
                runs.append(["adjusted", d, d, info, not known, counted])
            elif runs and runs[-1][0] == "count" and runs[-1][4] is (not known):
                runs[-1][2] = d
            else:
                runs.append(["count", d, d, None, not known, counted])
            if counted == count:
                break
        elif runs and runs[-1][0] == "skip":
            r = runs[-1]
            r[2] = d
            r[3].append(_rest(info))
            if not known:
                r[4] = True
        else:
            runs.append(["skip", d, d, [_rest(info)], not known, counted])
        d += _ONE
    for kind, a, b, extra, guessed, first in runs:
        end = b if b != a else None
        if kind == "skip":
            steps.append(Step(a, "skip", "skip", (a, b, tuple(extra), guessed), end))
        elif kind == "adjusted":
            args = (a, first, extra.adjusted_for, extra.adjusted_for_en)
            steps.append(Step(a, "count", "count_adjusted", args))
        else:
            steps.append(Step(a, "count", "count_run", (a, b, first, guessed), end))
    return d

"""Where the legal calendar comes from: which days are working days, and which years are known.

Framework-free (no Django import). Three sources share one protocol, :class:`CalendarSource`:

- :class:`ChineseCalendarSource` reads the ``chinesecalendar`` package for every year it knows
  (2004–2026 for chinesecalendar 1.11; the range is probed, not hard-coded);
- :class:`TableCalendarSource` is built from plain rows (the Django ``CalendarDay`` table, or a
  parsed schedule file) plus the set of years marked known;
- :class:`CompositeCalendarSource` asks each source in turn, the first that knows the year wins.

For a year no source knows, ``day()`` returns the best guess — Monday to Friday working, Saturday
and Sunday rest — with ``known=False``; the calculator turns that into a *provisional* deadline.

Lookups are O(1): every day of every known year is precomputed into a dict keyed by the date's
ordinal. Guesses for unknown years are cached the same way.

The schedule file format (``parse_schedule``) is how an administrator enters a year that the State
Council has just published; see ``docs/legal-time.md``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = [
    "HOLIDAY_NAMES",
    "CalendarRow",
    "CalendarSource",
    "ChineseCalendarSource",
    "CompositeCalendarSource",
    "DayInfo",
    "HolidaySpan",
    "ScheduleError",
    "ScheduleInvalid",
    "TableCalendarSource",
    "YearSchedule",
    "parse_schedule",
    "parse_schedule_file",
]

# English name (as chinesecalendar spells it) -> Chinese name.
HOLIDAY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
_ZH_TO_EN = {zh: en for en, zh in HOLIDAY_NAMES.items()}


def _names(name: str | None, name_en: str | None = None) -> tuple[str | None, str | None]:
    """Return (zh, en) for a holiday name given in either language."""
    if name is None and name_en is None:
        return None, None
    if name is not None and name in HOLIDAY_NAMES:  # an English name in the zh slot
        return HOLIDAY_NAMES[name], name_en or name
    zh = name if name is not None else HOLIDAY_NAMES.get(name_en or "", name_en)
    en = name_en or _ZH_TO_EN.get(zh or "", zh)
    return zh, en


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One calendar day as the legal calendar sees it.

    ``holiday`` / ``holiday_en`` name the statutory holiday when the day is a holiday rest day
    (including the weekend days inside a holiday block); ``None`` otherwise. ``adjusted_workday``
    marks a Saturday or Sunday worked in lieu (调休上班日); ``adjusted_for`` / ``adjusted_for_en``
    name the holiday it makes up for, when known. ``known`` is False for a guessed day.
    """

    date: dt.date
    workday: bool
    holiday: str | None = None
    adjusted_workday: bool = False
    known: bool = True
    holiday_en: str | None = None
    adjusted_for: str | None = None
    adjusted_for_en: str | None = None

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def rest_kind(self) -> str | None:
        """'holiday', 'weekend' or None (a working day)."""
        if self.workday:
            return None
        return "holiday" if self.holiday is not None else "weekend"


@runtime_checkable
class CalendarSource(Protocol):
    def year_known(self, year: int) -> bool: ...

    def day(self, date: dt.date) -> DayInfo: ...


def _guess(date: dt.date, known: bool = False) -> DayInfo:
    return DayInfo(date=date, workday=date.weekday() < 5, known=known)


class _Precomputed:
    """Shared machinery: a dict ordinal -> DayInfo for known years, cached guesses otherwise."""

    def __init__(self) -> None:
        self._days: dict[int, DayInfo] = {}
        self._known: frozenset[int] = frozenset()
        self._guesses: dict[int, DayInfo] = {}

    def _fill_year(self, year: int, special: Mapping[dt.date, DayInfo], known: bool) -> None:
        d = dt.date(year, 1, 1)
        one = dt.timedelta(days=1)
        days = self._days if known else self._guesses
        while d.year == year:
            info = special.get(d)
            days[d.toordinal()] = info if info is not None else _guess(d, known)
            d += one

    def year_known(self, year: int) -> bool:
        return year in self._known

    @property
    def known_years(self) -> frozenset[int]:
        return self._known

    def day(self, date: dt.date) -> DayInfo:
        o = date.toordinal()
        info = self._days.get(o)
        if info is not None:
            return info
        info = self._guesses.get(o)
        if info is None:
            info = _guess(date)
            self._guesses[o] = info
        return info


class ChineseCalendarSource(_Precomputed):
    """Every year the installed ``chinesecalendar`` package knows, precomputed.

    The package raises ``NotImplementedError`` for a year it has no data for; the known range is
    found by probing years around the ones present in its holiday table, so a newer package that
    adds 2027 is picked up without a code change.
    """

    def __init__(self) -> None:
        super().__init__()
        import chinese_calendar as cc

        years = {d.year for d in cc.holidays} | {d.year for d in cc.workdays}
        lo, hi = min(years), max(years)
        known: set[int] = set()
        for year in range(lo - 5, hi + 6):
            try:
                cc.is_workday(dt.date(year, 6, 1))
            except NotImplementedError:
                continue
            known.add(year)
        self._known = frozenset(known)
        special: dict[dt.date, DayInfo] = {}
        for d, en in cc.holidays.items():
            if d.year in known:
                zh, en = _names(None, en)
                special[d] = DayInfo(date=d, workday=False, holiday=zh, holiday_en=en)
        for d, en in cc.workdays.items():
            if d.year in known:
                zh, en = _names(None, en)
                special[d] = DayInfo(
                    date=d, workday=True, adjusted_workday=True, adjusted_for=zh, adjusted_for_en=en
                )
        for year in sorted(known):
            self._fill_year(year, special, known=True)


@dataclass(frozen=True, slots=True)
class CalendarRow:
    """One stored day: the shape of a ``CalendarDay`` row.

    ``holiday_name`` may be given in Chinese or English (the other language is filled in for the
    statutory holidays in :data:`HOLIDAY_NAMES`). For an adjusted working day, ``holiday_name``
    names the holiday it makes up for (optional).
    """

    date: dt.date
    workday: bool
    holiday_name: str | None = None
    adjusted: bool = False
    holiday_name_en: str | None = None


class TableCalendarSource(_Precomputed):
    """A calendar built from rows and the set of years marked known.

    Days of a known year without a row follow the weekly rule (Monday–Friday working). Rows for a
    year not marked known are still used, but the day stays ``known=False``.
    """

    def __init__(
        self,
        rows: Iterable[CalendarRow | tuple],
        known_years: Iterable[int],
    ) -> None:
        super().__init__()
        self._known = frozenset(int(y) for y in known_years)
        special: dict[dt.date, DayInfo] = {}
        years: set[int] = set(self._known)
        for raw in rows:
            row = raw if isinstance(raw, CalendarRow) else CalendarRow(*raw)
            known = row.date.year in self._known
            zh, en = _names(row.holiday_name, row.holiday_name_en)
            if row.workday:
                special[row.date] = DayInfo(
                    date=row.date,
                    workday=True,
                    adjusted_workday=bool(row.adjusted),
                    known=known,
                    adjusted_for=zh if row.adjusted else None,
                    adjusted_for_en=en if row.adjusted else None,
                )
            else:
                special[row.date] = DayInfo(
                    date=row.date, workday=False, holiday=zh, holiday_en=en, known=known
                )
            years.add(row.date.year)
        for year in sorted(years):
            self._fill_year(year, special, known=year in self._known)

    @classmethod
    def from_schedules(cls, schedules: Iterable[YearSchedule]) -> TableCalendarSource:
        schedules = list(schedules)
        rows = [row for s in schedules for row in s.rows()]
        return cls(rows, {s.year for s in schedules})


class CompositeCalendarSource:
    """Ask sources in order; the first that knows a date's year answers.

    Typical use: ``CompositeCalendarSource(TableCalendarSource.from_schedules([s2027]),
    ChineseCalendarSource())``. For a year nobody knows, the first source's guess is returned.
    """

    def __init__(self, *sources: CalendarSource) -> None:
        if not sources:
            raise ValueError("sources: at least one calendar source is required")
        self.sources = sources
        self._by_year: dict[int, CalendarSource] = {}

    def _source(self, year: int) -> CalendarSource:
        src = self._by_year.get(year)
        if src is None:
            src = next((s for s in self.sources if s.year_known(year)), self.sources[0])
            self._by_year[year] = src
        return src

    def year_known(self, year: int) -> bool:
        return any(s.year_known(year) for s in self.sources)

    def day(self, date: dt.date) -> DayInfo:
        return self._source(date.year).day(date)


# --------------------------------------------------------------------------------------------
# The yearly schedule file
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleError:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class ScheduleInvalid(ValueError):
    def __init__(self, errors: list[ScheduleError], source: str = "") -> None:
        self.errors = errors
        self.source = source
        where = f"{source}: " if source else ""
        super().__init__("\n".join(f"{where}{e}" for e in errors))


@dataclass(frozen=True, slots=True)
class HolidaySpan:
    name_zh: str
    name_en: str
    start: dt.date
    end: dt.date
    adjusted_workdays: tuple[dt.date, ...] = ()

    def days(self) -> list[dt.date]:
        n = (self.end - self.start).days
        return [self.start + dt.timedelta(days=i) for i in range(n + 1)]


@dataclass(frozen=True, slots=True)
class YearSchedule:
    year: int
    holidays: tuple[HolidaySpan, ...]
    source: str | None = None
    notes: str | None = None
    extra: dict = field(default_factory=dict)

    def rows(self) -> list[CalendarRow]:
        """Every special day of the year as rows (holiday rest days and adjusted working days)."""
        out: list[CalendarRow] = []
        for h in self.holidays:
            out.extend(CalendarRow(d, False, h.name_zh, False, h.name_en) for d in h.days())
            out.extend(
                CalendarRow(d, True, h.name_zh, True, h.name_en) for d in h.adjusted_workdays
            )
        return sorted(out, key=lambda r: r.date)

    def calendar(self) -> TableCalendarSource:
        return TableCalendarSource(self.rows(), {self.year})


_SCHEDULE_TOP = {"year", "source", "notes", "holidays"}
_HOLIDAY_KEYS = {"name_zh", "name_en", "start", "end", "adjusted_workdays"}


def parse_schedule(text: str, *, source: str = "") -> YearSchedule:
    """Parse and validate one year's schedule (TOML). Raises :class:`ScheduleInvalid` listing every
    error, each naming its key (``holidays[2].end``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleInvalid([ScheduleError("(file)", f"not valid TOML: {exc}")], source) from exc
    errors: list[ScheduleError] = []

    def err(key: str, message: str) -> None:
        errors.append(ScheduleError(key, message))

    for key in sorted(set(data) - _SCHEDULE_TOP):
        err(key, "unknown key")
    year = data.get("year")
    if year is None:
        err("year", "required")
    elif not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 9999:
        err("year", f"must be a whole year number, got {year!r}")
        year = None
    src = data.get("source")
    if src is not None and not isinstance(src, str):
        err("source", "must be a string")
    notes = data.get("notes")
    if notes is not None and not isinstance(notes, str):
        err("notes", "must be a string")
    raw_holidays = data.get("holidays")
    spans: list[HolidaySpan] = []
    if raw_holidays is None:
        err("holidays", "required: at least one [[holidays]] table")
        raw_holidays = []
    elif not isinstance(raw_holidays, list) or not all(isinstance(h, dict) for h in raw_holidays):
        err("holidays", "must be an array of tables ([[holidays]])")
        raw_holidays = []
    elif not raw_holidays:
        err("holidays", "required: at least one [[holidays]] table")

    seen: dict[dt.date, str] = {}
    for i, h in enumerate(raw_holidays):
        k = f"holidays[{i}]"
        for key in sorted(set(h) - _HOLIDAY_KEYS):
            err(f"{k}.{key}", "unknown key")
        names = {}
        for key in ("name_zh", "name_en"):
            v = h.get(key)
            if not isinstance(v, str) or not v.strip():
                err(f"{k}.{key}", "required: a non-empty string")
            names[key] = v
        dates = {}
        for key in ("start", "end"):
            v = h.get(key)
            if v is None:
                err(f"{k}.{key}", "required: a date (YYYY-MM-DD)")
            elif not isinstance(v, dt.date) or isinstance(v, dt.datetime):
                err(f"{k}.{key}", f"must be a date (YYYY-MM-DD), got {v!r}")
            elif year is not None and v.year != year:
                err(f"{k}.{key}", f"{v.isoformat()} is not in {year}")
            else:
                dates[key] = v
        adjusted: list[dt.date] = []
        raw_adj = h.get("adjusted_workdays", [])
        if not isinstance(raw_adj, list):
            err(f"{k}.adjusted_workdays", "must be a list of dates")
            raw_adj = []
        for j, v in enumerate(raw_adj):
            kk = f"{k}.adjusted_workdays[{j}]"
            if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
                err(kk, f"must be a date (YYYY-MM-DD), got {v!r}")
            elif year is not None and v.year != year:
                err(kk, f"{v.isoformat()} is not in {year}")
            elif v.weekday() < 5:
                err(kk, f"{v.isoformat()} is a {v:%A}: only a Saturday or Sunday can be adjusted")
            elif v in seen:
                err(kk, f"{v.isoformat()} is already listed by {seen[v]}")
            else:
                seen[v] = kk
                adjusted.append(v)
        if len(dates) == 2:
            if dates["end"] < dates["start"]:
                err(f"{k}.end", "is before start")
            else:
                for d in HolidaySpan("", "", dates["start"], dates["end"]).days():
                    if d in seen:
                        err(f"{k}", f"{d.isoformat()} is already listed by {seen[d]}")
                        break
                    seen[d] = k
        names_ok = all(isinstance(v, str) and v.strip() for v in names.values())
        if len(dates) == 2 and names_ok and dates["end"] >= dates["start"]:
            spans.append(
                HolidaySpan(
                    names["name_zh"].strip(),
                    names["name_en"].strip(),
                    dates["start"],
                    dates["end"],
                    tuple(sorted(adjusted)),
                )
            )
    if errors:
        raise ScheduleInvalid(errors, source)
    return YearSchedule(year=year, holidays=tuple(spans), source=src, notes=notes)


def parse_schedule_file(path: str | Path) -> YearSchedule:
    path = Path(path)
    return parse_schedule(path.read_text(encoding="utf-8"), source=str(path))

"""The deadline calculator: the examples of legal-time.md, then our own across 2004–2027."""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrohub.legaltime.calculator import UNITS, compute
from metrohub.legaltime.sources import (
    ChineseCalendarSource,
    CompositeCalendarSource,
    parse_schedule_file,
)

D = dt.date
FIXTURE_2027 = Path(__file__).parent / "fixtures" / "schedule-2027.toml"
CC = ChineseCalendarSource()
WITH_2027 = CompositeCalendarSource(CC, parse_schedule_file(FIXTURE_2027).calendar())


def due(start, count, unit, cal=CC, **kw):
    return compute(start, count, unit, calendar=cal, **kw)


# ------------------------------------------------------------ the four examples of legal-time.md


def test_example_1_five_working_days_across_national_day_2025():
    r = due(D(2025, 9, 30), 5, "working_days")
    assert r.date == D(2025, 10, 14) and not r.provisional
    counted = [(s.date, s.end) for s in r.steps if s.action == "count"]
    assert counted == [
        (D(2025, 10, 9), D(2025, 10, 10)),
        (D(2025, 10, 11), None),  # the adjusted working Saturday
        (D(2025, 10, 13), D(2025, 10, 14)),
    ]
    skips = [(s.date, s.end) for s in r.steps if s.action == "skip"]
    assert skips == [(D(2025, 10, 1), D(2025, 10, 8)), (D(2025, 10, 12), None)]  # compressed
    text = "\n".join(r.explanation("zh"))
    assert "国庆节" in text and "中秋节" in text and "调休上班日" in text
    assert "adjusted working day for National Day" in "\n".join(r.explanation("en"))


@pytest.mark.parametrize("option", [{}, {"extend_holiday": True}, {"next_working_day": True}])
def test_example_2_three_months_from_30_november_clamps_to_28_february(option):
    r = due(D(2025, 11, 30), 3, "months", **option)
    assert r.date == D(2026, 2, 28) and not r.provisional  # adjusted working Saturday: no move
    assert [s.action for s in r.steps][:2] == ["start", "clamp"]
    assert "art. 202" in r.steps[1].reason_en
    if option:
        assert any("adjusted working day" in s.reason_en for s in r.steps)


def test_example_3_seven_days_notice_from_28_september_2025():
    plain = due(D(2025, 9, 28), 7, "days")
    assert plain.date == D(2025, 10, 5) and not plain.provisional
    assert plain.calendar_years == ()  # a plain count never looks at the calendar
    extended = due(D(2025, 9, 28), 7, "days", extend_holiday=True)
    assert extended.date == D(2025, 10, 9)
    step = next(s for s in extended.steps if s.action == "extend")
    assert (step.date, step.end) == (D(2025, 10, 5), D(2025, 10, 8))
    assert "art. 203" in step.reason_en and "第二百零三条" in step.reason_zh
    assert due(D(2025, 9, 28), 7, "days", next_working_day=True).date == D(2025, 10, 9)


def test_example_4_working_days_past_2026_are_provisional_until_2027_is_entered():
    before = due(D(2026, 12, 24), 10, "working_days")
    assert before.provisional and before.unknown_years == (2027,)
    assert before.date == D(2027, 1, 7)  # 1 January 2027 (a Friday) guessed as working
    assert before.steps[-2].action == "provisional"
    after = due(D(2026, 12, 24), 10, "working_days", cal=WITH_2027)
    assert not after.provisional and after.unknown_years == ()
    assert after.date == D(2027, 1, 8)  # recomputed: New Year's Day is a holiday
    assert before.depends_on(2027) and after.depends_on(2027)


# ------------------------------------------------------------------------------------ our own


@pytest.mark.parametrize(
    ("start", "count", "unit", "expected"),
    [
        (D(2025, 1, 31), 1, "months", D(2025, 2, 28)),
        (D(2024, 1, 31), 1, "months", D(2024, 2, 29)),  # leap year
        (D(2023, 1, 31), 13, "months", D(2024, 2, 29)),
        (D(2024, 2, 29), 1, "years", D(2025, 2, 28)),  # art. 202: no 29 February in 2025
        (D(2024, 2, 29), 4, "years", D(2028, 2, 29)),
        (D(2004, 2, 29), 12, "months", D(2005, 2, 28)),
        (D(2025, 8, 31), 1, "months", D(2025, 9, 30)),
        (D(2025, 3, 15), 2, "years", D(2027, 3, 15)),  # no option: 2027 not consulted
        (D(2025, 12, 31), 1, "days", D(2026, 1, 1)),
        (D(2024, 2, 28), 1, "days", D(2024, 2, 29)),
    ],
)
def test_calendar_periods(start, count, unit, expected):
    r = due(start, count, unit)
    assert r.date == expected and not r.provisional and r.calendar_years == ()


def test_include_start_counts_the_first_day():
    assert due(D(2025, 3, 1), 1, "months", include_start=True).date == D(2025, 3, 31)
    assert due(D(2025, 3, 3), 5, "days", include_start=True).date == D(2025, 3, 7)
    # a Monday: counted itself, so 5 working days end on Friday
    assert due(D(2025, 3, 3), 5, "working_days", include_start=True).date == D(2025, 3, 7)
    assert due(D(2025, 3, 3), 5, "working_days").date == D(2025, 3, 10)


@pytest.mark.parametrize(
    ("start", "count", "expected", "why"),
    [
        # Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked
        (D(2026, 2, 13), 3, D(2026, 2, 25), "14 Feb counted, 15–23 skipped"),
        (D(2026, 2, 26), 2, D(2026, 2, 28), "Friday 27, then the adjusted Saturday 28"),
        # 2008 National Day: Saturday 27 and Sunday 28 September worked, 29 Sep – 5 Oct off
        (D(2008, 9, 26), 3, D(2008, 10, 6), "27, 28 counted; the holiday skipped"),
        # 2015: 3–5 September Anti-Fascist 70th day, Sunday 6 September worked
        (D(2015, 9, 2), 1, D(2015, 9, 6), "the first working day is a Sunday"),
        # 2004: the first year chinesecalendar knows; 1 January 2004 a holiday
        (D(2003, 12, 31), 1, D(2004, 1, 2), "New Year's Day 2004 skipped"),
        (D(2020, 1, 23), 1, D(2020, 2, 3), "Spring Festival 2020, extended to 2 February"),
    ],
)
def test_working_days_with_holidays_and_adjusted_weekends(start, count, expected, why):
    r = due(start, count, "working_days")
    assert r.date == expected, why
    assert not r.provisional  # the start day (31 December 2003) is never consulted


def test_start_on_a_holiday():
    assert due(D(2025, 10, 1), 1, "working_days").date == D(2025, 10, 9)
    assert due(D(2025, 10, 1), 7, "days").date == D(2025, 10, 8)
    assert due(D(2025, 10, 1), 7, "days", extend_holiday=True).date == D(2025, 10, 9)
    r = due(D(2026, 2, 15), 1, "months", extend_holiday=True)  # ends Sunday 15 March 2026
    assert r.date == D(2026, 3, 16)


def test_a_last_day_on_an_ordinary_weekend_is_extended_to_monday():
    assert due(D(2025, 3, 1), 7, "days").date == D(2025, 3, 8)  # Saturday
    assert due(D(2025, 3, 1), 7, "days", extend_holiday=True).date == D(2025, 3, 10)


def test_extension_running_into_2027():
    # 2 January 2027 is a Saturday: the move to Monday 4 January is a guess until 2027 is known
    r = due(D(2026, 12, 26), 7, "days", extend_holiday=True)
    assert (r.date, r.provisional) == (D(2027, 1, 4), True)
    # with the (fixture) schedule New Year's Day is 1–3 January: Monday 4th still, now final
    r = due(D(2026, 12, 26), 7, "days", extend_holiday=True, cal=WITH_2027)
    assert (r.date, r.provisional) == (D(2027, 1, 4), False)
    # 25 December 2026 + 7 days = Friday 1 January 2027: guessed a working day, then a holiday
    guess = due(D(2026, 12, 25), 7, "days", extend_holiday=True)
    known = due(D(2026, 12, 25), 7, "days", extend_holiday=True, cal=WITH_2027)
    assert (guess.date, guess.provisional) == (D(2027, 1, 1), True)
    assert (known.date, known.provisional) == (D(2027, 1, 4), False)


def test_plain_counts_into_2027_are_not_provisional():
    r = due(D(2026, 12, 1), 2, "months")
    assert (r.date, r.provisional) == (D(2027, 2, 1), False)


def test_working_day_counts_across_the_2027_spring_festival_after_import():
    before = due(D(2027, 2, 4), 1, "working_days")
    after = due(D(2027, 2, 4), 1, "working_days", cal=WITH_2027)
    assert (before.date, before.provisional) == (D(2027, 2, 5), True)
    assert (after.date, after.provisional) == (D(2027, 2, 15), False)  # 5–13 Feb off, 14th Sun


def test_to_dict_is_json_ready():
    r = due(D(2025, 9, 30), 5, "working_days")
    data = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert data["date"] == "2025-10-14" and data["provisional"] is False
    assert data["steps"][0]["action"] == "start" and data["steps"][-1]["action"] == "end"
    assert data["unit"] == "working_days" and data["options"]["extend_holiday"] is False
    assert data["calendar_years"] == [2025]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": 0}, r"^count: must be at least 1"),
        ({"count": -3}, r"^count: must be at least 1"),
        ({"count": 2.5}, r"^count: must be a whole number"),
        ({"count": True}, r"^count: must be a whole number"),
        ({"count": 10**9}, r"^count: must be at most"),
        ({"unit": "weeks"}, r"^unit: must be one of days, working_days, months, years"),
        ({"start": "2025-01-01"}, r"^start: must be a date"),
        ({"start": dt.datetime(2025, 1, 1)}, r"^start: must be a date"),
        (
            {"extend_holiday": True, "next_working_day": True},
            r"^extend_holiday, next_working_day: the options are mutually exclusive",
        ),
        ({"calendar": None}, r"^calendar:"),
        ({"start": D(9999, 12, 1), "count": 1, "unit": "months"}, r"^count: .* outside"),
    ],
)
def test_errors_name_the_argument(kwargs, message):
    args = {"start": D(2025, 1, 1), "count": 5, "unit": "days", "calendar": CC} | kwargs
    with pytest.raises(ValueError, match=message):
        compute(args.pop("start"), args.pop("count"), args.pop("unit"), **args)


# ------------------------------------------------------------------------------- properties

dates = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(
    start=dates,
    count=st.integers(1, 400),
    unit=st.sampled_from(UNITS),
    option=st.sampled_from(["none", "extend_holiday", "next_working_day"]),
)
def test_properties(start, count, unit, option):
    kw = {} if option == "none" else {option: True}
    r = due(start, count, unit, **kw)
    assert r.date > start
    assert r.provisional == bool(r.unknown_years)
    assert set(r.unknown_years) <= set(r.calendar_years)
    assert all(y >= 2027 for y in r.unknown_years)
    if unit == "working_days" or option != "none":
        assert CC.day(r.date).workday or not CC.day(r.date).known
    else:
        assert not r.provisional and r.calendar_years == ()
    if option != "none":
        # both options land on the same day: the day after a run of rest days is a working day
        other = "next_working_day" if option == "extend_holiday" else "extend_holiday"
        assert due(start, count, unit, **{other: True}).date == r.date
    if unit == "working_days":
        n = sum(
            CC.day(start + dt.timedelta(days=i)).workday
            for i in range(1, (r.date - start).days + 1)
        )
        assert n == count
    assert r.steps[0].action == "start" and r.steps[-1].action == "end"
    assert r.steps[-1].date == r.date

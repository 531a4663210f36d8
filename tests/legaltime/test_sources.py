"""The calendar sources: chinesecalendar, plain rows, composites, and the yearly schedule file."""

import datetime as dt
from pathlib import Path

import pytest

from metrohub.legaltime.sources import (
    CalendarRow,
    CalendarSource,
    ChineseCalendarSource,
    CompositeCalendarSource,
    ScheduleInvalid,
    TableCalendarSource,
    parse_schedule,
    parse_schedule_file,
)

FIXTURE_2027 = Path(__file__).parent / "fixtures" / "schedule-2027.toml"
D = dt.date


@pytest.fixture(scope="module")
def cc():
    return ChineseCalendarSource()


def test_chinese_calendar_known_range_is_probed(cc):
    assert cc.year_known(2004) and cc.year_known(2026)
    assert not cc.year_known(2003) and not cc.year_known(2027)
    assert min(cc.known_years) == 2004 and max(cc.known_years) == 2026
    assert set(cc.known_years) == set(range(2004, 2027))
    assert isinstance(cc, CalendarSource)


def test_national_day_2025_with_names_in_both_languages(cc):
    day = cc.day(D(2025, 10, 1))
    assert (day.workday, day.holiday, day.holiday_en, day.known) == (
        False,
        "国庆节",
        "National Day",
        True,
    )
    assert day.rest_kind == "holiday"
    mid_autumn = cc.day(D(2025, 10, 6))
    assert (mid_autumn.holiday, mid_autumn.holiday_en) == ("中秋节", "Mid-autumn Festival")


def test_adjusted_working_saturday(cc):
    day = cc.day(D(2025, 10, 11))
    assert day.workday and day.adjusted_workday and day.holiday is None
    assert (day.adjusted_for, day.adjusted_for_en) == ("国庆节", "National Day")
    assert cc.day(D(2026, 2, 14)).adjusted_workday and cc.day(D(2026, 2, 28)).adjusted_workday


def test_ordinary_days(cc):
    assert cc.day(D(2025, 10, 12)).rest_kind == "weekend"  # a plain Sunday
    assert cc.day(D(2025, 10, 13)).workday  # a plain Monday
    assert cc.day(D(2008, 9, 27)).adjusted_workday  # 2008: Saturday worked for National Day


def test_unknown_year_is_guessed_and_marked(cc):
    fri, sat = cc.day(D(2027, 1, 1)), cc.day(D(2027, 1, 2))
    assert fri.workday and not fri.known and fri.holiday is None  # really New Year's Day
    assert not sat.workday and not sat.known
    assert cc.day(D(2027, 1, 1)) is fri  # cached


def test_table_source_from_rows():
    rows = [
        CalendarRow(D(2030, 1, 1), False, "元旦"),
        (D(2030, 1, 5), True, "New Year's Day", True),  # plain tuples work too
    ]
    cal = TableCalendarSource(rows, known_years={2030})
    assert cal.year_known(2030) and not cal.year_known(2031)
    d1 = cal.day(D(2030, 1, 1))
    assert (d1.holiday, d1.holiday_en, d1.known) == ("元旦", "New Year's Day", True)
    d5 = cal.day(D(2030, 1, 5))
    assert d5.workday and d5.adjusted_workday and d5.adjusted_for == "元旦"
    assert cal.day(D(2030, 1, 7)).workday and cal.day(D(2030, 1, 7)).known  # no row: weekly rule
    assert not cal.day(D(2031, 1, 1)).known


def test_table_rows_of_an_unmarked_year_stay_unknown():
    cal = TableCalendarSource([CalendarRow(D(2031, 1, 1), False, "元旦")], known_years=())
    day = cal.day(D(2031, 1, 1))
    assert not day.workday and not day.known


def test_composite_prefers_the_source_that_knows_the_year(cc):
    s2027 = parse_schedule_file(FIXTURE_2027)
    cal = CompositeCalendarSource(cc, s2027.calendar())
    assert cal.year_known(2027) and cal.year_known(2025) and not cal.year_known(2028)
    assert cal.day(D(2027, 1, 1)).holiday == "元旦" and cal.day(D(2027, 1, 1)).known
    assert cal.day(D(2025, 10, 1)).holiday == "国庆节"
    assert not cal.day(D(2028, 3, 1)).known
    with pytest.raises(ValueError, match="^sources:"):
        CompositeCalendarSource()


def test_schedule_fixture_parses():
    s = parse_schedule_file(FIXTURE_2027)
    assert s.year == 2027 and len(s.holidays) == 7
    spring = s.holidays[1]
    assert (spring.name_zh, spring.start, spring.end) == ("春节", D(2027, 2, 5), D(2027, 2, 13))
    assert spring.adjusted_workdays == (D(2027, 1, 31), D(2027, 2, 20))
    rows = s.rows()
    assert len(rows) == 3 + 9 + 2 + 3 + 5 + 2 + 1 + 1 + 7 + 2
    assert "TEST FIXTURE" in FIXTURE_2027.read_text(encoding="utf-8")


def _errors(text):
    with pytest.raises(ScheduleInvalid) as exc:
        parse_schedule(text, source="x.toml")
    return [(e.key, e.message) for e in exc.value.errors]


def test_schedule_errors_name_their_keys():
    errors = _errors(
        """
year = 2027
colour = "red"
[[holidays]]
name_zh = "春节"
start = 2027-02-13
end = 2027-02-05
adjusted_workdays = [2027-02-03, 2026-12-27]
[[holidays]]
name_zh = "国庆节"
name_en = "National Day"
start = 2027-10-01
end = "2027-10-07"
"""
    )
    assert errors == [
        ("colour", "unknown key"),
        ("holidays[0].name_en", "required: a non-empty string"),
        (
            "holidays[0].adjusted_workdays[0]",
            "2027-02-03 is a Wednesday: only a Saturday or Sunday can be adjusted",
        ),
        ("holidays[0].adjusted_workdays[1]", "2026-12-27 is not in 2027"),
        ("holidays[0].end", "is before start"),
        ("holidays[1].end", "must be a date (YYYY-MM-DD), got '2027-10-07'"),
    ]


def test_schedule_overlaps_and_missing_year():
    errors = _errors(
        """
[[holidays]]
name_zh = "甲"
name_en = "A"
start = 2027-05-01
end = 2027-05-03
adjusted_workdays = [2027-05-02]
"""
    )
    assert errors[0] == ("year", "required")
    assert ("holidays[0]", "2027-05-02 is already listed by holidays[0].adjusted_workdays[0]") in (
        errors
    )


def test_schedule_not_toml_and_empty():
    assert _errors("year = ")[0][0] == "(file)"
    assert _errors("year = 2027") == [("holidays", "required: at least one [[holidays]] table")]
    with pytest.raises(ScheduleInvalid, match=r"^x.toml: year: must be a whole year"):
        parse_schedule("year = true\n[[holidays]]\nname_zh='a'\nname_en='b'\n", source="x.toml")

"""Dates as Chinese documents and pages write them, by one writer: 2025年3月10日 in Chinese,
10 March 2025 in English. Certificates, decisions, notices, reports, dashboards and the legal
calendar's explanations all use these, so a date reads the same wherever it is shown."""

import datetime as dt

from django.utils import timezone, translation


def _day(value) -> dt.date | str | None:
    if isinstance(value, str):  # a date recorded in an event's payload
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):  # a moment: the day it falls on in local time
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def chinese_date(value) -> str:
    """2025年3月10日, whatever the page's language (documents are in Chinese); nothing is ""."""
    day = _day(value)
    if not day:
        return ""
    if isinstance(day, str):
        return day
    return f"{day.year}年{day.month}月{day.day}日"


def legal_date(value) -> str:
    """chinese_date, or 10 March 2025 on a page read in English."""
    day = _day(value)
    if day and not isinstance(day, str) and (translation.get_language() or "").startswith("en"):
        return f"{day.day} {day:%B} {day.year}"
    return chinese_date(day)


def chinese_month(value) -> str:
    """2025年3月, or March 2025 on a page read in English."""
    if (translation.get_language() or "").startswith("en"):
        return f"{value:%B} {value.year}"
    return f"{value.year}年{value.month}月"

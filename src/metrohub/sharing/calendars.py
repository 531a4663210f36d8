"""Calendars of open sharing: the week and month windows of the pages, their grids, and the
iCal feeds (RFC 5545, written with the icalendar library)."""

import calendar
import datetime as dt
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrohub.core.dates import chinese_date, chinese_month, legal_date
from metrohub.sharing.forms import WEEKDAYS
from metrohub.sharing.models import Booking
from metrohub.sharing.services import ZONE, Day, local


@dataclass(frozen=True)
class Window:
    view: str  # "week" or "month"
    anchor: dt.date
    first: dt.date  # the first day shown (a Monday)
    last: dt.date  # the last day shown (a Sunday)
    previous: dt.date
    next: dt.date

    @property
    def title(self) -> str:
        """2026年11月 or 2026年11月30日 – 12月6日; November 2026 or 30 November – 6 December 2026
        on an English page."""
        if self.view == "month":
            return chinese_month(self.anchor)
        first, last = self.first, self.last
        if (get_language() or "").startswith("en"):
            return f"{first.day} {first:%B} – {legal_date(last)}"
        return f"{chinese_date(first)} – {last.month}月{last.day}日"


def window(request) -> Window:
    """?view=week|month&date=YYYY-MM-DD, defaulting to this week; bounded to 2000–2100."""
    view = "month" if request.GET.get("view") == "month" else "week"
    try:
        anchor = dt.date.fromisoformat(request.GET.get("date") or "")
    except ValueError:
        anchor = dt.datetime.now(ZONE).date()
    anchor = min(max(anchor, dt.date(2000, 1, 1)), dt.date(2100, 12, 1))
    if view == "month":
        start = anchor.replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        first = start - dt.timedelta(days=start.weekday())
        last = end + dt.timedelta(days=6 - end.weekday())
        previous = (start - dt.timedelta(days=1)).replace(day=1)
        following = end + dt.timedelta(days=1)
        return Window("month", start, first, last, previous, following)
    first = anchor - dt.timedelta(days=anchor.weekday())
    return Window(
        "week",
        anchor,
        first,
        first + dt.timedelta(days=6),
        first - dt.timedelta(days=7),
        first + dt.timedelta(days=7),
    )


def bounds(w: Window) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(w.first, dt.time(0), tzinfo=ZONE)
    hi = dt.datetime.combine(w.last + dt.timedelta(days=1), dt.time(0), tzinfo=ZONE)
    return lo.astimezone(dt.UTC), hi.astimezone(dt.UTC)


def _chunks(items, size=7):
    return [items[i : i + size] for i in range(0, len(items), size)]


def weeks(days: list[Day], w: Window) -> list[list[Day]]:
    """A resource's days in rows of seven; days outside the month are marked for the page."""
    for day in days:
        day.outside = w.view == "month" and day.date.month != w.anchor.month
        day.weekday_label = WEEKDAYS[day.date.weekday()]
    return _chunks(days)


@dataclass
class BookingDay:
    date: dt.date
    bookings: list
    outside: bool = False
    weekday_label: str = ""


def booking_weeks(bookings: list[Booking], w: Window) -> list[list[BookingDay]]:
    """A person's bookings day by day (a booking over midnight shows on each day it touches)."""
    days, day = [], w.first
    while day <= w.last:
        days.append(
            BookingDay(
                date=day,
                bookings=[],
                outside=w.view == "month" and day.month != w.anchor.month,
                weekday_label=WEEKDAYS[day.weekday()],
            )
        )
        day += dt.timedelta(days=1)
    index = {d.date: d for d in days}
    for b in bookings:
        day, end = local(b.starts_at).date(), local(b.ends_at - dt.timedelta(microseconds=1)).date()
        while day <= end:
            if day in index:
                index[day].bookings.append(b)
            day += dt.timedelta(days=1)
    return _chunks(days)


def opening_rows(hours) -> list[tuple[str, str]]:
    """[(weekday label, '08:30–12:00、13:30–17:00')] for the seven days, '' when closed."""
    by_day: dict[int, list] = {}
    for h in hours:
        by_day.setdefault(h.weekday, []).append(h)
    return [
        (
            str(WEEKDAYS[d]),
            "、".join(
                f"{h.opens:%H:%M}–{h.closes:%H:%M}"
                for h in sorted(by_day.get(d, []), key=lambda h: h.opens)
            ),
        )
        for d in range(7)
    ]


def ical(feed, bookings) -> bytes:
    """The feed as an iCalendar document: one event per booking, tentative while it awaits
    approval. Descriptions name the booking's maker only to those who run the resource or made
    it (a feed is one of theirs)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Metrohub//Open sharing//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = feed.resource.name if feed.resource is not None else _("My bookings")
    cal.add("x-wr-calname", f"Metrohub · {name}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = dt.datetime.now(dt.UTC)
    for b in bookings:
        event = icalendar.Event()
        event.add("uid", f"booking-{b.pk}@metrohub")
        event.add("dtstamp", stamp)
        event.add("dtstart", b.starts_at.astimezone(dt.UTC))
        event.add("dtend", b.ends_at.astimezone(dt.UTC))
        pending = b.status == Booking.Status.REQUESTED
        summary = b.resource.name + (f" ({_('awaiting approval')})" if pending else "")
        event.add("summary", summary)
        event.add("status", "TENTATIVE" if pending else "CONFIRMED")
        event.add("location", b.resource.location or b.resource.center.name)
        who = b.organisation.name if b.organisation else str(b.requester)
        event.add("description", f"{who}: {b.purpose}")
        event.add("url", settings.SITE_URL + reverse("sharing:booking", args=[b.pk]))
        cal.add_component(event)
    return cal.to_ical()

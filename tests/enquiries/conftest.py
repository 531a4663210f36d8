"""The enquiries' clock, moved by the test: `clock.advance(hours=3)`."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from metrohub.enquiries import services

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """The enquiry services' now(): Monday 1 June 2026, 09:00 in Shanghai unless moved."""

    class Clock:
        moment = dt.datetime(2026, 6, 1, 9, 0, tzinfo=ZONE)

        def advance(self, **delta):
            self.moment += dt.timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(services, "now", lambda: c.moment)
    return c

"""A shared instrument of a Shanghai center, its director, and a clock for the booking rules."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from metrohub.centers.models import Center
from metrohub.sharing import services

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 6, year: int = 2026) -> dt.datetime:
    """A local (Asia/Shanghai) moment in June 2026 unless told otherwise."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def clock(monkeypatch):
    """The sharing services' now(): Monday 1 June 2026, 08:00 in Shanghai unless moved."""

    class Clock:
        moment = at(1, 8)

    c = Clock()
    monkeypatch.setattr(services, "now", lambda: c.moment)
    return c


@pytest.fixture
def director(world):
    """The demo director of the Shanghai centers hosted by sh-simt."""
    return world["users"]["sh_simt_director"]


@pytest.fixture
def center(world):
    """A Shanghai center of sh-simt without demo resources, bookings or alliance."""
    return Center.objects.create(
        code="SH-SHARE",
        name="上海市共享测试产业计量测试中心",
        host=world["organisations"]["sh-simt"],
        jurisdiction=world["jurisdictions"]["310000"],
        level="municipal",
        status="established",
    )


@pytest.fixture
def resource(center, director, clock):
    """Open every day 08:00–18:00, confirmed without approval, 100 yuan an hour."""
    return services.create_resource(
        actor=director,
        center=center,
        kind="instrument",
        name="半导体参数分析仪",
        hourly_fee="100",
        approval_required=False,
        lead_time_hours=0,
        cancel_hours=24,
        max_hours=8,
        closed_on_holidays=False,
        opening_hours=[(d, "08:00", "18:00") for d in range(7)],
    )

"""A Shanghai center of its own for the alliance tests, with its director and an outsider."""

import datetime as dt

import pytest

from metrohub.accounts.demo import ensure_user
from metrohub.accounts.models import Role
from metrohub.alliances import services
from metrohub.centers.models import Center


@pytest.fixture
def clock(monkeypatch):
    """The alliances' today(), set by the test: `clock.day = dt.date(2026, 12, 1)`."""

    class Clock:
        day = dt.date(2026, 6, 1)

    c = Clock()
    monkeypatch.setattr(services, "today", lambda: c.day)
    return c


@pytest.fixture
def center(world):
    """An established Shanghai center hosted by sh-bio (no demo alliance of its own)."""
    return Center.objects.create(
        code="SH-TEST",
        name="上海市测试产业计量测试中心",
        host=world["organisations"]["sh-bio"],
        jurisdiction=world["jurisdictions"]["310000"],
        level="municipal",
        status="established",
    )


@pytest.fixture
def director(world):
    return ensure_user(
        world, "bio_director", "测试中心主任", Role.CENTER_DIRECTOR, "sh-bio", "310112"
    )


@pytest.fixture
def alliance(center, director, clock):
    return services.found_alliance(actor=director, center=center, name="上海市测试产业计量测试联盟")

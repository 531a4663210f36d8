"""The backfill: every center without a history gets one first entry, once."""

import datetime as dt

import pytest

from metrohub.centers.models import Center
from metrohub.statuses import services
from metrohub.statuses.models import StatusChange

pytestmark = pytest.mark.django_db


def test_backfill_gives_each_center_without_history_its_first_entry(world):
    host = world["organisations"]["cq-cqmi"]
    region = world["jurisdictions"]["500000"]
    old = Center.objects.create(
        code="BF-OLD", name="补录已成立中心", host=host, jurisdiction=region, level="municipal",
        status="established", established_on=dt.date(2019, 3, 1),
    )  # fmt: skip
    new = Center.objects.create(
        code="BF-NEW",
        name="补录筹建中心",
        host=host,
        jurisdiction=region,
        level="municipal",
        status="preparing",
    )
    assert services.backfill() == 2
    entries = {
        c.center.code: (c.status, c.previous, c.on)
        for c in StatusChange.objects.filter(center__in=[old, new]).select_related("center")
    }
    assert entries == {
        "BF-OLD": ("established", "", dt.date(2019, 3, 1)),
        "BF-NEW": (
            "preparing",
            "",
            new.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date(),
        ),
    }
    # the demo's centers had theirs from the demo; nothing is made twice
    assert services.backfill() == 0
    assert StatusChange.objects.filter(center=old).count() == 1

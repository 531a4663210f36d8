"""The backfill: every center without a history gets one first entry, once."""

import datetime as dt

import pytest

from metrohub.cases import services as cases
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.centers.models import Center
from metrohub.rulepacks.services import registry
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


def test_the_approval_not_the_task_book_stands_behind_the_change_to_preparing(world, client):
    """Hubei's approval issues the task book beside it under the same number: the history rests
    on the approval (published, linked from the registry), and its link opens the document."""
    with cases.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "hubei", name="湖北省状态示例产业计量测试中心")
        walk(case, path_to(registry().latest("hubei"), "construction"), clk)
    case.refresh_from_db()
    assert set(case.decisions.values_list("kind", flat=True)) >= {"approval_to_build", "task_book"}
    (change,) = StatusChange.objects.filter(center=case.center, case=case)
    assert (change.status, change.decision.kind) == ("preparing", "approval_to_build")
    page = client.get(f"/centers/{case.center.code}/").content.decode()
    link = f"/cases/decisions/{change.decision.pk}.pdf"
    assert link in page
    assert client.get(link).status_code == 200

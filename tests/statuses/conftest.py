"""A center's status changes, each with a numbered decision of a case of the center."""

import datetime as dt

import pytest

from metrohub.cases.models import Decision
from metrohub.cases.walk import new_case
from metrohub.centers.models import Center
from metrohub.statuses import services


@pytest.fixture
def status_changes(world):
    """`status_changes(center, n)`: n alternating changes (suspended, established, …)."""
    counter = {"n": 0}

    def _changes(center, n):
        case = new_case(world, "chongqing", name=f"重庆市状态示例产业计量测试中心{counter['n']}")
        regulator = world["users"]["cq_regulator"]
        for _i in range(n):
            i = counter["n"]
            counter["n"] += 1
            status = Center.Status.SUSPENDED if i % 2 == 0 else Center.Status.ESTABLISHED
            decision = Decision.objects.create(
                case=case,
                kind=Decision.Kind.OTHER,
                transition="test",
                document_number=f"渝市监发〔2025〕{100 + i}号",
                document_date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                decided_by=regulator,
            )
            services.record_change(
                center=center,
                status=status,
                on=decision.document_date,
                actor=regulator,
                case=case,
                decision=decision,
                article="第二十七条",
            )

    return _changes

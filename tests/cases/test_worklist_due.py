"""The due column is never empty when a case has a time limit running, whoever answers for it."""

import datetime as dt

import pytest

from metrohub.cases import services
from metrohub.cases.models import Obligation
from metrohub.legaltime.services import store_deadline

pytestmark = pytest.mark.django_db


def test_due_date_shown_to_those_who_do_not_answer_for_it(world, client_for):
    with services.quiet():
        case = services.create_case(
            actor=world["users"]["cq_applicant"],
            rulepack="chongqing",
            center_name="到期测试中心",
            district="500112",
        )
        deadline = store_deadline(
            start=dt.date(2025, 9, 28), count=7, unit="days", rule="chongqing@2024:x"
        )
        Obligation.objects.create(
            case=case,
            code="supplement_period",
            deadline=deadline,
            kind="maximum",
            article="第十一条",
            responsible_role="applicant",
            opened_by="test",
        )
    shown = f"{deadline.due.year}年{deadline.due.month}月{deadline.due.day}日"

    page = client_for("regulator").get("/cases/").content.decode()
    row = page.split("到期测试中心", 2)[-1].split("</tr>", 1)[0]
    assert shown in row
    assert "chongqing@" not in page

    items = services.worklist(world["users"]["cq_regulator"])
    mine = [i for i in items if i.case.pk == case.pk]
    assert all(i.due == deadline.due for i in mine)

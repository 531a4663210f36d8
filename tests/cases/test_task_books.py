"""The construction task book as data: written before approval and fixed by it; the builder's
detailed plan (Hubei art. 13), the supervision team's visits, progress against the milestones;
the regulator sees the milestones that are late."""

import datetime as dt
import json

import pytest

from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.core.errors import Conflict
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def _json(client, method, url, body, token):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_task_book_from_approval_through_construction(world, client, client_for, api_token_for):
    pack = registry().latest("hubei")
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(new_case(world, "hubei", name="任务书"), path_to(pack, "decision"), clk)
        regulator = api_token_for("hb_regulator")
        body = {
            "goals": "建成激光功率计量标准，形成产业计量服务能力",
            "funding": "依托单位自筹",
            "funding_amount": "1200.5",
            "responsible": [{"name": "杨帆", "role": "中心主任", "duty": "全面负责"}],
            "capability_targets": [
                {"area": "optical", "count": 30},
                {"area": "thermal", "count": 5},
            ],
            "milestones": [
                {"title": "完成计量标准建标", "due": "2025-09-30"},
                {"title": "形成30项服务能力", "due": "2026-12-31"},
            ],
        }
        bad = _json(
            client,
            "put",
            f"/api/v1/cases/{case.pk}/task-book",
            {**body, "capability_targets": [{"area": "magic", "count": 3}]},
            regulator,
        )
        assert (bad.status_code, bad.json()["errors"][0]["field"]) == (
            422,
            "capability_targets.0.area",
        )
        saved = _json(client, "put", f"/api/v1/cases/{case.pk}/task-book", body, regulator)
        assert saved.status_code == 200, saved.content
        assert [m["title"] for m in saved.json()["milestones"]] == [
            "完成计量标准建标",
            "形成30项服务能力",
        ]
        approve = path_to(pack, "construction")[-1]
        case = walk(case, [approve], clk)
    book = services.task_book(case)
    assert (book.state, book.funding_amount) == ("issued", book.funding_amount)
    with pytest.raises(Conflict):
        services.save_task_book(actor=world["users"]["hb_regulator"], case=case, goals="改")
    applicant = api_token_for("hb_applicant")
    with clock(dt.date(2025, 10, 10)):
        plan = _json(
            client,
            "post",
            f"/api/v1/cases/{case.pk}/task-book/plan",
            {"plan": "第一阶段：建标"},
            applicant,
        )
        assert (plan.status_code, plan.json()["plan_submitted_on"]) == (200, "2025-10-10")
        visit = _json(
            client,
            "post",
            f"/api/v1/cases/{case.pk}/task-book/visits",
            {
                "visited_on": "2025-10-09",
                "team": ["督导组组长 王", "专家 李"],
                "findings": "建标进度滞后",
            },
            regulator,
        )
        assert visit.status_code == 201
        # the first milestone is past its date and not done: late, and the regulator sees it
        late = services.late_milestones(world["users"]["hb_regulator"])
        assert [m.title for m in late] == ["完成计量标准建标"]
        page = client_for("hb_regulator").get("/cases/").content.decode()
        assert "完成计量标准建标" in page
        first = book.milestones.get(title="完成计量标准建标")
        report = _json(
            client,
            "post",
            f"/api/v1/cases/{case.pk}/task-book/progress",
            {"text": "已完成建标", "done": {str(first.pk): "2025-10-08"}},
            applicant,
        )
        assert report.status_code == 201
        assert report.json()["milestones"] == [
            {"milestone": first.pk, "done_on": "2025-10-08", "late": True}
        ]
        states = {
            m["title"]: m["state"]
            for m in client_for("hb_applicant")
            .get(f"/api/v1/cases/{case.pk}/task-book")
            .json()["milestones"]
        }
        assert states == {"完成计量标准建标": "late", "形成30项服务能力": "open"}
        assert services.late_milestones(world["users"]["hb_regulator"]) == []
        html = client_for("hb_applicant").get(f"/cases/{case.pk}/task-book/").content.decode()
        assert "督导组组长 王" in html and "光学" in html and "已完成建标" in html

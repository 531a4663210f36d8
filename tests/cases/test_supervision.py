"""Hubei art. 13 during construction, through the API: the bureau sends a supervision team
(members, date, place) and records its on-site guidance and findings; the center reports a
problem found during construction and the bureau answers it."""

import datetime as dt

import pytest

from metrohub.cases import services
from metrohub.cases.walk import clock as walk_clock
from metrohub.cases.walk import new_case, path_to, walk
from metrohub.eventlog.models import Event
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


@pytest.fixture
def building(world):
    """A Hubei center approved for construction (in the registry as 筹建中)."""
    with services.quiet(), walk_clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "hubei", name="湖北省光电产业计量测试中心")
        case = walk(case, path_to(registry().latest("hubei"), "construction"), clk)
    case.refresh_from_db()
    assert case.center.status == "preparing"
    return case


def test_a_supervision_team_and_a_problem_report(building, api, clock, client_for):
    code = building.center.code
    regulator, builder = api("hb_regulator"), api("hb_applicant")
    clock.set(2025, 9, 26)
    # the bureau sends the team; the builder cannot
    assert builder.post("/cases", {"kind": "supervision", "center": code}).status_code == 403
    sid = ok(regulator.post("/cases", {"kind": "supervision", "center": code}), 201)["id"]
    bad = regulator.take(sid, "dispatch_team", {"panel": ["组长 王强"], "visit_date": "2025-10-1x"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"visit_date", "place"}
    ok(
        regulator.take(
            sid,
            "dispatch_team",
            {
                "panel": ["督导组组长 王强", "技术专家 周敏"],
                "visit_date": "2025-10-09",
                "place": "武汉市洪山区 中心实验室",
            },
        )
    )
    # the center sees the case it is supervised by
    seen = ok(builder.get(f"/cases/{sid}"))
    assert (seen["kind"], seen["state"]) == ("supervision", "dispatched")
    clock.set(2025, 10, 9)
    ok(
        regulator.take(
            sid,
            "record_supervision",
            {
                "guidance_record": "指导中心完善激光功率标准的不确定度评定。",
                "findings": ["计量标准建设按计划推进", "服务能力建设进度滞后"],
            },
        )
    )
    done = ok(regulator.get(f"/cases/{sid}"))
    assert done["state"] == "closed"
    events = list(
        Event.objects.filter(subject=f"case:{sid}", action__startswith="transition.")
        .order_by("seq")
        .values_list("action", "article", "effective_date", "payload")
    )
    assert [(a, art, day) for a, art, day, _p in events] == [
        ("transition.dispatch_team", "第十三条", dt.date(2025, 9, 26)),
        ("transition.record_supervision", "第十三条", dt.date(2025, 10, 9)),
    ]
    assert events[0][3]["records"] == {
        "panel": ["督导组组长 王强", "技术专家 周敏"],
        "visit_date": "2025-10-09",
        "place": "武汉市洪山区 中心实验室",
    }
    assert events[1][3]["records"]["findings"] == ["计量标准建设按计划推进", "服务能力建设进度滞后"]

    # the center reports a problem; the bureau sees it and answers
    assert (
        regulator.post("/cases", {"kind": "construction_problem", "center": code}).status_code
        == 403
    )
    pid = ok(builder.post("/cases", {"kind": "construction_problem", "center": code}), 201)["id"]
    ok(
        builder.take(
            pid, "report_problem", {"problem": "激光功率标准器送检周期过长，影响建标进度。"}
        )
    )
    listed = ok(regulator.get("/cases?kind=construction_problem"))
    assert [(c["id"], c["state"]) for c in listed] == [(pid, "submitted")]
    assert builder.take(pid, "answer_problem", {"answer": "x"}).status_code == 403
    clock.set(2025, 10, 13)
    ok(regulator.take(pid, "answer_problem", {"answer": "已协调省计量院优先安排检定。"}))
    page = client_for("hb_applicant").get(f"/cases/{pid}/").content.decode()
    assert "省质监局已答复" in page and "已协调省计量院优先安排检定。" in page
    # an established center is not supervised as under construction
    other_district = api("cq_regulator")
    assert other_district.post("/cases", {"kind": "supervision", "center": code}).status_code == 404

"""An inspection's checklist through the API: the pack's items with Chinese names, a result and a
note for each when the findings are recorded, rectification ordered by a date only on a finding
(extended past National Day), the rectification reported and the inspection closed."""

import pytest

from metrohub.cases.models import Case
from metrohub.eventlog.services import history
from metrohub.inspections.models import ChecklistResult
from metrohub.rulepacks.services import registry

from .conftest import ok

pytestmark = pytest.mark.django_db

CQ_2024 = ["中心运行情况", "八项主要任务履行情况", "申请条件保持情况", "年度建设任务完成情况"]
CQ_2024 += ["有无第三十一条规定的撤销情形"]


def items():
    return [i.code for i in registry().get("chongqing", "2024").procedure("inspection").checklist]


def conforming(finding_on=None, note="设备台账不完整"):
    return [
        {"item": code, "result": "finding", "note": note}
        if code == finding_on
        else {"item": code, "result": "conforming", "note": ""}
        for code in items()
    ]


def open_inspection(api, auto):
    return ok(api("district").post("/cases", {"kind": "inspection", "center": "CQ-AUTO"}), 201)[
        "id"
    ]


def test_the_checklist_is_the_packs(auto, api, clock):
    clock.set(2025, 9, 26)
    cid = open_inspection(api, auto)
    body = ok(api("district").get(f"/cases/{cid}/inspection"))
    assert [i["name_zh"] for i in body["checklist"]] == CQ_2024
    assert [i["article"] for i in body["checklist"]] == [
        "第二十七条",
        "第七条",
        "第八条",
        "第二十七条",
        "第三十一条",
    ]
    assert {i["result"] for i in body["checklist"]} == {None}
    assert (body["state"], body["state_name"], body["rectification"]) == ("open", "待检查", None)
    # the director of the inspected center reads it; another district's bureau does not find it
    assert ok(api("director").get(f"/cases/{cid}/inspection"))["case"] == cid


def test_findings_need_every_item_and_become_the_record(auto, api, clock):
    clock.set(2025, 9, 26)
    cid = open_inspection(api, auto)
    district = api("district")
    partial = conforming("operation")[:2]
    refused = district.take(cid, "record_findings", {"checklist": partial})
    assert refused.status_code == 422
    fields = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert fields == {
        "checklist.conditions_kept": "请填写“申请条件保持情况”的检查结果。",
        "checklist.annual_tasks": "请填写“年度建设任务完成情况”的检查结果。",
        "checklist.revocation_grounds": "请填写“有无第三十一条规定的撤销情形”的检查结果。",
    }
    assert not ChecklistResult.objects.filter(case_id=cid).exists()
    # a draft saved beforehand counts; the payload completes it
    ok(district.send("put", f"/cases/{cid}/inspection", {"checklist": partial}))
    rest = conforming("operation")[2:]
    rest[-1] = {"item": "revocation_grounds", "result": "not_checked", "note": "下次检查"}
    assert ok(district.take(cid, "record_findings", {"checklist": rest}))["state"] == "inspected"
    saved = {r.item: (r.result, r.note) for r in ChecklistResult.objects.filter(case_id=cid)}
    assert saved == {
        "operation": ("finding", "设备台账不完整"),
        "main_tasks": ("conforming", ""),
        "conditions_kept": ("conforming", ""),
        "annual_tasks": ("conforming", ""),
        "revocation_grounds": ("not_checked", "下次检查"),
    }
    event = history(Case.objects.get(pk=cid).subject).get(action="transition.record_findings")
    assert event.payload["records"]["findings"] == [
        "中心运行情况：发现问题。设备台账不完整",
        "八项主要任务履行情况：符合",
        "申请条件保持情况：符合",
        "年度建设任务完成情况：符合",
        "有无第三十一条规定的撤销情形：未检查。下次检查",
    ]
    # recorded, the checklist no longer changes
    assert (
        district.send("put", f"/cases/{cid}/inspection", {"checklist": partial}).status_code == 409
    )


def test_bad_checklists_change_nothing(auto, api, clock):
    clock.set(2025, 9, 26)
    cid = open_inspection(api, auto)
    district = api("district")
    cases = [
        ([{"item": "lottery", "result": "conforming"}], "checklist.lottery"),
        ([{"item": "operation", "result": "finding", "note": ""}], "checklist.operation"),
        ([{"item": "operation", "result": "conforming", "note": "长" * 2001}], "checklist.0.note"),
        ([{"item": "operation", "result": "conforming", "note": "\x07"}], "checklist.operation"),
    ]
    for checklist, field in cases:
        response = district.send("put", f"/cases/{cid}/inspection", {"checklist": checklist})
        assert response.status_code == 422, checklist
        assert {e["field"] for e in response.json()["errors"]} == {field}
    finding = district.send(
        "put",
        f"/cases/{cid}/inspection",
        {"checklist": [{"item": "operation", "result": "finding"}]},
    )
    assert {e["message"] for e in finding.json()["errors"]} == {
        "“中心运行情况”：请说明发现的问题。"
    }
    assert not ChecklistResult.objects.filter(case_id=cid).exists()
    # the center's director does not fill in the checklist
    director = api("director").send("put", f"/cases/{cid}/inspection", {"checklist": conforming()})
    assert director.status_code == 403


def test_rectification_needs_a_finding(auto, api, clock):
    clock.set(2025, 9, 26)
    cid = open_inspection(api, auto)
    district = api("district")
    ok(district.take(cid, "record_findings", {"checklist": conforming()}))
    order = {"reasons": "限期整改", "rectify_by": "2025-10-10"}
    refused = district.post(f"/cases/{cid}/inspection/rectification-order", order)
    assert refused.status_code == 409
    assert "检查表中没有发现问题的项目" in refused.json()["message"]
    assert ok(district.take(cid, "close_inspection"))["state"] == "closed"


def test_rectification_by_a_date_across_national_day(auto, api, clock, other_district):
    clock.set(2025, 9, 26)
    cid = open_inspection(api, auto)
    district, director = api("district"), api("director")
    ok(district.take(cid, "record_findings", {"checklist": conforming("main_tasks")}))
    # a date in the past or today is refused
    past = {"reasons": "限期整改", "rectify_by": "2025-09-26"}
    assert district.post(f"/cases/{cid}/inspection/rectification-order", past).status_code == 422
    # by Monday 6 October, inside National Day (1–8 October): the first working day after it,
    # Thursday 9 October
    order = {"reasons": "完善八项主要任务台账", "rectify_by": "2025-10-06"}
    body = ok(district.post(f"/cases/{cid}/inspection/rectification-order", order))
    assert body["state_name"] == "整改中"
    assert body["rectification"] == {
        "due": "2025-10-09",
        "state": "open",
        "state_name": "未完成",
        "reasons": "完善八项主要任务台账",
    }
    clock.set(2025, 10, 9)
    assert ok(director.take(cid, "report_rectification"))["state"] == "follow_up"
    body = ok(director.get(f"/cases/{cid}/inspection"))
    assert body["rectification"]["state"] == "met"
    assert ok(district.take(cid, "close_inspection"))["state"] == "closed"
    assert api("cq_jlp_district").get(f"/cases/{cid}/inspection").status_code == 404

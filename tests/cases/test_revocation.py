"""Revocation as a procedure kind: the grounds from the pack, a notice with a period for the center
to respond (extended past holidays), its response, the numbered decision, the registry and the
center's public status history."""

import datetime as dt

import pytest

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.cases import services
from metrohub.cases.models import Decision
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.centers.models import Center
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def _built(world, code, stage, name):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(new_case(world, code, name=name), path_to(registry().latest(code), stage), clk)
    case.refresh_from_db()
    return case


def _director(world, case, username):
    user = User.objects.create(username=username, email=f"{username}@example.com")
    RoleAssignment.objects.create(
        user=user,
        role=Role.CENTER_DIRECTOR,
        organisation=case.applicant,
        jurisdiction=case.applicant.jurisdiction,
    )
    world["users"][username] = user
    return user


@pytest.fixture
def shanghai(world):
    case = _built(world, "shanghai", "construction", "上海市撤销示例产业计量测试中心")
    _director(world, case, "sh_rev_director")
    return case


def _obligation(body, code):
    (ob,) = [o for o in body["obligations"] if o["code"] == code]
    return ob


def test_a_revocation_across_national_day(shanghai, api, clock):
    code = shanghai.center.code
    regulator, director = api("sh_regulator"), api("sh_rev_director")
    clock.set(2025, 9, 26)
    # only the regulator opens a revocation; the center cannot
    assert director.post("/cases", {"kind": "revocation", "center": code}).status_code == 403
    case = ok(regulator.post("/cases", {"kind": "revocation", "center": code}), 201)
    assert (case["kind_name"], case["state_name"]) == ("撤销资格", "拟撤销立案")
    cid = case["id"]
    # a ground outside the pack's is refused, naming the field
    bad = regulator.take(
        cid, "notify_center", {"grounds": ["made_up"], "reasons": "x", "deadline_count": 10}
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["grounds"]
    notice = {
        "grounds": ["rectification_failed"],
        "reasons": "监督检查整改后仍达不到要求",
        "deadline_count": 10,
    }
    body = ok(regulator.take(cid, "notify_center", notice))
    assert (body["state"], body["state_name"]) == ("notified", "已告知，待中心陈述申辩")
    # Friday 26 September + 10 days = Monday 6 October, inside National Day (1–8 October):
    # the center has until the first working day after it, Thursday 9 October
    assert _obligation(body, "revocation_response_period")["due"] == "2025-10-09"
    clock.set(2025, 10, 8)
    body = ok(director.take(cid, "respond_to_revocation", {"reasons": "已完成整改，申请复查"}))
    assert body["state_name"] == "中心已陈述申辩"
    decision = {
        "grounds": ["rectification_failed"],
        "reasons": "整改复查仍不合格",
        "document_number": "沪市监计量〔2025〕71号",
        "document_date": "2025-10-09",
    }
    # the period to respond runs to the end of 9 October: no decision before the 10th
    clock.set(2025, 10, 9)
    early = regulator.take(cid, "decide_revocation", decision)
    assert early.status_code == 409, early.content
    assert Center.objects.get(code=code).status == Center.Status.PREPARING
    clock.set(2025, 10, 10)
    decision["document_date"] = "2025-10-10"
    body = ok(regulator.take(cid, "decide_revocation", decision))
    assert (body["state"], body["state_name"]) == ("revoked", "已撤销")
    made = Decision.objects.get(case_id=cid)
    assert (made.kind, made.document_number, made.document_date, made.article) == (
        "revocation",
        "沪市监计量〔2025〕71号",
        dt.date(2025, 10, 10),
        "五(三)",
    )
    assert Center.objects.get(code=code).status == Center.Status.REVOKED

    # the registry: its status and history, public, with the decisions behind each change
    history = ok(api(None).get(f"/centers/{code}/status-history"))
    assert (history["status"], history["status_name"]) == ("revoked", "已撤销")
    rows = [
        (h["status_name"], h["on"], h["decision_name"], h["document_number"], h["article"])
        for h in history["history"]
    ]
    approval = Decision.objects.get(case=shanghai, kind="approval_to_build")
    assert rows == [
        (
            "筹建中",
            approval.document_date.isoformat(),
            "批准筹建",
            approval.document_number,
            rows[0][4],
        ),
        ("已撤销", "2025-10-10", "撤销资格", "沪市监计量〔2025〕71号", "五(三)"),
    ]
    assert rows[0][4]  # the approval cites its article


def test_a_revocation_across_spring_festival_dropped_keeps_the_status(shanghai, api, clock):
    code = shanghai.center.code
    regulator = api("sh_regulator")
    clock.set(2026, 2, 5)
    cid = ok(regulator.post("/cases", {"kind": "revocation", "center": code}), 201)["id"]
    notice = {"grounds": ["evaluation_result"], "reasons": "总结评估不合格", "deadline_count": 10}
    body = ok(regulator.take(cid, "notify_center", notice))
    # Thursday 5 February 2026 + 10 days = Sunday 15 February, the first day of the Spring
    # Festival (15–23 February): the center has until Tuesday 24 February
    assert _obligation(body, "revocation_response_period")["due"] == "2026-02-24"
    clock.set(2026, 2, 26)
    body = ok(regulator.take(cid, "drop_revocation", {"reasons": "经核实，评估问题已整改"}))
    assert (body["state"], body["state_name"]) == ("closed", "不予撤销")
    assert Center.objects.get(code=code).status == Center.Status.PREPARING
    history = ok(api(None).get(f"/centers/{code}/status-history"))
    assert [h["status"] for h in history["history"]] == ["preparing"]


def test_chongqing_grounds_wait_for_their_text(world, api, clock):
    case = _built(world, "chongqing", "established", "重庆市撤销示例产业计量测试中心")
    regulator = api("regulator")
    clock.set(2025, 9, 26)
    cid = ok(regulator.post("/cases", {"kind": "revocation", "center": case.center.code}), 201)[
        "id"
    ]
    refused = regulator.take(
        cid,
        "notify_center",
        {"grounds": ["revocation_ground_1"], "reasons": "x", "deadline_count": 10},
    )
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["field"] == "grounds"
    assert error["message"].endswith("尚不能援引任何情形。")

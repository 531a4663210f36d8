"""A change of committed capabilities (Hubei art. 16) through the API: the director opens the
request and lists the lines added, changed and withdrawn, submits; the bureau organises the
acceptance, records its findings and conclusion, announces the changed capabilities. The public
catalogue shows the change after the announcement and not before; every version is kept."""

import datetime as dt

import pytest

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.cases import services
from metrohub.cases.walk import clock as walk_clock
from metrohub.cases.walk import new_case, path_to, walk
from metrohub.catalogue.models import CapabilityLine, ChangeRequest
from metrohub.catalogue.rows import line_to_row
from metrohub.eventlog.models import Event
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json() if status != 204 else None


@pytest.fixture
def hubei(world):
    """A Hubei center established through the procedure (its lines published with it), and its
    director."""
    with services.quiet(), walk_clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "hubei", name="湖北省光电产业计量测试中心")
        case = walk(case, path_to(registry().latest("hubei"), "established"), clk)
    case.refresh_from_db()
    director = User.objects.create(username="hb_director", email="hbd@example.com")
    RoleAssignment.objects.create(
        user=director,
        role=Role.CENTER_DIRECTOR,
        organisation=case.applicant,
        jurisdiction=case.applicant.jurisdiction,
    )
    world["users"]["hb_director"] = director
    return case


def search(client, q):
    body = ok(client.get("/api/v1/capabilities", {"q": q, "center": ""}))
    return {(r["measurand"], r["instrument"], r["version"]) for r in body["results"]}


def test_a_capability_change_from_request_to_announcement(hubei, api, clock, client):
    center = hubei.center
    lines = list(CapabilityLine.objects.filter(center=center, status="published").order_by("pk"))
    assert len(lines) >= 2
    changed, withdrawn = lines[0], lines[1]
    director, regulator = api("hb_director"), api("hb_regulator")

    clock.set(2026, 9, 28)
    # only the director opens it (the pack's filed_by), for an established center
    assert (
        regulator.post("/cases", {"kind": "capability_change", "center": center.code}).status_code
        == 403
    )
    case = ok(director.post("/cases", {"kind": "capability_change", "center": center.code}), 201)
    cid = case["id"]
    assert (case["kind"], case["state"]) == ("capability_change", "draft")
    # submitting with no line is refused, naming the field
    refused = director.take(cid, "submit_change")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "items"

    new_row = {
        **line_to_row(changed),
        "measurand": "光谱辐照度",
        "instrument": "标准光谱辐照度灯",
        "range_lower": "250",
        "range_upper": "2500",
        "unit": "nm",
    }
    ok(
        director.post(
            f"/cases/{cid}/capability-change/items",
            {"action": "add", "reason": "新建光谱辐照度标准", "row": new_row},
        ),
        201,
    )
    modified_row = {**line_to_row(changed), "conditions": "新增：环境温度(23±2)℃"}
    ok(
        director.post(
            f"/cases/{cid}/capability-change/items",
            {"action": "modify", "reason": "扩展测量条件", "line": changed.pk, "row": modified_row},
        ),
        201,
    )
    ok(
        director.post(
            f"/cases/{cid}/capability-change/items",
            {"action": "withdraw", "reason": "标准器停用", "line": withdrawn.pk},
        ),
        201,
    )
    # the same line twice, a line of another center, the regulator adding: refused
    twice = director.post(
        f"/cases/{cid}/capability-change/items",
        {"action": "withdraw", "reason": "重复", "line": withdrawn.pk},
    )
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "line"
    foreign = CapabilityLine.objects.exclude(center=center).filter(status="published").first()
    assert (
        director.post(
            f"/cases/{cid}/capability-change/items",
            {"action": "withdraw", "reason": "他中心", "line": foreign.pk},
        ).status_code
        == 422
    )
    assert (
        regulator.post(
            f"/cases/{cid}/capability-change/items",
            {"action": "withdraw", "reason": "x", "line": changed.pk},
        ).status_code
        == 403
    )
    assert ChangeRequest.objects.filter(case_id=cid).count() == 3

    ok(director.take(cid, "submit_change"))
    # submitted: the lines are fixed
    late = director.post(
        f"/cases/{cid}/capability-change/items",
        {"action": "add", "reason": "补充", "row": {**new_row, "measurand": "照度"}},
    )
    assert late.status_code == 409

    clock.set(2026, 10, 9)  # after the National Day holiday
    ok(
        regulator.take(
            cid, "organise_change_acceptance", {"panel": ["省质监局计量处 刘洋", "技术专家 周敏"]}
        )
    )
    # nothing is public before the announcement
    assert not any(r[0] == "光谱辐照度" for r in search(client, "光谱辐照度"))
    ok(
        regulator.take(
            cid,
            "record_change_acceptance",
            {"findings": ["标准器证书有效", "人员持证上岗"], "conclusion": "pass"},
        )
    )
    body = ok(director.get(f"/cases/{cid}/capability-change"))
    assert body["state_name"] == "验收完成，待决定"
    assert body["acceptance"] == {
        "panel": ["省质监局计量处 刘洋", "技术专家 周敏"],
        "on": "2026-10-09",
        "findings": ["标准器证书有效", "人员持证上岗"],
        "conclusion": "pass",
        "concluded_on": "2026-10-09",
    }
    assert body["announcement"] is None
    assert CapabilityLine.objects.get(pk=withdrawn.pk).status == "published"

    clock.set(2026, 10, 12)
    ok(
        regulator.take(
            cid,
            "announce_change",
            {"document_number": "鄂市监量〔2026〕31号", "document_date": "2026-10-12"},
        )
    )
    body = ok(director.get(f"/cases/{cid}/capability-change"))
    assert (body["state"], body["state_name"]) == ("announced", "已公告变更后的能力")
    assert body["announcement"] == {
        "document_number": "鄂市监量〔2026〕31号",
        "document_date": "2026-10-12",
    }
    assert [(i["action"], i["status"], i["effective_on"]) for i in body["items"]] == [
        ("add", "announced", "2026-10-12"),
        ("modify", "announced", "2026-10-12"),
        ("withdraw", "announced", "2026-10-12"),
    ]
    # the catalogue changed, every version kept
    new = CapabilityLine.objects.get(pk=body["items"][0]["line"])
    assert (new.status, new.published_on) == ("published", dt.date(2026, 10, 12))
    changed_now = CapabilityLine.objects.get(pk=changed.pk)
    assert changed_now.version == changed.version + 1
    assert changed_now.conditions == "新增：环境温度(23±2)℃"
    old = changed_now.versions.get(version=changed.version)
    assert old.valid_to is not None and old.data["conditions"] == changed.conditions
    assert (
        changed_now.versions.get(version=changed.version + 1).change_request_id
        == body["items"][1]["id"]
    )
    assert CapabilityLine.objects.get(pk=withdrawn.pk).status == "withdrawn"
    # public: the search finds the new line, not the withdrawn one; the announcement lists them
    assert any(r[0] == "光谱辐照度" for r in search(client, "光谱辐照度"))
    assert client.get(f"/api/v1/capabilities/{withdrawn.pk}").status_code == 404
    public = ok(client.get("/api/v1/capability-announcements", {"center": center.code}))
    assert [
        (a["case"], a["document_number"], a["document_date"], a["article"]) for a in public
    ] == [(cid, "鄂市监量〔2026〕31号", "2026-10-12", "第十六条")]
    assert [i["action_name"] for i in public[0]["items"]] == ["新增条目", "变更条目", "撤销条目"]
    page = client.get("/catalogue/announcements/").content.decode()
    assert "鄂市监量〔2026〕31号" in page and "2026年10月12日" in page and "光谱辐照度" in page
    # each step cites its article
    actions = list(
        Event.objects.filter(subject=f"case:{cid}", action__startswith="transition.")
        .order_by("seq")
        .values_list("action", "article", "effective_date")
    )
    assert actions == [
        ("transition.submit_change", "第十六条", dt.date(2026, 9, 28)),
        ("transition.organise_change_acceptance", "第十六条", dt.date(2026, 10, 9)),
        ("transition.record_change_acceptance", "第十六条", dt.date(2026, 10, 9)),
        ("transition.announce_change", "第十六条", dt.date(2026, 10, 12)),
    ]
    assert (
        Event.objects.filter(
            subject=f"catalogue:{center.code}",
            action="catalogue.change_announced",
            article="第十六条",
        ).count()
        == 1
    )


def test_a_refused_change_leaves_the_catalogue_alone(hubei, api, clock):
    center = hubei.center
    line = CapabilityLine.objects.filter(center=center, status="published").first()
    director, regulator = api("hb_director"), api("hb_regulator")
    clock.set(2026, 2, 10)
    cid = ok(director.post("/cases", {"kind": "capability_change", "center": center.code}), 201)[
        "id"
    ]
    ok(
        director.post(
            f"/cases/{cid}/capability-change/items",
            {"action": "withdraw", "reason": "停用", "line": line.pk},
        ),
        201,
    )
    ok(director.take(cid, "submit_change"))
    ok(regulator.take(cid, "organise_change_acceptance", {"panel": ["刘洋"]}))
    ok(
        regulator.take(
            cid, "record_change_acceptance", {"findings": ["服务需求仍在"], "conclusion": "fail"}
        )
    )
    # a failed acceptance cannot be announced
    assert (
        regulator.take(
            cid,
            "announce_change",
            {"document_number": "鄂市监量〔2026〕5号", "document_date": "2026-02-10"},
        ).status_code
        == 409
    )
    ok(regulator.take(cid, "refuse_change", {"reasons": "验收不符合要求：该项服务仍有需求。"}))
    body = ok(director.get(f"/cases/{cid}/capability-change"))
    assert body["refusal"] == {"reasons": "验收不符合要求：该项服务仍有需求。", "on": "2026-02-10"}
    assert [i["status"] for i in body["items"]] == ["rejected"]
    line.refresh_from_db()
    assert line.status == "published"

"""The procedure through the API, for all three packs, with the exact due dates."""

import pytest
from django.core import mail

from metrohub.cases.models import Case
from metrohub.eventlog.services import verify_all

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def obligation(case_json, code):
    found = [o for o in case_json["obligations"] if o["code"] == code]
    assert found, f"no obligation {code}: {case_json['obligations']}"
    return found[-1]


CQ_ACCEPTANCE = [f"acceptance_material_{i}" for i in range(1, 11)]


def _new(api, role, form, **body):
    data = {
        "rulepack": "chongqing",
        "kind": "center-application",
        "center_name": "重庆市智能网联汽车产业计量测试中心",
        "industry_domain": "new_energy_vehicles",
        "district": "500112",
        "form": form,
        **body,
    }
    return ok(api(role).post("/cases", data), 201)


def test_chongqing_from_draft_to_an_established_center(api, clock, form, conclude):
    applicant, authority = api("applicant"), api("authority")
    regulator, district = api("regulator"), api("district")
    clock.set(2025, 9, 1)
    case = _new(api, "applicant", form)
    cid = case["id"]
    assert (case["rulepack"], case["rulepack_version"], case["state"]) == (
        "chongqing",
        "2024",
        "draft",
    )
    # 422 lists what is missing
    missing = ok(applicant.take(cid, "submit_for_endorsement"), 422)
    assert [e["field"] for e in missing["errors"]] == ["materials.application_form"]
    ok(applicant.upload(cid, "application_form"), 201)
    assert ok(applicant.take(cid, "submit_for_endorsement"))["state"] == "endorsement"
    assert (
        ok(authority.take(cid, "endorse_and_file", {"letter": "渝经信函〔2025〕33号"}))["state"]
        == "formal_review"
    )

    # a supplement round: the regulator sets 15 days on Monday 8 September 2025
    clock.set(2025, 9, 8)
    mail.outbox.clear()
    body = ok(
        regulator.take(
            cid,
            "request_supplement",
            {"defects": ["缺少设备清单", "团队信息不完整"], "deadline_count": 15},
        )
    )
    # the e-mail to the applicant lists the defects
    (letter,) = [m for m in mail.outbox if m.to == ["cq_applicant@demo.metrohub.localhost"]]
    assert "1. 缺少设备清单" in letter.body and "2. 团队信息不完整" in letter.body
    supplement = obligation(body, "supplement_period")
    assert (supplement["due"], supplement["state"], supplement["article"]) == (
        "2025-09-23",
        "open",
        "第十一条",
    )
    clock.set(2025, 9, 15)
    version2 = ok(applicant.upload(cid, "application_form", PDF + b"v2"), 201)
    assert version2["version"] == 2
    # the defects reach the applicant in the case detail; each is answered on resubmission
    defects = ok(applicant.get(f"/cases/{cid}"))["defects"]
    assert (defects["items"], defects["requested_on"]) == (
        ["缺少设备清单", "团队信息不完整"],
        "2025-09-08",
    )
    unanswered = ok(applicant.take(cid, "resubmit", {"defect_answers": ["已补充设备清单"]}), 422)
    assert [e["field"] for e in unanswered["errors"]] == ["defect_answers.1"]
    body = ok(
        applicant.take(cid, "resubmit", {"defect_answers": ["已补充设备清单", "已补全团队信息"]})
    )
    assert body["events"][-1]["payload"]["defect_answers"][1] == {
        "defect": "团队信息不完整",
        "answer": "已补全团队信息",
    }
    assert body["defects"] is None
    assert body["state"] == "formal_review"
    assert obligation(body, "supplement_period")["state"] == "met"
    assert [m["version"] for m in body["materials"]] == [2, 1]  # old versions kept

    ok(regulator.take(cid, "pass_formal_review"))
    clock.set(2025, 9, 28)
    # no typed "recommend" without the stage's panel
    typed = {"conclusion": "recommend", "opinions": "同意推荐"}
    bypass = ok(regulator.take(cid, "open_public_notice", typed), 409)
    assert "专家审查" in bypass["message"]
    conclude(cid, "review", conclusion="recommend")
    body = ok(regulator.take(cid, "open_public_notice"))
    assert body["events"][-1]["payload"]["records"]["conclusion"] == "recommend"
    notice = obligation(body, "public_notice_period")
    # 7 days from Sunday 28 September end on 5 October, inside the National Day holiday:
    # extended past it (Civil Code art. 203) to Thursday 9 October 2025.
    assert (notice["due"], notice["kind"], notice["provisional"], notice["article"]) == (
        "2025-10-09",
        "minimum",
        False,
        "第十一条",
    )
    notices = ok(api(None).get("/notices"))
    assert [(n["id"], n["closes_on"]) for n in notices] == [(cid, "2025-10-09")]

    # an objection during the notice, by anyone, with contact details
    ok(api(None).post(f"/notices/{cid}/objections", {"name": "张三", "text": "异议"}), 422)
    objection = ok(
        api(None).post(
            f"/notices/{cid}/objections",
            {"name": "张三", "email": "zhang@example.com", "text": "该单位设备不足"},
        ),
        201,
    )
    clock.set(2025, 10, 8)
    early = ok(regulator.take(cid, "close_public_notice"), 409)
    assert "2025-10-09" in early["message"]
    clock.set(2025, 10, 9)  # the last day runs to 24:00: closable from the next day
    assert "2025-10-10" in ok(regulator.take(cid, "close_public_notice"), 409)["message"]
    clock.set(2025, 10, 10)
    unanswered = ok(regulator.take(cid, "close_public_notice"), 409)
    assert "张三" in unanswered["message"]
    body = ok(
        regulator.take(
            cid,
            "close_public_notice",
            {
                "objection_answers": [
                    {"objection": objection["id"], "answer": "经核实，设备满足要求"}
                ]
            },
        )
    )
    assert body["state"] == "decision"
    assert body["objections"][0]["answer"] == "经核实，设备满足要求"
    assert obligation(body, "public_notice_period")["state"] == "met"
    assert ok(api(None).get("/notices")) == []

    clock.set(2025, 10, 15)
    body = ok(
        regulator.take(
            cid,
            "approve_construction",
            {"document_number": "渝市监发[2025]12号", "document_date": "2025-10-15"},
        )
    )
    assert body["decisions"][-1]["document_number"] == "渝市监发〔2025〕12号"  # normalised
    construction = obligation(body, "construction_period")
    # two years; the last day lies in 2027, whose holidays are not published: provisional
    assert (construction["due"], construction["provisional"]) == ("2027-10-15", True)

    clock.set(2025, 11, 10)
    # art. 15's preconditions and art. 20's ten materials are named without their text: until a
    # regulator enters them, nothing is asked of the applicant for them
    step = next(
        t
        for t in ok(applicant.get(f"/cases/{cid}"))["available_transitions"]
        if t["name"] == "request_acceptance"
    )
    assert (len(step["materials"]), step["missing_materials"]) == (len(CQ_ACCEPTANCE), [])
    body = ok(applicant.take(cid, "request_acceptance"))
    assert body["state"] == "acceptance_review"
    assert obligation(body, "construction_period")["state"] == "met"

    wrong = ok(
        regulator.take(
            cid,
            "schedule_onsite_acceptance",
            {"panel": ["专家甲"], "supervisor": {"username": "cq_regulator"}},
        ),
        422,
    )
    assert wrong["errors"][0]["field"] == "supervisor"
    mail.outbox.clear()
    body = ok(
        regulator.take(
            cid,
            "schedule_onsite_acceptance",
            {"panel": ["专家甲", "专家乙", "专家丙"], "supervisor": {"username": "cq_district"}},
        )
    )
    assert body["state"] == "onsite_acceptance"
    assert "cq_district@demo.metrohub.localhost" in {m.to[0] for m in mail.outbox}
    ok(district.post(f"/cases/{cid}/supervisor-report", {"text": "现场审查程序规范"}), 201)

    # 79.5 fails: rectification within 3 months from 30 November 2025 → 28 February 2026
    clock.set(2025, 11, 30)
    typed = ok(regulator.take(cid, "order_rectification", {"score": 79.5, "defects": ["x"]}), 409)
    assert "现场审查" in typed["message"]  # no score without the stage's concluded panel
    conclude(cid, "acceptance", score="79.5")
    below = ok(
        regulator.take(
            cid,
            "establish",
            {
                "score": "79.5",
                "document_number": "渝市监发〔2025〕30号",
                "document_date": "2025-11-30",
            },
        ),
        409,
    )
    assert "79.5" in below["message"]
    body = ok(
        regulator.take(cid, "order_rectification", {"score": 79.5, "defects": ["科研成果不足"]})
    )
    rectification = obligation(body, "rectification_period")
    assert (body["state"], rectification["due"], rectification["provisional"]) == (
        "rectification",
        "2026-02-28",
        False,
    )
    clock.set(2026, 2, 10)
    ok(applicant.take(cid, "submit_rectification", {"defect_answers": ["已补充科研成果"]}))
    clock.set(2026, 2, 20)
    second = ok(
        regulator.take(
            cid,
            "establish",
            {
                "score": "80.0",
                "document_number": "渝市监发〔2026〕2号",
                "document_date": "2026-02-20",
            },
        ),
        409,
    )
    assert "现场审查" in second["message"]  # the second round needs its own panel
    conclude(cid, "acceptance", score="80")
    exhausted = ok(
        regulator.take(cid, "order_rectification", {"score": 80, "defects": ["仍不足"]}), 409
    )
    assert exhausted["code"] == "conflict"
    body = ok(
        regulator.take(
            cid,
            "establish",
            {
                "score": "80.0",
                "document_number": "渝市监发〔2026〕3号",
                "document_date": "2026-02-20",
            },
        )
    )
    assert body["state"] == "established"
    assert [(s["round"], s["score"], s["passed"]) for s in body["scores"]] == [
        (1, "79.5", False),
        (2, "80.0", True),
    ]
    assert obligation(body, "rectification_period")["state"] == "met"
    center = ok(api(None).get(f"/centers/{body['center']}"))
    assert (center["status"], center["name"], center["established_on"]) == (
        "established",
        "重庆市智能网联汽车产业计量测试中心",
        "2026-02-20",
    )
    actions = [e["action"] for e in body["events"]]
    assert actions.count("transition.order_rectification") == 1
    assert all(e["article"] for e in body["events"] if e["action"].startswith("transition."))
    assert all(broken is None for _s, _n, broken in verify_all(f"case:{cid}"))


def test_every_gap_is_listed_at_once(api, clock):
    case = _new(api, "applicant", {}, industry_domain="")
    errors = ok(api("applicant").take(case["id"], "submit_for_endorsement"), 422)["errors"]
    fields = [e["field"] for e in errors]
    assert fields == [
        "materials.application_form",
        "industry_domain",
        "form.summary",
        "form.director_name",
        "form.team",
        "form.capabilities",
        "form.targets",
    ]


def test_statuses_403_404_409_and_effective_date(api, clock, form):
    cid = _new(api, "applicant", form)["id"]
    assert ok(api("applicant").take(cid, "pass_formal_review"), 403)["code"] == "forbidden"
    assert ok(api("regulator").take(cid, "pass_formal_review"), 409)["code"] == "conflict"
    assert ok(api("hb_regulator").get(f"/cases/{cid}"), 404)["code"] == "not_found"
    assert ok(api("expert").get(f"/cases/{cid}"), 404)
    assert ok(api("regulator").take(cid, "no_such_step"), 404)
    ok(api("applicant").upload(cid, "application_form"), 201)
    # only an authority records an earlier act on paper
    paper = ok(
        api("applicant").take(cid, "submit_for_endorsement", effective_date="2025-09-01"), 422
    )
    assert paper["errors"][0]["field"] == "effective_date"
    ok(api("applicant").take(cid, "submit_for_endorsement"))
    clock.set(2025, 9, 20)
    body = ok(
        api("authority").take(
            cid, "endorse_and_file", {"letter": "函"}, effective_date="2025-09-03"
        )
    )
    event = body["events"][-1]
    assert (event["effective_date"], event["payload"]["recorded_on_paper"]) == ("2025-09-03", True)
    future = ok(api("regulator").take(cid, "pass_formal_review", effective_date="2025-09-21"), 422)
    assert future["errors"][0]["field"] == "effective_date"


def test_the_same_request_twice_acts_once(api, clock, form):
    applicant = api("applicant")
    body = {"rulepack": "chongqing", "center_name": "甲", "industry_domain": "other", "form": form}
    first = applicant.post("/cases", body, key="k1")
    again = applicant.post("/cases", body, key="k1")
    assert ok(first, 201)["id"] == ok(again, 201)["id"]
    assert Case.objects.count() == 1
    cid = first.json()["id"]
    ok(applicant.upload(cid, "application_form", key="u1"), 201)
    ok(applicant.upload(cid, "application_form", key="u1"), 201)
    assert ok(applicant.get(f"/cases/{cid}"))["materials"][0]["version"] == 1
    ok(applicant.take(cid, "submit_for_endorsement", key="t1"))
    body = ok(applicant.take(cid, "submit_for_endorsement", key="t1"))
    assert [e["action"] for e in body["events"]].count("transition.submit_for_endorsement") == 1
    # the same key for another request is refused
    ok(applicant.take(cid, "withdraw", key="t1"), 409)


def test_a_case_keeps_the_version_in_force_when_filed(api, clock, form, conclude):
    clock.set(2024, 1, 10)
    cid = _new(api, "applicant", form)["id"]
    clock.set(2025, 9, 1)
    case = ok(api("applicant").get(f"/cases/{cid}"))
    assert case["rulepack_version"] == "2022"
    regulator = api("regulator")
    applicant = api("applicant")
    for code in ("application_form", "feasibility_report"):
        ok(applicant.upload(cid, code), 201)
    ok(applicant.take(cid, "submit_for_endorsement"))
    ok(api("authority").take(cid, "endorse_and_file", {"letter": "函"}))
    ok(regulator.take(cid, "pass_formal_review"))
    clock.set(2025, 9, 28)
    conclude(cid, "review", conclusion="recommend")
    body = ok(regulator.take(cid, "open_public_notice"))
    # the earlier measures: one month of notice
    assert obligation(body, "public_notice_period")["due"] == "2025-10-28"


def test_uploads_are_checked_by_their_real_type_and_size(api, clock, form, settings):
    cid = _new(api, "applicant", form)["id"]
    applicant = api("applicant")
    fake = ok(applicant.upload(cid, "application_form", b"MZ\x90\x00 not a pdf", "a.pdf"), 422)
    assert fake["errors"][0]["field"] == "file"
    ok(applicant.upload(cid, "no_such_type"), 422)
    settings.METROHUB_MAX_UPLOAD_BYTES = 10
    ok(applicant.upload(cid, "application_form"), 422)
    settings.METROHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    body = ok(
        applicant.upload(cid, "application_form", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "scan.png"), 201
    )
    assert body["content_type"] == "image/png" and len(body["sha256"]) == 64
    download = applicant.get(f"/cases/{cid}/materials/{body['id']}")
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert ok(api("hb_regulator").get(f"/cases/{cid}/materials/{body['id']}"), 404)
    assert ok(api("regulator").upload(cid, "application_form"), 403)


def test_list_filters(api, clock, form):
    cid = _new(api, "applicant", form)["id"]
    regulator = api("regulator")
    assert [c["id"] for c in ok(regulator.get("/cases?rulepack=chongqing&state=draft"))] == [cid]
    assert ok(regulator.get("/cases?state=construction")) == []
    assert ok(regulator.get("/cases?overdue=true")) == []
    assert ok(api("hb_regulator").get("/cases")) == []


def test_hubei_with_task_book_and_24_months(api, clock, form, conclude):
    applicant, regulator = api("hb_applicant"), api("hb_regulator")
    clock.set(2025, 3, 3)
    form["industry_needs"] = []
    cid = ok(
        applicant.post(
            "/cases",
            {
                "rulepack": "hubei",
                "center_name": "湖北省激光产业计量测试中心",
                "industry_domain": "high_end_equipment",
                "form": form,
            },
        ),
        201,
    )["id"]
    missing = {e["field"] for e in ok(applicant.take(cid, "submit_for_endorsement"), 422)["errors"]}
    assert missing == {
        "materials.industry_needs_table",
        "materials.application_form",
        "form.industry_needs",
    }
    applicant.patch(
        f"/cases/{cid}", {"form": {**form, "industry_needs": [{"need": "激光功率测量"}]}}
    )
    for code in ("industry_needs_table", "application_form"):
        ok(applicant.upload(cid, code), 201)
    ok(applicant.take(cid, "submit_for_endorsement"))
    ok(api("hb_authority").take(cid, "endorse_and_file", {"letter": "鄂经信函〔2025〕8号"}))
    ok(regulator.take(cid, "pass_material_review", {"opinions": "材料齐全"}))
    # the site visit's conclusion is its drawn panel's; no panel on paper at this stage
    paper = {"members": ["专家甲"], "reason": "线下"}
    typed = {"panel": ["专家甲"], "conclusion": "recommend", "opinions": "同意"}
    refused = regulator.take(cid, "record_site_visit", {**typed, "paper_panel": paper})
    assert ok(refused, 409)["errors"] == []
    conclude(cid, "review", conclusion="recommend")
    visit = ok(regulator.take(cid, "record_site_visit"))["events"][-1]["payload"]["records"]
    assert (visit["conclusion"], len(visit["panel"])) == ("recommend", 3)
    clock.set(2025, 6, 30)
    body = ok(
        regulator.take(
            cid,
            "approve_construction",
            {"document_number": "鄂市监量〔2025〕5号", "document_date": "2025-06-30"},
        )
    )
    assert [d["kind"] for d in body["decisions"]] == ["approval_to_build", "task_book"]
    construction = obligation(body, "construction_period")
    assert (construction["due"], construction["provisional"], construction["article"]) == (
        "2027-06-30",
        True,
        "第十三条、第十四条",
    )
    clock.set(2026, 5, 6)
    for code in ("construction_work_plan", "acceptance_application", "capability_plan"):
        ok(applicant.upload(cid, code), 201)
    ok(applicant.take(cid, "request_acceptance"))
    ok(regulator.take(cid, "schedule_onsite_acceptance", {"panel": ["专家甲", "专家乙"]}))
    establish = {
        "conclusion": "pass",
        "document_number": "鄂市监量〔2026〕9号",
        "document_date": "2026-05-06",
    }
    # 001 gives no score: a panel held on paper, with its members and the reason
    unnamed = ok(regulator.take(cid, "establish", establish), 422)
    assert unnamed["errors"][0]["field"] == "paper_panel"
    establish["paper_panel"] = {"members": ["专家甲", "专家乙"], "reason": "现场验收纸面评分"}
    failing = ok(regulator.take(cid, "establish", {**establish, "conclusion": "fail"}), 409)
    assert failing["code"] == "conflict"
    # art. 15: the center's committed capabilities are published with its establishment
    none = ok(regulator.take(cid, "establish", establish), 422)
    assert (
        none["errors"][0]["field"] == "capabilities" and "第十五条" in none["errors"][0]["message"]
    )
    _import_drafts(Case.objects.get(pk=cid).center, 4)
    body = ok(regulator.take(cid, "establish", establish))
    assert body["events"][-1]["payload"]["paper_panel"]["members"] == ["专家甲", "专家乙"]
    center = ok(api(None).get(f"/centers/{body['center']}"))
    assert (center["level"], center["status"], center["jurisdiction_code"]) == (
        "provincial",
        "established",
        "420000",
    )
    published = ok(api(None).get(f"/capabilities?center={body['center']}"))
    assert published["count"] == 4


def _import_drafts(center, n):
    from metrohub.catalogue.demo import demo_rows
    from metrohub.catalogue.services import import_rows

    rows = demo_rows(center.code, "激光")[:n]
    assert import_rows(actor=None, center=center, rows=list(enumerate(rows, start=2))).created == n


def _shanghai_to_construction(api, clock, form, conclude):
    applicant, regulator = api("sh_applicant"), api("sh_regulator")
    clock.set(2025, 3, 3)
    case = ok(
        applicant.post(
            "/cases",
            {
                "rulepack": "shanghai",
                "center_name": "上海市集成电路装备产业计量测试中心",
                "industry_domain": "integrated_circuits",
                "co_builders": [_org("sh-bio")],
                "form": form,
            },
        ),
        201,
    )
    cid = case["id"]
    for code in ("industry_research", "support_record", "initial_plan"):
        ok(applicant.upload(cid, code), 201)
    ok(applicant.take(cid, "report_initial_plan"))
    ok(regulator.take(cid, "record_guidance", {"panel": ["专家甲"], "guidance_record": "现场指导"}))
    for code in ("pre_review_record", "application_form", "task_book"):
        ok(applicant.upload(cid, code), 201)
    # a joint application states each co-builder's duties
    missing = ok(applicant.take(cid, "submit"), 422)
    assert [e["field"] for e in missing["errors"]] == [
        f"form.builder_duties.{_org('sh-bio')}",
        f"co_builders.{_org('sh-bio')}",  # the co-builder has not consented yet
    ]
    # the co-builder sees the case only once it consents
    cobuilder = api("sh_cobuilder")
    ok(cobuilder.get(f"/cases/{cid}"), 404)
    (invitation,) = ok(cobuilder.get("/co-builder-invitations"))
    ok(cobuilder.post(f"/co-builder-invitations/{invitation['id']}/consent"))
    duties = [
        {
            "organisation": "上海示例生物医药研究所",
            "staff": "5人",
            "funds": "300万元",
            "equipment": "共享",
            "projects": "联合",
            "ip": "共有",
        }
    ]
    ok(applicant.patch(f"/cases/{cid}", {"form": {**form, "builder_duties": duties}}))
    ok(applicant.take(cid, "submit"))
    ok(regulator.take(cid, "pass_preliminary_review", {"opinions": "通过"}))
    conclude(cid, "review", conclusion="recommend")
    ok(regulator.take(cid, "record_review_report"))
    clock.set(2025, 6, 30)
    body = ok(
        regulator.take(
            cid,
            "approve_construction",
            {"document_number": "沪市监计量〔2025〕88号", "document_date": "2025-06-30"},
        )
    )
    return cid, body


def _org(key):
    from metrohub.organisations.models import Organisation

    return Organisation.objects.get(name={"sh-bio": "上海示例生物医药研究所"}[key]).pk


def test_shanghai_joint_application_through_its_self_check(api, clock, form, conclude):
    cid, body = _shanghai_to_construction(api, clock, form, conclude)
    construction = obligation(body, "construction_period")
    assert (construction["due"], construction["indicative"], construction["article"]) == (
        "2028-06-30",
        True,
        "三(五)1",
    )
    applicant, regulator = api("sh_applicant"), api("sh_regulator")
    # the co-builder's staff see the case but do not act for the lead builder
    assert ok(api("sh_cobuilder").get(f"/cases/{cid}"))["available_transitions"] == []
    ok(api("sh_cobuilder").take(cid, "withdraw"), 403)
    clock.set(2025, 11, 20)
    for code in (
        "self_check_record",
        "acceptance_application",
        "construction_summary",
        "capability_plan",
    ):
        ok(applicant.upload(cid, code), 201)
    no_check = ok(applicant.take(cid, "request_acceptance"), 409)
    assert "自查" in no_check["message"]
    items = [{"item": "计量标准考核", "met": True}, {"item": "质量体系运行", "met": False}]
    ok(applicant.post(f"/cases/{cid}/self-check", {"items": items}))
    ok(applicant.take(cid, "request_acceptance"), 409)
    items[1]["met"] = True
    ok(applicant.post(f"/cases/{cid}/self-check", {"items": items}))
    body = ok(applicant.take(cid, "request_acceptance"))
    assert body["state"] == "acceptance_review"
    clock.set(2025, 12, 1)
    body = ok(
        regulator.take(
            cid,
            "request_acceptance_supplement",
            {"defects": ["补充典型案例"], "opinions": "补充", "deadline_count": 20},
        )
    )
    # 20 days from Monday 1 December 2025 end on Sunday 21 December: moved to Monday 22nd
    assert obligation(body, "acceptance_supplement_period")["due"] == "2025-12-22"
    ok(applicant.upload(cid, "construction_summary", PDF + b"v2"), 201)
    ok(applicant.take(cid, "resubmit_acceptance", {"defect_answers": ["已补充典型案例"]}))
    ok(regulator.take(cid, "schedule_onsite_acceptance", {"panel": ["专家甲", "专家乙"]}))
    paper = {"members": ["专家甲", "专家乙"], "reason": "现场验收"}
    ok(
        regulator.take(
            cid,
            "record_onsite_pass",
            {"conclusion": "pass", "opinions": "通过", "paper_panel": paper},
        )
    )
    missing = ok(
        regulator.take(
            cid,
            "establish",
            {"document_number": "沪市监计量〔2026〕1号", "document_date": "2025-12-01"},
        ),
        422,
    )
    assert missing["errors"][0]["field"] == "materials.revised_acceptance_materials"
    ok(applicant.upload(cid, "revised_acceptance_materials"), 201)
    body = ok(
        regulator.take(
            cid,
            "establish",
            {"document_number": "沪市监计量〔2025〕120号", "document_date": "2025-12-01"},
        )
    )
    assert body["state"] == "established"


def test_shanghai_major_event_in_5_working_days(api, clock, form, conclude):
    cid, _body = _shanghai_to_construction(api, clock, form, conclude)
    clock.set(2025, 10, 10)
    director = api("sh_director")
    ob = ok(
        director.post(
            f"/cases/{cid}/reports/major_event", {"occurred_on": "2025-09-30", "text": "主任变更"}
        ),
        201,
    )
    # 1–8 October is the holiday, Saturday 11 October is worked: 9, 10, 11, 13, 14 October
    assert (ob["due"], ob["state"], ob["article"]) == ("2025-10-14", "met", "五(二)")
    ok(
        api("sh_applicant").post(
            f"/cases/{cid}/reports/major_event", {"occurred_on": "2025-09-30", "text": "x"}
        ),
        403,
    )
    ok(
        director.post(f"/cases/{cid}/reports/nothing", {"occurred_on": "2025-09-30", "text": "x"}),
        404,
    )


def test_mail_goes_to_the_next_actors(api, clock, form):
    cid = _new(api, "applicant", form)["id"]
    ok(api("applicant").upload(cid, "application_form"), 201)
    mail.outbox.clear()
    ok(api("applicant").take(cid, "submit_for_endorsement"))
    assert [m.to for m in mail.outbox] == [["cq_authority@demo.metrohub.localhost"]]
    assert "主管部门" in mail.outbox[0].body or "endorse" in mail.outbox[0].body


def test_draft_edits_are_the_applicants_while_editable(api, clock, form):
    cid = _new(api, "applicant", form)["id"]
    body = {"center_name": "新名称"}
    assert ok(api("applicant").patch(f"/cases/{cid}", body))["center_name"] == "新名称"
    assert ok(api("regulator").patch(f"/cases/{cid}", body), 403)
    assert ok(api("hb_regulator").patch(f"/cases/{cid}", body), 404)
    bad = ok(api("applicant").patch(f"/cases/{cid}", {"form": {"team": [{"name": ""}]}}), 422)
    assert bad["errors"][0]["field"] == "form.team.0.name"
    ok(api("applicant").upload(cid, "application_form"), 201)
    ok(api("applicant").take(cid, "submit_for_endorsement"))
    assert ok(api("applicant").patch(f"/cases/{cid}", body), 409)

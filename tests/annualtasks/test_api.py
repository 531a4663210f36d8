"""The annual tasks through the API (Chongqing 第二十七条): opened by the daily job on 1 January,
drawn up and issued by the regulator, reported on with evidence by the center across the Spring
Festival, returned and reported again in working days, assessed item by item and as a whole, the
result shown to the center."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command

from metrohub.annualtasks.models import TaskItem
from metrohub.cases.models import Case
from metrohub.eventlog.services import history

from .conftest import PDF

pytestmark = pytest.mark.django_db

ITEMS = [
    {
        "title": "新增计量测试服务能力",
        "description": "围绕智能网联汽车新增校准、测试能力",
        "target": "新增计量测试服务能力不少于10项",
        "target_value": "10",
        "target_unit": "项",
        "weight": 40,
    },
    {
        "title": "服务企业",
        "target": "为产业链企业提供计量测试服务",
        "target_value": "50",
        "target_unit": "家",
        "weight": 30,
    },
    {"title": "制定技术规范", "target": "完成1项地方计量技术规范报批", "weight": 30},
]


def obligation(body, code):
    (found,) = [o for o in body["deadlines"] if o["code"] == code]
    return found


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def test_annual_tasks_from_issue_to_assessment(chongqing, api, today, world):
    regulator, director = api("cq_regulator"), api("cq_tasks_director")
    district = api("cq_district")
    # 1 January 2026: the daily job opens the year's tasks, due to be issued by Tuesday 31 March
    today(2026, 1, 1)
    call_command("remind", "--on", "2026-01-01", stdout=io.StringIO())
    case = Case.objects.get(kind="annual_tasks", center=chongqing.center)
    assert (case.period, case.state, case.rulepack_version) == ("2026", "draft", "2024")
    url = f"/cases/{case.pk}/annual-tasks"
    body = ok(regulator.get(url))
    assert (body["year"], body["state_name"], body["article"]) == (
        2026,
        "拟定年度任务",
        "第二十七条",
    )
    assert obligation(body, "annual_tasks")["due"] == "2026-03-31"

    # a measurable target without its unit names the row and field, and saves nothing
    bad = regulator.send("put", url + "/items", {"items": [{**ITEMS[0], "target_unit": ""}]})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["items.1.target_unit"]
    assert not TaskItem.objects.filter(case=case).exists()
    # weights that do not total 100 are saved but not issued
    ok(regulator.send("put", url + "/items", {"items": ITEMS[:2]}))
    refused = regulator.take(case.pk, "issue_tasks", {"deadline_count": 26})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == "各项权重合计为70，应为100。"
    body = ok(regulator.send("put", url + "/items", {"items": ITEMS}))
    assert [(i["position"], i["weight"]) for i in body["items"]] == [(1, 40), (2, 30), (3, 30)]
    assert body["total_weight"] == 100
    # the center does not see the items being drawn up, and cannot write them
    body = ok(director.get(url))
    assert (body["items_visible"], body["items"]) == (False, [])
    assert director.send("put", url + "/items", {"items": ITEMS}).status_code == 403

    # Tuesday 20 January: issued with 26 days to report; day 26 is Sunday 15 February, the first
    # day of the Spring Festival (15–23 February): the center has until Tuesday 24 February
    today(2026, 1, 20)
    body = ok(regulator.take(case.pk, "issue_tasks", {"deadline_count": 26}))
    assert (body["state"], body["state_name"]) == ("issued", "任务已下达，建设中")
    body = ok(director.get(url))
    assert obligation(body, "annual_tasks")["state"] == "met"
    assert obligation(body, "completion_report")["due"] == "2026-02-24"
    assert [i["title"] for i in body["items"]] == [i["title"] for i in ITEMS]
    assert regulator.send("put", url + "/items", {"items": ITEMS}).status_code == 409
    first, second, third = (i["id"] for i in body["items"])

    # nothing reported: submitting names every item
    refused = director.take(case.pk, "report_completion")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["items.1", "items.2", "items.3"]
    report = {
        "claimed": "completed",
        "report": "新增校准能力12项，已通过内审。",
        "achieved_value": "12",
    }
    ok(director.send("put", f"{url}/items/{first}/report", report))
    ok(
        director.send(
            "put",
            f"{url}/items/{second}/report",
            {"claimed": "partly", "report": "服务企业42家。", "achieved_value": "42"},
        )
    )
    ok(
        director.send(
            "put",
            f"{url}/items/{third}/report",
            {"claimed": "not_completed", "report": "规范已起草，尚未报批。"},
        )
    )
    # evidence is checked as the case materials are: a text file is refused, a PDF kept
    refused = director.upload(f"{url}/items/{first}/evidence", b"just text", "note.pdf")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["file"]
    evidence = ok(director.upload(f"{url}/items/{first}/evidence"), 201)
    assert evidence["sha256"] == hashlib.sha256(PDF).hexdigest()
    # the regulator does not report for the center
    assert regulator.send("put", f"{url}/items/{first}/report", report).status_code == 403

    # Thursday 12 February: reported, on time
    today(2026, 2, 12)
    ok(director.take(case.pk, "report_completion"))
    body = ok(director.get(url))
    assert (body["state_name"], obligation(body, "completion_report")["state"]) == (
        "完成情况已报送",
        "met",
    )
    assert director.send("put", f"{url}/items/{first}/report", report).status_code == 409

    # Friday 13 February: returned with 5 working days: Saturday 14 February is a working day
    # (调休), the Spring Festival is skipped, days 2–5 are 24–27 February
    today(2026, 2, 13)
    ok(
        regulator.take(
            case.pk, "return_completion", {"reasons": "请补充服务企业名单。", "deadline_count": 5}
        )
    )
    body = ok(director.get(url))
    assert body["state_name"] == "退回补充完成情况"
    assert obligation(body, "completion_resubmission")["due"] == "2026-02-27"
    today(2026, 2, 27)
    ok(director.upload(f"{url}/items/{second}/evidence", PDF, "服务企业名单.pdf"), 201)
    ok(director.take(case.pk, "report_completion"))
    assert obligation(ok(director.get(url)), "completion_resubmission")["state"] == "met"

    # the regulator assesses each item and the whole
    refused = regulator.take(case.pk, "assess_tasks")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {
        "items.1",
        "items.2",
        "items.3",
        "grade",
    }
    over = regulator.send(
        "put", f"{url}/items/{first}/assessment", {"outcome": "completed", "score": "40.5"}
    )
    assert over.status_code == 422
    assert [e["field"] for e in over.json()["errors"]] == ["score"]
    assert (
        regulator.send("put", f"{url}/assessment", {"grade": "pass"}).status_code == 409
    )  # items first
    for item, outcome, score in (
        (first, "completed", "40"),
        (second, "partly", "24.5"),
        (third, "not_completed", "18"),
    ):
        ok(
            regulator.send(
                "put",
                f"{url}/items/{item}/assessment",
                {"outcome": outcome, "score": score, "comment": "已核实"},
            )
        )
    body = ok(
        regulator.send("put", f"{url}/assessment", {"grade": "pass", "comment": "总体完成较好。"})
    )
    assert body["assessment"]["total"] == "82.5"
    # until the result is recorded, the center does not see the assessment
    body = ok(director.get(url))
    assert body["assessment"] is None
    assert {i["score"] for i in body["items"]} == {None}

    # Monday 2 March: the result recorded, citing 第二十七条
    today(2026, 3, 2)
    done = ok(regulator.take(case.pk, "assess_tasks"))
    assert (done["state"], done["state_name"]) == ("assessed", "已考核")
    (event,) = history(case.subject).filter(action="transition.assess_tasks")
    assert event.article == "第二十七条"
    assert event.payload["evaluation_result"] == "合格（总分82.5分，满分100分）"
    body = ok(director.get(url))
    assert body["result"] == "合格（总分82.5分，满分100分）"
    assert (body["assessment"]["grade_name"], body["assessment"]["total"]) == ("合格", "82.5")
    assert [(i["outcome_name"], i["score"]) for i in body["items"]] == [
        ("已完成", "40.0"),
        ("部分完成", "24.5"),
        ("未完成", "18.0"),
    ]
    assert regulator.send("put", f"{url}/assessment", {"grade": "fail"}).status_code == 409

    # the evidence is read by those who see the case, and by nobody else
    file_url = f"{url}/evidence/{evidence['id']}"
    for reader in (director, district, regulator):
        got = reader.get(file_url)
        assert got.status_code == 200
        assert got["X-Content-SHA256"] == hashlib.sha256(PDF).hexdigest()
    for outsider in ("hb_regulator", "sh_director", "cq_director"):
        assert api(outsider).get(file_url).status_code == 404
        assert api(outsider).get(url).status_code == 404


def test_the_daily_job_opens_one_case_a_year(chongqing, world):
    for day in ("2026-01-01", "2026-01-01", "2026-02-10"):
        call_command("remind", "--on", day, stdout=io.StringIO())
    assert Case.objects.filter(kind="annual_tasks", center=chongqing.center).count() == 1
    call_command("remind", "--on", "2027-01-01", stdout=io.StringIO())
    assert sorted(
        Case.objects.filter(kind="annual_tasks", center=chongqing.center).values_list(
            "period", flat=True
        )
    ) == ["2026", "2027"]
    opened = Case.objects.get(kind="annual_tasks", period="2027", center=chongqing.center)
    (ob,) = opened.obligations.all()
    assert (ob.deadline.due, ob.article) == (dt.date(2027, 3, 31), "第二十七条")

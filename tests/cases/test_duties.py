"""Duty schedules: `metrohub remind --on DATE` opens the cases the packs make due, once; cases of
other kinds opened by hand through the API and listed by kind."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.cases import services
from metrohub.cases.models import Case, Obligation
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.legaltime.models import StoredDeadline
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def _built(world, code, stage, name, start):
    with services.quiet(), clock(start) as clk:
        case = walk(new_case(world, code, name=name), path_to(registry().latest(code), stage), clk)
    case.refresh_from_db()
    return case


@pytest.fixture
def centers(world):
    """A Chongqing center established on Sunday 20 December 2021, a Hubei one established on
    1 March 2024, a Shanghai one under construction whose period ends on 31 March 2027."""
    cq = _built(
        world, "chongqing", "established", "重庆市示范产业计量测试中心", dt.date(2025, 3, 3)
    )
    hb = _built(world, "hubei", "established", "湖北省示范产业计量测试中心", dt.date(2025, 3, 3))
    sh = _built(
        world, "shanghai", "construction", "上海市示范产业计量测试中心", dt.date(2025, 3, 3)
    )
    type(cq.center).objects.filter(pk=cq.center_id).update(established_on=dt.date(2021, 12, 20))
    type(hb.center).objects.filter(pk=hb.center_id).update(established_on=dt.date(2024, 3, 1))
    # the registry's centers in preparation entered it on 2 January 2025 (not on the test's day)
    type(cq.center).objects.filter(status="preparing", cases__isnull=True).update(
        created_at=dt.datetime(2025, 1, 2, 9, tzinfo=dt.UTC)
    )
    period = sh.obligations.get(code="construction_period")
    StoredDeadline.objects.filter(pk=period.deadline_id).update(due=dt.date(2027, 3, 31))
    type(period).objects.filter(pk=period.pk).update(due_on=dt.date(2027, 3, 31))
    # the Chongqing center's director (the demo's director works for another organisation)
    director = User.objects.create(username="cq_auto_director", email="d@example.com")
    RoleAssignment.objects.create(
        user=director,
        role=Role.CENTER_DIRECTOR,
        organisation=cq.applicant,
        jurisdiction=cq.applicant.jurisdiction,
    )
    world["users"][director.username] = director
    return {"chongqing": cq, "hubei": hb, "shanghai": sh}


def _opened():
    return sorted(
        (c.center.code, c.kind, c.schedule, c.period, c.obligations.get().deadline.due)
        for c in Case.objects.exclude(schedule="").select_related("center")
    )


def test_remind_on_opens_exactly_the_duties_due_and_never_twice(centers):
    cq, hb, sh = (centers[k].center.code for k in ("chongqing", "hubei", "shanghai"))
    out = StringIO()
    call_command("remind", "--on", "2026-12-01", stdout=out)
    assert out.getvalue().splitlines()[0] == "duties opened 15"
    # each duty's obligation keeps its deadline's due date
    opened = Obligation.objects.filter(opened_by__startswith="schedule:")
    assert opened.count() == 15
    assert [(o.due_on, o.deadline.due) for o in opened if o.due_on != o.deadline.due] == []
    assert _opened() == sorted(
        [
            # the registry's centers established before the platform (no case here) answer to
            # their province's pack all the same: Chongqing's established ones report and get
            # their tasks; recorded at municipal level, no district bureau inspects them
            ("CQ-AUTO", "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            ("CQ-AUTO", "annual_tasks", "annual_tasks", "2026", dt.date(2026, 3, 31)),
            ("CQ-INSTR", "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            ("CQ-INSTR", "annual_tasks", "annual_tasks", "2026", dt.date(2026, 3, 31)),
            # in preparation since before the opening days: its report and its tasks
            ("CQ-MATERIAL", "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            ("CQ-MATERIAL", "annual_tasks", "annual_tasks", "2026", dt.date(2026, 3, 31)),
            ("HB-AUTO", "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            ("HB-OPTO", "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            # Shanghai's report (五(二)) is the construction period's: SH-BIO's, not SH-IC's
            ("SH-BIO", "annual_report", "annual_report", "2026", dt.date(2026, 11, 30)),
            # Chongqing art. 27 (2024 revision): the year's tasks, by 31 March (a Tuesday)
            (cq, "annual_tasks", "annual_tasks", "2026", dt.date(2026, 3, 31)),
            # 年度信息报送: by 31 December (a Thursday)
            (cq, "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            # the district bureau's yearly inspection, opened on 1 January
            (cq, "inspection", "inspection_due", "2026", dt.date(2026, 12, 31)),
            # five years on Sunday 20 December 2026: the next working day, Monday the 21st
            (cq, "five_year_review", "five_year_review", "2026", dt.date(2026, 12, 21)),
            # Hubei art. 21: by 31 December
            (hb, "annual_report", "annual_report", "2026", dt.date(2026, 12, 31)),
            # Shanghai 五(二): by the end of November (Monday 30 November 2026), already late
            (sh, "annual_report", "annual_report", "2026", dt.date(2026, 11, 30)),
        ]
    )
    again = StringIO()
    call_command("remind", "--on", "2026-12-01", stdout=again)
    assert again.getvalue().splitlines()[0] == "duties opened 0"
    assert Case.objects.exclude(schedule="").count() == 15
    # 90 days before the construction period ends, Shanghai's evaluation (五(一)) opens
    call_command("remind", "--on", "2026-12-30", stdout=out)
    assert Case.objects.exclude(schedule="").count() == 15
    call_command("remind", "--on", "2026-12-31", stdout=out)
    evaluation = Case.objects.get(kind="construction_evaluation")
    assert (evaluation.center.code, evaluation.period) == (sh, "2027-03-31")
    assert evaluation.obligations.get().deadline.due == dt.date(2027, 3, 31)
    assert evaluation.obligations.get().article == "五(一)"
    # every opened case cites its article in its first event
    from metrohub.eventlog.services import history

    first = history(evaluation.subject)[0]
    assert (first.action, first.article) == ("case.opened", "五(一)")


def test_a_case_of_another_kind_is_opened_by_hand_and_listed_by_kind(centers, api, clock):
    clock.set(2025, 9, 26)
    code = centers["chongqing"].center.code
    district, regulator = api("district"), api("regulator")
    body = ok(district.post("/cases", {"kind": "inspection", "center": code}), 201)
    assert (body["kind"], body["kind_name"], body["state"], body["state_name"]) == (
        "inspection",
        "监督检查",
        "open",
        "待检查",
    )
    assert body["center_code"] == code
    assert [t["name"] for t in body["available_transitions"]] == ["record_findings"]
    # the applicant's staff do not inspect; a center outside one's scope is not found
    assert (
        api("applicant").post("/cases", {"kind": "inspection", "center": code}).status_code == 403
    )
    sh_code = centers["shanghai"].center.code
    assert district.post("/cases", {"kind": "inspection", "center": sh_code}).status_code == 404
    unknown = district.post("/cases", {"kind": "lottery", "center": code})
    assert unknown.status_code == 422
    # the five-year review concerns established centers only and is opened by the regulator
    assert ok(regulator.post("/cases", {"kind": "five_year_review", "center": code}), 201)
    listed = ok(regulator.get("/cases?kind=inspection"))
    assert [(c["id"], c["kind"]) for c in listed] == [(body["id"], "inspection")]
    establishment = ok(regulator.get("/cases?kind=establishment"))
    assert {c["kind"] for c in establishment} == {"establishment"}
    assert centers["chongqing"].pk in {c["id"] for c in establishment}


def test_an_inspection_across_national_day_and_spring_festival(centers, api, clock):
    code = centers["chongqing"].center.code
    district, director = api("district"), api("cq_auto_director")

    def inspect(day, count):
        clock.set(*day)
        case = ok(district.post("/cases", {"kind": "inspection", "center": code}), 201)
        cid = case["id"]
        items = registry().latest("chongqing").procedure("inspection").checklist
        findings = {
            "findings": ["设备台账不完整", "人员培训记录缺失"],
            "checklist": [
                {"item": i.code, "result": "finding" if n == 0 else "conforming", "note": "台账"}
                for n, i in enumerate(items)
            ],
        }
        assert ok(district.take(cid, "record_findings", findings))["state"] == "inspected"
        order = {"reasons": "限期整改上述问题", "deadline_count": count}
        body = ok(district.take(cid, "order_rectification", order))
        (ob,) = [o for o in body["obligations"] if o["code"] == "inspection_rectification"]
        return cid, ob

    # Friday 26 September 2025 + 10 days = Monday 6 October, inside National Day (1–8
    # October): the period runs to the first working day after it, Thursday 9 October
    cid, ob = inspect((2025, 9, 26), 10)
    assert ob["due"] == "2025-10-09"
    clock.set(2025, 10, 9)
    body = ok(director.take(cid, "report_rectification", {}))
    assert body["state"] == "follow_up"
    (ob,) = [o for o in body["obligations"] if o["code"] == "inspection_rectification"]
    assert ob["state"] == "met"
    assert ok(district.take(cid, "close_inspection", {}))["state"] == "closed"

    # Thursday 5 February 2026 + 10 days = Sunday 15 February, the first day of the Spring
    # Festival (15–23 February): extended to Tuesday 24 February; reported on the 25th: late
    cid, ob = inspect((2026, 2, 5), 10)
    assert ob["due"] == "2026-02-24"
    clock.set(2026, 2, 25)
    body = ok(director.take(cid, "report_rectification", {}))
    (ob,) = [o for o in body["obligations"] if o["code"] == "inspection_rectification"]
    assert ob["state"] == "late"


def test_a_center_established_before_the_platform_answers_for_its_duties(world, api, clock):
    """CQ-AUTO (established 30 June 2023, entered in the registry by hand, no case here): its
    annual report opens for its host's director, and the regulator opens a case about it by
    hand like about any other center; another province's regulator does not find it."""
    call_command("remind", "--on", "2026-12-01", stdout=StringIO())
    report = Case.objects.get(center__code="CQ-AUTO", kind="annual_report")
    assert (report.rulepack_code, report.applicant.name, report.jurisdiction.code) == (
        "chongqing",
        "重庆市计量质量检测研究院",
        "500000",
    )
    mine = ok(api("director").get("/cases?kind=annual_report"))
    assert sorted(c["center_code"] for c in mine) == ["CQ-AUTO", "CQ-INSTR"]
    clock.set(2026, 12, 2)
    review = ok(
        api("regulator").post("/cases", {"kind": "five_year_review", "center": "CQ-AUTO"}), 201
    )
    assert (review["kind"], review["center_code"]) == ("five_year_review", "CQ-AUTO")
    other = api("hb_regulator").post("/cases", {"kind": "inspection", "center": "CQ-AUTO"})
    assert other.status_code == 404
    assert (
        api("regulator").post("/cases", {"kind": "inspection", "center": "NO-SUCH"}).status_code
        == 404
    )

"""The demo's centers with a history after establishment (metrohub.cases.history): built once for
the module, with the demo cases, in a transaction rolled back after its last test."""

import datetime as dt
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from metrohub.cases.history import NAMES
from metrohub.cases.models import Case, Obligation
from metrohub.eventlog.services import history

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # code under test may open `atomic(durable=True)`
        outer.__enter__()
        try:
            with override_settings(METROHUB_DEMO_CASES=True):
                call_command("demo", "--quiet")
            yield {code: base(code) for code in NAMES}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def base(code) -> Case:
    return Case.objects.select_related("center").get(kind="establishment", center_name=NAMES[code])


def duties(center, kind):
    return list(Case.objects.filter(center=center, kind=kind).order_by("filed_on", "pk"))


def actions(case) -> list[str]:
    return [
        e.action.removeprefix("transition.")
        for e in history(case.subject).filter(action__startswith="transition.")
    ]


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)


def reports(center):
    return [
        (c.period, c.state, actions(c), len((c.form_data or {}).get("typical_cases", [])))
        for c in duties(center, "annual_report")
    ]


RETURNED = ["submit_report", "return_report", "submit_report", "accept_report"]
ACCEPTED = ["submit_report", "accept_report"]
INSPECTED = ["record_findings", "order_rectification", "report_rectification", "close_inspection"]


def test_each_region_has_an_established_center_from_before_2025(built):
    got = {
        code: (b.rulepack_version, b.filed_on, b.state, b.center.established_on)
        for code, b in built.items()
    }
    assert got == {
        "chongqing": ("2022", dt.date(2021, 6, 1), "established", dt.date(2022, 3, 1)),
        "hubei": ("2016", dt.date(2023, 3, 1), "established", dt.date(2023, 5, 3)),
        # Shanghai's yearly report is a duty of a center under construction: established after
        # reporting on 2024 and 2025
        "shanghai": ("2023", dt.date(2023, 6, 5), "established", dt.date(2026, 2, 8)),
    }
    statuses = {
        code: [(c.status, c.on) for c in b.center.status_changes.order_by("on", "pk")]
        for code, b in built.items()
    }
    assert [s for s, _on in statuses["chongqing"]] == ["preparing", "established"]
    assert statuses["chongqing"][-1] == ("established", dt.date(2022, 3, 1))
    assert statuses["shanghai"][-1] == ("established", dt.date(2026, 2, 8))


def test_two_years_of_annual_reports_one_returned_then_accepted(built):
    assert reports(built["chongqing"].center) == [
        ("2024", "accepted", RETURNED, 0),
        ("2025", "accepted", ACCEPTED, 0),
    ]
    assert reports(built["hubei"].center) == [
        ("2024", "accepted", ACCEPTED, 0),
        ("2025", "accepted", RETURNED, 0),
    ]
    assert reports(built["shanghai"].center) == [
        ("2024", "accepted", RETURNED, 1),  # with its typical case (五(二))
        ("2025", "accepted", ACCEPTED, 1),
    ]
    # opened by the schedule on its opening day, submitted before the due date
    shanghai = duties(built["shanghai"].center, "annual_report")
    assert [(c.filed_on, c.obligations.get(code="annual_report").state) for c in shanghai] == [
        (dt.date(2024, 10, 31), "met"),
        (dt.date(2025, 10, 31), "met"),
    ]
    returned = shanghai[0].form_data
    assert returned["figures"]["verifications"] == 1860  # corrected after the comments


def test_an_inspection_with_findings_rectified_and_closed(built):
    from metrohub.inspections.models import ChecklistResult

    got = {}
    for code, b in built.items():
        (case,) = [c for c in duties(b.center, "inspection") if c.state == "closed"]
        order = case.obligations.get(code="inspection_rectification")
        got[code] = (
            case.schedule,
            case.filed_on,
            actions(case),
            list(
                ChecklistResult.objects.filter(case=case, result="finding").values_list(
                    "item", flat=True
                )
            ),
            order.deadline.due,
            order.state,
        )
    assert got == {
        # the district's yearly inspection (art. 27), opened on 1 January
        "chongqing": (
            "inspection_due",
            dt.date(2025, 1, 1),
            INSPECTED,
            ["main_tasks", "conditions_kept"],
            dt.date(2025, 7, 14),  # by Sunday 13 July: the next working day
            "met",
        ),
        # unannounced
        "hubei": ("", dt.date(2025, 9, 16), INSPECTED, ["services"], dt.date(2025, 10, 20), "met"),
        "shanghai": (
            "",
            dt.date(2025, 5, 20),
            INSPECTED,
            ["research_projects", "capability_plan"],
            dt.date(2025, 6, 23),
            "met",
        ),
    }
    # the district reported its 2025 inspections to the municipal bureau
    from metrohub.inspections.models import DistrictReport

    report = DistrictReport.objects.get(district=built["chongqing"].district, year=2025)
    assert (report.state, report.submitted_on) == ("submitted", dt.date(2026, 1, 15))
    assert [r["center"] for r in report.inspections["inspections"]] == [
        built["chongqing"].center.code
    ]


def test_shanghai_major_event_reported_late(built):
    (ob,) = Obligation.objects.filter(case=built["shanghai"], opened_by="event:major_event")
    # occurred Monday 3 March 2025, 5 working days: by Monday 10 March; reported on 14 March
    assert (ob.deadline.due, ob.closed_on, ob.state) == (
        dt.date(2025, 3, 10),
        dt.date(2025, 3, 14),
        "late",
    )
    for code in ("chongqing", "hubei"):
        assert not Obligation.objects.filter(case=built[code], opened_by__startswith="event:")


def test_chongqing_tasks_assessed_and_review_due_in_2027(built):
    center = built["chongqing"].center
    tasks = [(c.period, c.state, actions(c)) for c in duties(center, "annual_tasks")]
    assert tasks == [
        ("2025", "assessed", ["issue_tasks", "report_completion", "assess_tasks"]),
        ("2026", "issued", ["issue_tasks"]),
    ]
    assert duties(center, "annual_tasks")[0].task_assessment.total == 92
    (review,) = duties(center, "five_year_review")
    ob = review.obligations.get(code="five_year_review")
    assert (review.filed_on, review.state, review.period) == (dt.date(2026, 9, 2), "open", "2027")
    assert (ob.deadline.due, ob.state, ob.reminders_sent) == (dt.date(2027, 3, 1), "open", [])
    for code in ("hubei", "shanghai"):
        assert not duties(built[code].center, "five_year_review")


def test_remind_opens_only_this_years_duties_once(built):
    out = StringIO()
    call_command("remind", "--on", "2026-12-01", stdout=out)
    first = out.getvalue()
    call_command("remind", "--on", "2026-12-01", stdout=out)
    second = out.getvalue()[len(first) :]
    opened = {
        code: [
            (c.schedule, c.period)
            for c in Case.objects.filter(center=b.center, filed_on=dt.date(2026, 12, 1))
        ]
        for code, b in built.items()
    }
    assert opened == {
        "chongqing": [("annual_report", "2026")],
        "hubei": [("annual_report", "2026")],
        "shanghai": [],  # established: no more construction reports
    }
    assert second.splitlines()[:3] == [
        "duties opened 0",
        "district inspection reports opened 0",
        "reminded 0, marked overdue 0",
    ]
    # the review, due on 1 March 2027, is announced 90 days before
    review = Case.objects.get(center=built["chongqing"].center, kind="five_year_review")
    assert review.obligations.get(code="five_year_review").reminders_sent == [90]


def test_the_pages_read_in_chinese(built):
    from django.test import Client

    from metrohub.accounts.models import User
    from metrohub.core.pagetext import code_problems

    def page(username, url, *texts):
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        body = response.content.decode()
        assert code_problems(body) == [], url
        for text in texts:
            assert text in body, (url, text)

    cq, sh = built["chongqing"], built["shanghai"]
    returned = duties(cq.center, "annual_report")[0]
    page("cq_regulator", f"/cases/{returned.pk}/", "2024年12月1日")
    page("cq_regulator", f"/annual-reports/{returned.pk}/", "服务数据未区分检定、校准和检测")
    inspection = duties(cq.center, "inspection")[0]
    page(
        "cq_district",
        f"/inspections/{inspection.pk}/",
        "技术负责人变更后未及时更新人员名单",
        "2025年7月14日",
    )
    review = duties(cq.center, "five_year_review")[0]
    page("cq_regulator", f"/cases/{review.pk}/", "2027年3月1日")
    page(None, f"/centers/{cq.center.code}/", "2022年3月1日")
    page("sh_director", f"/cases/{sh.pk}/", "2025年3月10日")
    page(None, f"/centers/{sh.center.code}/", "2026年2月8日")
    hb = built["hubei"]
    (hb_inspection,) = duties(hb.center, "inspection")
    page(
        "hb_regulator", f"/inspections/{hb_inspection.pk}/", "未建立服务回访制度", "2025年10月20日"
    )
    page(None, f"/centers/{hb.center.code}/", "2023年5月3日")
    sh_report = duties(sh.center, "annual_report")[0]
    page("sh_regulator", f"/annual-reports/{sh_report.pk}/", "刻蚀设备腔室压力在线校准")
    pdf = Client()
    pdf.force_login(User.objects.get(username="sh_director"))
    text = pdf_text(pdf.get(f"/annual-reports/{sh_report.pk}/report.pdf").content)
    assert "刻蚀设备腔室压力在线校准" in text and "1860" in text
    # the center's duty calendar: what is still due, the review among it
    ics = Client().get(f"/calendars/centers/{cq.center.code}.ics").content.decode()
    lines = ics.replace("\r\n ", "").splitlines()
    events = [
        (summary.split(":", 1)[1].split(" · ")[0], start.rsplit(":", 1)[1])
        for summary, start in zip(
            [x for x in lines if x.startswith("SUMMARY:")],
            [x for x in lines if x.startswith("DTSTART")],
            strict=True,
        )
    ]
    assert ("复核期限", "20270301") in events
    assert ("年度监督检查期限", "20261231") in events


def test_the_regulators_homes_name_every_kinds_stage_and_count_the_years_inspections(built):
    """Cases of the kinds after establishment (a report, an inspection, a review) are named on
    the dashboards by their kind and their own stage, never "其他"; the district regulator
    sees the year's inspections owed, done, to do and overdue."""
    from django.utils import translation

    from metrohub.accounts.models import User
    from metrohub.dashboards.services import dashboard

    def panels(username, role, today):
        data = dashboard(user=User.objects.get(username=username), today=today)
        section = next(s for s in data["sections"] if s["role"] == role)
        return {p["key"]: p for p in section["panels"]}

    cq = built["chongqing"]
    with translation.override("zh-hans"):
        done = panels("cq_district", "district_regulator", dt.date(2025, 12, 1))
        waiting = panels("cq_district", "district_regulator", dt.date(2026, 11, 30))
        regulator = panels("cq_regulator", "programme_regulator", dt.date(2026, 11, 30))

    def figures(panel):
        return {f["label"]: f["value"] for f in panel["figures"]}

    # 2025: the one center's inspection done in July; 2026: opened on 1 January, not yet done
    assert figures(done["inspections"]) == {"本年应检查": 1, "已检查": 1, "待检查": 0, "已逾期": 0}
    assert done["inspections"]["items"] == []
    assert figures(waiting["inspections"]) == {
        "本年应检查": 1,
        "已检查": 0,
        "待检查": 1,
        "已逾期": 0,
    }
    (item,) = waiting["inspections"]["items"]
    inspection_2026 = Case.objects.get(center=cq.center, kind="inspection", period="2026")
    assert (item["stage"], item["due_label"], item["url"]) == (
        "监督检查：待检查",
        "2026年12月31日",
        f"/cases/{inspection_2026.pk}/",
    )
    stages = dict(regulator["cases_by_stage"]["rows"])
    assert (
        stages["年度信息报送：已接收"]
        == Case.objects.filter(
            kind="annual_report", state="accepted", jurisdiction__code="500000"
        ).count()
    )
    assert stages["监督检查：已办结"] == 1 and stages["满五年复核：待启动复核"] == 1
    assert "其他" not in stages
    review = next(i for i in regulator["next_actions"]["items"] if i["due_label"] == "2027年3月1日")
    assert (review["detail"], review["stage"]) == ("复核期限", "满五年复核：待启动复核")


def test_every_established_center_of_the_demo_has_standards_staff_and_certificates(built):
    """Those established through the procedure too, with their host's engineer and checker and
    its center director to approve."""
    from metrohub.centers.models import Center
    from metrohub.certificates.models import Certificate
    from metrohub.standards.models import Authorization, MeasurementStandard

    established = Center.objects.filter(status="established")
    assert established.filter(code__in=[b.center.code for b in built.values()]).count() == 3
    for center in established:
        certificates = Certificate.objects.filter(center=center)
        assert MeasurementStandard.objects.filter(center=center).count() == 2, center.code
        assert certificates.count() >= 10, center.code
        approvers = set(certificates.values_list("job__approver__username", flat=True))
        assert approvers and approvers <= set(
            Authorization.objects.filter(center=center, may_approve=True).values_list(
                "person__username", flat=True
            )
        ), center.code
    cq = built["chongqing"].center
    assert set(
        Certificate.objects.filter(center=cq).values_list("job__performer__username", flat=True)
    ) == {"cq_auto_engineer"}

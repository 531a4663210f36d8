"""The annual report through the API: opened by the daily job, figures prefilled, saved,
submitted late, returned with comments across the Spring Festival, resubmitted, accepted; the PDF
read back."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from metrohub.accounts.models import ApiToken, Role, RoleAssignment, User
from metrohub.cases import services
from metrohub.cases.models import Case
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


class Api:
    def __init__(self, client, user):
        _token, raw = ApiToken.issue(user=user, name="test")
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url):
        return self.client.get("/api/v1" + url, **self.headers)

    def send(self, method, url, body=None):
        return getattr(self.client, method)(
            "/api/v1" + url, json.dumps(body or {}), content_type="application/json", **self.headers
        )


@pytest.fixture
def hubei(world):
    """A Hubei center established on 1 June 2022, its director, and the engine's clock."""
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "hubei", name="湖北省光电产业计量测试中心")
        case = walk(case, path_to(registry().latest("hubei"), "established"), clk)
    case.refresh_from_db()
    type(case.center).objects.filter(pk=case.center_id).update(established_on=dt.date(2022, 6, 1))
    director = User.objects.create(username="hb_director", email="hbd@example.com")
    RoleAssignment.objects.create(
        user=director,
        role=Role.CENTER_DIRECTOR,
        organisation=case.applicant,
        jurisdiction=case.applicant.jurisdiction,
    )
    return case


@pytest.fixture
def today(monkeypatch):
    state = {"day": dt.date(2023, 12, 1)}
    monkeypatch.setattr(services.clock, "today", lambda: state["day"])

    def set_day(*ymd):
        state["day"] = dt.date(*ymd)

    return set_day


REPORT = {
    "summary": "本年度新增计量测试服务能力12项，完成校准服务300余次。",
    "plan": "下一年度重点建设光通信器件计量测试能力。",
    "figures": {
        "capability_lines_total": 40,
        "capability_lines_added": 12,
        "verifications": 0,
        "calibrations": 310,
        "tests": 25,
        "research_projects": 3,
        "standards_published": 2,
        "equipment_developed": 1,
        "awards": 1,
        "national_collection_cases": 0,
        "alliance_activities": 2,
        "shared_bookings": 12,
        "shared_hours_used": 30,
        "shared_organisations": 5,
        "shared_fees": 2400,
    },
    "typical_cases": [
        {
            "title": "光纤传感器在线校准",
            "industry": "光电子信息",
            "problem": "产线传感器无法离线送检",
            "method": "研制在线校准装置",
            "result": "校准周期缩短一半",
            "benefit": "年节约成本200万元",
        }
    ],
}


def test_the_report_reads_the_years_use_of_shared_equipment(hubei, world, today):
    """Bookings that count as use in 2023 (confirmed; cancelled late, whose fee stands) of the
    center's shared equipment: how many, hours used, by how many organisations, fees — not a
    refused booking, nor one of 2024, nor another center's."""
    from zoneinfo import ZoneInfo

    from metrohub.annualreports.services import known_figures
    from metrohub.sharing.models import Booking, Resource

    zone = ZoneInfo("Asia/Shanghai")
    call_command("remind", "--on", "2023-12-01", stdout=io.StringIO())
    case = Case.objects.get(kind="annual_report", center=hubei.center)
    user = world["users"]["industry_user"]
    firms = [world["organisations"][k] for k in ("hb-optics", "hb-hbmi")]

    def resource(center):
        return Resource.objects.create(
            center=center, owner=hubei.applicant, kind="instrument", name="光谱分析仪"
        )

    mine, other = resource(hubei.center), resource(world["centers"]["HB-OPTO"])

    def book(res, start, hours, status, fee, used, firm=None, late=False):
        starts = dt.datetime(*start, tzinfo=zone)
        Booking.objects.create(
            resource=res, requester=user, organisation=firm, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=hours), purpose="测试", status=status,
            fee=fee, used_hours=used, late_cancellation=late,
        )  # fmt: skip

    book(mine, (2023, 1, 1, 0, 30), 3, "confirmed", "300.00", "2.50", firms[0])  # 1 Jan, local
    book(mine, (2023, 6, 5, 9), 4, "confirmed", "400.40", "4.00", firms[1])
    book(mine, (2023, 7, 5, 9), 2, "cancelled", "200.00", None, firms[1], late=True)
    book(mine, (2023, 8, 5, 9), 2, "confirmed", "100.00", "1.25")  # a person, no organisation
    book(mine, (2023, 9, 5, 9), 2, "refused", None, None, firms[0])
    book(mine, (2024, 1, 2, 9), 2, "confirmed", "999.00", "2.00", firms[0])
    book(other, (2023, 6, 6, 9), 2, "confirmed", "888.00", "2.00", firms[0])
    figures = known_figures(case)
    assert {k: v for k, v in figures.items() if k.startswith("shared_")} == {
        "shared_bookings": 4,
        "shared_hours_used": 8,  # 2.5 + 4 + 1.25 = 7.75
        "shared_organisations": 2,
        "shared_fees": 1000,  # 300 + 400.40 + 200 + 100 = 1000.40
    }


def test_an_annual_report_from_opening_to_acceptance(hubei, client, world, today):
    regulator = Api(client, world["users"]["hb_regulator"])
    director = Api(client, User.objects.get(username="hb_director"))
    # 1 December 2023: the daily job opens the 2023 report (Hubei art. 21: by the end of
    # December); 31 December is a Sunday and 1 January 2024 New Year's Day: due Tuesday 2 January
    call_command("remind", "--on", "2023-12-01", stdout=io.StringIO())
    case = Case.objects.get(kind="annual_report", center=hubei.center)
    url = f"/cases/{case.pk}/annual-report"
    body = ok(director.get(url))
    assert (body["year"], body["due"], body["state"], body["state_name"]) == (
        2023,
        "2024-01-02",
        "draft",
        "填报中",
    )
    # the figures the platform knows are filled in: the center's published capability lines
    from metrohub.catalogue.models import CapabilityLine

    lines = CapabilityLine.objects.filter(center=hubei.center, status="published").count()
    assert lines > 0
    assert body["figures"]["capability_lines_total"] == lines
    assert body["figures"]["research_projects"] is None  # not known: the director gives it
    assert body["figures_confirmed"] is False
    assert body["needs_typical_cases"] is False  # Hubei asks for none; Shanghai does

    # incomplete: submitting is refused, naming what is missing
    refused = director.send("post", f"/cases/{case.pk}/transitions/submit_report")
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"summary", "plan", "figures"}
    # the regulator does not fill in the report
    assert regulator.send("put", url, REPORT).status_code == 403
    # a figure out of bounds names its field and saves nothing
    bad = director.send("put", url, {**REPORT, "figures": {**REPORT["figures"], "tests": -1}})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"figures.tests"}
    assert Case.objects.get(pk=case.pk).form_data == {}

    saved = ok(director.send("put", url, REPORT))
    assert saved["figures"] == REPORT["figures"] and saved["figures_confirmed"] is True
    # submitted on Wednesday 3 January 2024, a day late
    today(2024, 1, 3)
    body = ok(director.send("post", f"/cases/{case.pk}/transitions/submit_report"))
    assert body["state"] == "submitted"
    (due,) = [o for o in body["obligations"] if o["code"] == "annual_report"]
    assert (due["due"], due["state"], due["article"]) == ("2024-01-02", "late", "第二十一条")
    assert ok(director.get(url))["late"] is True
    # a submitted report is not changed
    assert director.send("put", url, REPORT).status_code == 409

    # returned on Thursday 5 February 2026 with 10 days to resubmit: day 10 is Sunday
    # 15 February, the first day of the Spring Festival (15–23 February): Tuesday 24 February
    today(2026, 2, 5)
    comment = "请补充典型案例的经济效益测算依据。"
    body = ok(
        regulator.send(
            "post",
            f"/cases/{case.pk}/transitions/return_report",
            {"payload": {"reasons": comment, "deadline_count": 10}},
        )
    )
    assert body["state"] == "returned"
    (resubmit,) = [o for o in body["obligations"] if o["code"] == "report_resubmission"]
    assert resubmit["due"] == "2026-02-24"
    assert [c["text"] for c in ok(director.get(url))["comments"]] == [comment]
    # resubmitted on the 24th: on time
    today(2026, 2, 24)
    changed = {**REPORT, "summary": REPORT["summary"] + "经济效益按节约的送检费用测算。"}
    ok(director.send("put", url, changed))
    body = ok(director.send("post", f"/cases/{case.pk}/transitions/submit_report"))
    (resubmit,) = [o for o in body["obligations"] if o["code"] == "report_resubmission"]
    assert resubmit["state"] == "met"
    body = ok(regulator.send("post", f"/cases/{case.pk}/transitions/accept_report"))
    assert (body["state"], body["state_name"]) == ("accepted", "已接收")

    # the PDF reads back: the center, the year, the summary as resubmitted, the figures, late
    pdf = director.get(url + ".pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.getvalue())).pages)
    text = text.replace("\n", "").replace(" ", "")
    assert "湖北省光电产业计量测试中心2023年度年度工作总结报告" in text
    assert "经济效益按节约的送检费用测算。" in text
    assert "光纤传感器在线校准" in text
    assert "逾期报送" in text
    assert "310" in text


def test_another_center_does_not_see_the_report(hubei, client, world, today):
    call_command("remind", "--on", "2023-12-01", stdout=io.StringIO())
    case = Case.objects.get(kind="annual_report", center=hubei.center)
    for username in ("cq_regulator", "sh_director", "cq_director"):
        outsider = Api(client, world["users"][username])
        assert outsider.get(f"/cases/{case.pk}/annual-report").status_code == 404
        assert outsider.send("put", f"/cases/{case.pk}/annual-report", REPORT).status_code == 404
    # a case of another kind has no annual report
    regulator = Api(client, world["users"]["hb_regulator"])
    assert regulator.get(f"/cases/{hubei.pk}/annual-report").status_code == 404

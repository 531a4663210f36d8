"""The district bureau's yearly report to the municipal bureau (Chongqing art. 27): opened by the
daily job for each district on 1 January, due by 31 January (moved past a weekend), the year's
inspections from the records, the district's summary, submitted — late if after its due date —
and read by the programme regulator; other districts do not see it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from metrohub.inspections.models import DistrictReport

from .conftest import establish, ok
from .test_services import conforming

pytestmark = pytest.mark.django_db


@pytest.fixture
def centers(world):
    return {
        "auto": establish(world, "CQ-AUTO", "500112"),
        "instr": establish(world, "CQ-INSTR", "500112"),
        "material": establish(world, "CQ-MATERIAL", "500107"),
    }


def remind(day) -> str:
    out = StringIO()
    call_command("remind", "--on", day, stdout=out)
    return out.getvalue()


def test_the_daily_job_opens_one_report_per_district_and_year(centers, clock):
    clock.set(2026, 1, 1)
    assert "district inspection reports opened 2" in remind("2026-01-01")
    assert "district inspection reports opened 0" in remind("2026-01-01")
    assert "district inspection reports opened 0" in remind("2026-01-05")
    reports = DistrictReport.objects.order_by("district__code")
    assert [(r.district.code, r.year, r.state) for r in reports] == [
        ("500107", 2025, "draft"),
        ("500112", 2025, "draft"),
    ]
    # 31 January 2026 is a Saturday: due on Monday 2 February
    assert {r.deadline.due for r in reports} == {dt.date(2026, 2, 2)}
    assert {(r.article, r.schedule) for r in reports} == {
        ("第二十七条", "district_inspection_report")
    }


def test_no_report_under_the_2022_text(world, clock):
    establish(world, "CQ-AUTO", "500112", version="2022")
    # before the 2024 revision was in force, art. 27 asked no report of the districts
    assert "district inspection reports opened 0" in remind("2024-01-01")
    assert "district inspection reports opened 1" in remind("2025-01-01")
    assert DistrictReport.objects.get().year == 2024


def test_the_report_from_the_records_to_the_regulator(centers, api, clock, other_district):
    clock.set(2025, 9, 26)
    district = api("district")
    cid = ok(district.post("/cases", {"kind": "inspection", "center": "CQ-AUTO"}), 201)["id"]
    ok(district.take(cid, "record_findings", {"checklist": conforming("operation")}))
    order = {"reasons": "整改", "rectify_by": "2025-10-06"}
    ok(district.post(f"/cases/{cid}/inspection/rectification-order", order))
    clock.set(2026, 1, 1)
    remind("2026-01-01")
    mine = DistrictReport.objects.get(district__code="500112")
    theirs = DistrictReport.objects.get(district__code="500107")

    body = ok(district.get(f"/district-inspection-reports/{mine.pk}"))
    assert (body["year"], body["district_name"], body["due"], body["state_name"]) == (
        2025,
        "渝北区",
        "2026-02-02",
        "编写中",
    )
    assert body["inspections"] == [
        {
            "case": cid,
            "center": "CQ-AUTO",
            "center_name": "重庆市汽车零部件产业计量测试中心",
            "filed_on": "2025-09-26",
            "stage": "整改中",
            "findings": [{"item": "中心运行情况", "note": "设备台账不完整"}],
            "rectify_by": "2025-10-09",
            "rectification": "已逾期",
        }
    ]
    assert [c["center"] for c in body["not_inspected"]] == ["CQ-INSTR"]
    # another district's report is not found; the director reads none; the regulator cannot write
    assert district.get(f"/district-inspection-reports/{theirs.pk}").status_code == 404
    assert [r["district"] for r in ok(district.get("/district-inspection-reports"))] == ["500112"]
    assert api("director").get("/district-inspection-reports").status_code == 403
    regulator = api("regulator")
    summary = {"summary": "全年检查1家中心，发现问题1项，已责令整改。"}
    assert (
        regulator.send("put", f"/district-inspection-reports/{mine.pk}", summary).status_code == 403
    )
    # nothing to submit without a summary
    assert district.post(f"/district-inspection-reports/{mine.pk}/submit").status_code == 422

    ok(district.send("put", f"/district-inspection-reports/{mine.pk}", summary))
    clock.set(2026, 2, 3)
    body = ok(district.post(f"/district-inspection-reports/{mine.pk}/submit"))
    assert (body["state"], body["submitted_on"], body["late"]) == ("submitted", "2026-02-03", True)
    assert district.post(f"/district-inspection-reports/{mine.pk}/submit").status_code == 409
    # the municipal bureau reads both districts' reports, this one as submitted
    listed = ok(regulator.get("/district-inspection-reports?year=2025"))
    assert [(r["district"], r["state"]) for r in listed] == [
        ("500107", "draft"),
        ("500112", "submitted"),
    ]
    read = ok(regulator.get(f"/district-inspection-reports/{mine.pk}"))
    assert read["summary"] == summary["summary"]
    # the submitted report keeps the inspections as they stood
    clock.set(2026, 2, 4)
    assert ok(api("director").take(cid, "report_rectification"))["state"] == "follow_up"
    assert read["inspections"][0]["stage"] == "整改中"
    assert (
        ok(regulator.get(f"/district-inspection-reports/{mine.pk}"))["inspections"]
        == read["inspections"]
    )
    assert api("cq_jlp_district").get(f"/district-inspection-reports/{mine.pk}").status_code == 404

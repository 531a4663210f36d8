"""The inspection pages and endpoints: URL × role, the checklist as a form with Chinese labels
(no codes), errors naming the item and changing nothing, the lists' queries not growing."""

import datetime as dt

import pytest
from django.utils.html import escape

from metrohub.cases.models import Case
from metrohub.centers.models import Center
from metrohub.inspections.models import ChecklistResult, DistrictReport
from metrohub.legaltime.services import store_deadline

from .conftest import establish

pytestmark = pytest.mark.django_db

OUTSIDE = {"industry": 403, "staff": 403}
READERS = {"anonymous": 302, "admin": 200, "regulator": 200, "district": 200}
ONE = {**READERS, "authority": 200, "director": 200}


def inspection(world, center="CQ-AUTO", district="500112", day=dt.date(2025, 9, 26)):
    c = world["centers"][center]
    return Case.objects.create(
        kind="inspection",
        rulepack_code="chongqing",
        rulepack_version="2024",
        state="open",
        filed_on=day,
        applicant=c.host,
        jurisdiction=world["jurisdictions"]["500000"],
        district=world["jurisdictions"][district],
        center=c,
        center_name=c.name,
    )


def report(world, district="500112", year=2025):
    return DistrictReport.objects.create(
        district=world["jurisdictions"][district],
        jurisdiction=world["jurisdictions"]["500000"],
        year=year,
        rulepack_code="chongqing",
        rulepack_version="2024",
        schedule="district_inspection_report",
        article="第二十七条",
        deadline=store_deadline(start=dt.date(year + 1, 1, 1), count=30, unit="days"),
        opened_on=dt.date(year + 1, 1, 1),
    )


def test_pages_grid(check_grid, world, auto, clock):
    clock.set(2025, 10, 1)
    pk = inspection(world).pk
    foreign = inspection(world, "CQ-MATERIAL", "500107").pk
    mine, theirs = report(world).pk, report(world, "500107").pk
    check_grid(
        [
            ("GET", "/inspections/", READERS, 403),
            ("GET", f"/inspections/{pk}/", {**ONE, **OUTSIDE}, 404),
            (
                "GET",
                f"/inspections/{foreign}/",
                {**OUTSIDE, **READERS, "authority": 200, "district": 404},
                404,
            ),
            ("GET", "/inspections/999999/", {"anonymous": 302, **OUTSIDE}, 404),
            ("GET", "/inspections/reports/", READERS, 403),
            ("GET", f"/inspections/reports/{mine}/", READERS, 403),
            ("GET", f"/inspections/reports/{theirs}/", {**READERS, "district": 404}, 403),
        ]
    )


def test_api_grid(check_grid, world, auto, clock):
    clock.set(2025, 10, 1)
    pk = inspection(world).pk
    mine, theirs = report(world).pk, report(world, "500107").pk
    api_one = {**ONE, "anonymous": 401}
    readers = {**READERS, "anonymous": 401}
    check_grid(
        [
            ("GET", f"/api/v1/cases/{pk}/inspection", api_one, 404),
            ("GET", "/api/v1/cases/999999/inspection", {"anonymous": 401}, 404),
            ("GET", "/api/v1/district-inspection-reports", readers, 403),
            ("GET", f"/api/v1/district-inspection-reports/{mine}", readers, 403),
            (
                "GET",
                f"/api/v1/district-inspection-reports/{theirs}",
                {**readers, "district": 404},
                403,
            ),
        ]
    )


def test_the_checklist_form(world, auto, client_for, clock):
    clock.set(2025, 9, 26)
    case = inspection(world)
    district = client_for("district")
    html = district.get(f"/inspections/{case.pk}/").content.decode()
    for label in (
        "中心运行情况",
        "年度建设任务完成情况",
        "符合",
        "发现问题",
        "未检查",
        "依据 第八条",
    ):
        assert label in html
    # one item left blank, a finding without its note: both named, nothing saved or taken
    data = {
        "action": "record",
        "result-operation": "finding",
        "result-main_tasks": "conforming",
        "result-conditions_kept": "conforming",
        "result-annual_tasks": "conforming",
    }
    html = district.post(f"/inspections/{case.pk}/", data).content.decode()
    assert "“中心运行情况”：请说明发现的问题。" in html
    assert not ChecklistResult.objects.exists()
    data["note-operation"] = "设备台账不完整"
    html = district.post(f"/inspections/{case.pk}/", data).content.decode()
    assert "请填写“有无第三十一条规定的撤销情形”的检查结果。" in html
    assert "设备台账不完整" in html  # what was typed stays in the form
    case.refresh_from_db()
    assert case.state == "open" and not ChecklistResult.objects.exists()
    # saved as a draft, then recorded complete
    data["action"] = "save"
    assert district.post(f"/inspections/{case.pk}/", data).status_code == 302
    assert ChecklistResult.objects.count() == 4
    data.update({"action": "record", "result-revocation_grounds": "conforming"})
    assert district.post(f"/inspections/{case.pk}/", data).status_code == 302
    case.refresh_from_db()
    assert case.state == "inspected"
    html = district.get(f"/inspections/{case.pk}/").content.decode()
    assert 'data-testid="order-form"' in html and "整改期限" in html
    # ordered by a date in the past: refused beside the field
    order = {"action": "order", "reasons": "整改", "rectify_by": "2025-09-20"}
    html = district.post(f"/inspections/{case.pk}/", order).content.decode()
    assert "整改期限须晚于今天，且在十年之内。" in html
    order["rectify_by"] = "2025-10-20"
    assert district.post(f"/inspections/{case.pk}/", order).status_code == 302
    html = district.get(f"/inspections/{case.pk}/").content.decode()
    assert "2025年10月20日" in html and "整改中" in html
    # the director reads the checklist, does not fill it in
    html = client_for("director").get(f"/inspections/{case.pk}/").content.decode()
    assert 'data-testid="checklist-form"' not in html and "设备台账不完整" in html


def test_the_report_page(world, auto, client_for, clock):
    clock.set(2026, 1, 10)
    pk = report(world).pk
    district = client_for("district")
    html = district.get(f"/inspections/reports/{pk}/").content.decode()
    assert "2025年度监督检查情况报告" in html and "重庆市汽车零部件产业计量测试中心" in html
    data = {"summary": "全年检查中心1家。", "action": "submit"}
    assert district.post(f"/inspections/reports/{pk}/", data).status_code == 302
    assert DistrictReport.objects.get(pk=pk).submitted_on == dt.date(2026, 1, 10)
    html = client_for("regulator").get(f"/inspections/reports/{pk}/").content.decode()
    assert "全年检查中心1家。" in html and "已报送" in html and 'data-testid="late"' not in html


def _centers(world, n):
    for i in range(n):
        center = Center.objects.create(
            code=f"CQ-T{i}",
            name=f"重庆市测试{i}号产业计量测试中心",
            host=world["centers"]["CQ-AUTO"].host,
            jurisdiction=world["jurisdictions"]["500000"],
            level="municipal",
            status="established",
        )
        world["centers"][center.code] = center
        establish(world, center.code)
        inspection(world, center.code)


def test_the_lists_read_in_constant_queries(
    world, auto, client_for, clock, django_assert_max_num_queries
):
    clock.set(2025, 10, 1)
    inspection(world)
    report(world)
    district, regulator = client_for("district"), client_for("regulator")
    counts = {}
    for name, client, url in (
        ("inspections", district, "/inspections/?year=2025"),
        ("reports", regulator, "/inspections/reports/"),
    ):
        with django_assert_max_num_queries(40) as few:
            assert client.get(url).status_code == 200
        counts[name] = len(few.captured_queries)
    _centers(world, 6)
    for year in range(2010, 2016):
        report(world, year=year)
    with django_assert_max_num_queries(counts["inspections"]):
        html = district.get("/inspections/?year=2025").content.decode()
    assert html.count("<tr data-case=") == 7
    with django_assert_max_num_queries(counts["reports"]):
        html = regulator.get("/inspections/reports/").content.decode()
    assert html.count("<tr data-report=") == 7


def test_an_inspection_read_in_english(world, auto, client_for, clock):
    """The list's stage, the page's title and the checklist's items were Chinese on English
    pages (待检查, 监督检查, 中心运行情况)."""
    clock.set(2025, 9, 26)
    case = inspection(world)
    district = client_for("district")
    district.cookies["metrohub_language"] = "en"
    pack = case.pack
    items = pack.procedure("inspection").checklist
    listing = district.get("/inspections/?year=2025").content.decode()
    stage = pack.stage(case.state)
    assert f"<td>{stage.name_en}</td>" in listing and stage.name_zh not in listing
    page = district.get(f"/inspections/{case.pk}/").content.decode()
    kind_zh, kind_en = pack.kind_name(case.kind)
    assert f"<small>{kind_en} · 26 September 2025</small>" in page and kind_zh not in page
    for item in items:
        assert f"<legend>{escape(item.name_en)} <small>" in page and item.name_zh not in page


def test_the_list_links_the_coverage_only_for_those_who_may_open_it(client_for, world):
    """The platform administrator reads the inspections; its link to the coverage answered 403."""
    for role, shown in (("admin", False), ("regulator", True), ("district", True)):
        client = client_for(role)
        html = client.get("/inspections/?year=2025").content.decode()
        assert ("/cases/inspections/?year=2025" in html) is shown, role
        if shown:
            assert client.get("/cases/inspections/?year=2025").status_code == 200
    assert client_for("admin").get("/cases/inspections/?year=2025").status_code == 403


def test_opening_an_inspection_says_so(world, auto, client_for, clock):
    """Opening an inspection from the list went to the empty checklist without a word."""
    clock.set(2025, 9, 26)
    district = client_for("district")
    opened = district.post("/inspections/", {"center": "CQ-AUTO"}, follow=True)
    case = Case.objects.get(kind="inspection", center__code="CQ-AUTO")
    assert opened.redirect_chain == [(f"/inspections/{case.pk}/", 302)]
    html = opened.content.decode()
    assert f"已开启对{world['centers']['CQ-AUTO'].name}的监督检查。" in html


def test_opening_a_second_inspection_beside_one_still_to_be_done_leads_to_it(
    world, auto, client_for, clock
):
    """The list offered to open an inspection of a center whose inspection of the year (opened by
    the daily job, its duty on it) was still to be carried out; a second one was opened beside
    it, and recording that one left the year's duty open."""
    clock.set(2025, 9, 26)
    waiting = inspection(world, day=dt.date(2025, 1, 1))
    opened = client_for("district").post("/inspections/", {"center": "CQ-AUTO"}, follow=True)
    assert opened.redirect_chain == [(f"/inspections/{waiting.pk}/", 302)]
    name = world["centers"]["CQ-AUTO"].name
    assert f"{name}尚有待实施的监督检查，请在此记录。" in opened.content.decode()
    assert Case.objects.filter(kind="inspection", center__code="CQ-AUTO").count() == 1
    # once it is carried out, another may be opened
    Case.objects.filter(pk=waiting.pk).update(state="inspected")
    client_for("district").post("/inspections/", {"center": "CQ-AUTO"})
    assert Case.objects.filter(kind="inspection", center__code="CQ-AUTO").count() == 2


def test_the_director_reads_what_to_rectify(world, auto, client_for, clock):
    """Ordered to rectify, the inspection's page told the director the date (整改期限 …) but
    not what the bureau ordered: the order stood only in the case's history."""
    clock.set(2025, 9, 26)
    case = inspection(world)
    Case.objects.filter(pk=case.pk).update(state="inspected")
    ChecklistResult.objects.create(
        case=case,
        item="operation",
        result="finding",
        note="台账",
        recorded_by=world["users"]["cq_district"],
    )
    order = {"action": "order", "reasons": "完善设备台账并报送整改报告", "rectify_by": "2025-10-20"}
    assert client_for("district").post(f"/inspections/{case.pk}/", order).status_code == 302
    html = client_for("director").get(f"/inspections/{case.pk}/").content.decode()
    assert "<h2>整改要求</h2><p>完善设备台账并报送整改报告</p>" in html

"""The annual reports' pages and endpoints: URL × role, Chinese labels only, the form saved from
the page, the list's queries not growing with its rows."""

import datetime as dt

import pytest

from metrohub.annualreports import services
from metrohub.cases.models import Case, Obligation
from metrohub.legaltime.services import store_deadline

pytestmark = pytest.mark.django_db


# one typical case as the report's form posts it
TYPICAL_CASE = {
    "case-0-title": "汽车零部件尺寸在线测量",
    "case-0-industry": "汽车",
    "case-0-problem": "离线测量效率低",
    "case-0-method": "在线测量系统",
    "case-0-result": "效率提升3倍",
    "case-0-benefit": "年节约100万元",
}


def report_case(world, center_code="CQ-AUTO", year="2026", district="500112"):
    """An annual report of a Chongqing demo center (host: the grid's director's organisation),
    as the daily job opens it, without walking an establishment."""
    center = world["centers"][center_code]
    case = Case.objects.create(
        kind=services.KIND,
        rulepack_code="chongqing",
        rulepack_version="2024",
        state="draft",
        filed_on=dt.date(int(year), 12, 1),
        applicant=center.host,
        jurisdiction=world["jurisdictions"]["500000"],
        district=world["jurisdictions"][district],
        center=center,
        center_name=center.name,
        schedule="annual_report",
        period=year,
    )
    Obligation.objects.create(
        case=case,
        code="annual_report",
        deadline=store_deadline(
            start=dt.date(int(year), 12, 1), count=30, unit="days", article="解读三(四)"
        ),
        article="解读三(四)",
        responsible_role="center_director",
        opened_by="schedule:annual_report",
    )
    return case


#: people who take part in no case (industry users, center staff) are refused every case page
OUTSIDE = {"industry": 403, "staff": 403}
LIST = {"anonymous": 302, "admin": 200, "regulator": 200, "district": 200, "director": 200}
ONE = {
    "anonymous": 302,
    "admin": 200,
    "regulator": 200,
    "district": 200,
    "authority": 200,
    "director": 200,
}


def test_pages_grid(check_grid, world):
    pk = report_case(world).pk
    other = Case.objects.filter(kind="establishment").values_list("pk", flat=True).first()
    check_grid(
        [
            ("GET", "/annual-reports/", LIST, 403),
            ("GET", f"/annual-reports/{pk}/", {**ONE, **OUTSIDE}, 404),
            ("GET", f"/annual-reports/{pk}/report.pdf", {**ONE, **OUTSIDE}, 404),
            ("GET", "/annual-reports/999999/", {"anonymous": 302, **OUTSIDE}, 404),
        ]
        + (
            [("GET", f"/annual-reports/{other}/", {"anonymous": 302, **OUTSIDE}, 404)]
            if other
            else []
        )
    )


def test_api_grid(check_grid, world):
    pk = report_case(world).pk
    api_one = {**ONE, "anonymous": 401}
    check_grid(
        [
            ("GET", f"/api/v1/cases/{pk}/annual-report", api_one, 404),
            ("GET", f"/api/v1/cases/{pk}/annual-report.pdf", api_one, 404),
            ("GET", "/api/v1/cases?kind=annual_report", {"anonymous": 401}, 200),
        ]
    )


def test_the_director_fills_in_the_report_on_its_page(client_for, world):
    case = report_case(world)
    director = client_for("director")
    page = director.get(f"/annual-reports/{case.pk}/")
    html = page.content.decode()
    assert "年度信息报送" in html and "填报中" in html and "2026年12月31日" in html
    # no internal code on the page
    for code in ("annual_report", "draft", "center_director", "capability_lines_total"):
        assert f">{code}<" not in html and f" {code} " not in html
    figures = {f"figure_{code}": "1" for code in services.FIGURE_CODES}
    row = {**TYPICAL_CASE, "case-1-title": ""}
    posted = director.post(
        f"/annual-reports/{case.pk}/",
        {"summary": "总结", "plan": "计划", **figures, **row},
    )
    assert posted.status_code == 302
    case.refresh_from_db()
    assert case.form_data["typical_cases"][0]["title"] == "汽车零部件尺寸在线测量"
    assert len(case.form_data["typical_cases"]) == 1
    assert case.form_data["figures"]["tests"] == 1
    # a typical case half filled in names its missing fields and saves nothing
    bad = director.post(
        f"/annual-reports/{case.pk}/",
        {"summary": "改", "plan": "计划", **figures, "case-0-title": "只有标题"},
    )
    assert bad.status_code == 200
    assert "典型案例1：请填写所属产业。" in bad.content.decode()
    case.refresh_from_db()
    assert case.form_data["summary"] == "总结"
    # the regulator reads it and cannot change it
    regulator = client_for("regulator")
    assert "汽车零部件尺寸在线测量" in regulator.get(f"/annual-reports/{case.pk}/").content.decode()
    regulator.post(f"/annual-reports/{case.pk}/", {"summary": "x", "plan": "y", **figures})
    case.refresh_from_db()
    assert case.form_data["summary"] == "总结"


def test_the_list_pages_in_constant_queries(client_for, world, django_assert_max_num_queries):
    regulator = client_for("regulator")
    report_case(world)
    regulator.get("/annual-reports/")  # warm the per-process caches (packs, translations)
    with django_assert_max_num_queries(20) as few:
        page = regulator.get("/annual-reports/")
    assert page.status_code == 200
    baseline = len(few.captured_queries)
    for year in range(2000, 2012):
        report_case(world, year=str(year))
    with django_assert_max_num_queries(baseline):
        page = regulator.get("/annual-reports/")
    html = page.content.decode()
    assert html.count("data-case=") == 13
    # a report of another district's center is not listed to the Yubei district bureau
    report_case(world, center_code="CQ-INSTR", district="500107")
    district_page = client_for("district").get("/annual-reports/").content.decode()
    assert district_page.count("data-case=") == 13


def test_the_read_report_labels_each_part_of_a_typical_case(client_for, world):
    """The regulator read a typical case as five bare paragraphs (汽车 / 离线测量效率低 / …),
    without saying which was the problem, the method, the result or the benefit."""
    case = report_case(world)
    figures = {f"figure_{code}": "1" for code in services.FIGURE_CODES}
    row = TYPICAL_CASE
    posted = client_for("director").post(
        f"/annual-reports/{case.pk}/", {"summary": "总结", "plan": "计划", **figures, **row}
    )
    assert posted.status_code == 302
    html = client_for("regulator").get(f"/annual-reports/{case.pk}/").content.decode()
    for label, value in (
        ("所属产业", "汽车"),
        ("问题", "离线测量效率低"),
        ("方法", "在线测量系统"),
        ("成效", "效率提升3倍"),
        ("效益", "年节约100万元"),
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html


def test_a_returned_report_shows_the_date_to_resubmit_by(client_for, world):
    """Returned with five days to resubmit, the report's page and the list still read 截止日期
    2026年12月31日: the director was told the year's date, not the one that now ran."""
    case = report_case(world)
    Case.objects.filter(pk=case.pk).update(state="returned")
    Obligation.objects.create(
        case=case,
        code="report_resubmission",
        deadline=store_deadline(start=dt.date(2026, 12, 3), count=5, unit="days"),
        article="解读三(四)",
        responsible_role="center_director",
        opened_by="transition:return_report",
    )
    director = client_for("director")
    html = director.get(f"/annual-reports/{case.pk}/").content.decode()
    assert '修改后重新报送期限 <strong data-testid="resubmit-by">2026年12月8日</strong>' in html
    listing = director.get("/annual-reports/").content.decode()
    assert "<td>修改后重新报送期限 2026年12月8日" in listing
    # once resubmitted, the year's due date again
    Obligation.objects.filter(case=case, code="report_resubmission").update(state="met")
    listing = director.get("/annual-reports/").content.decode()
    assert "<td>2026年12月31日" in listing and "修改后重新报送期限" not in listing

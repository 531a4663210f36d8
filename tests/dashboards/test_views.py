"""The home pages, the statistics page, their Excel exports and the JSON API: the numbers on the
page and in the files are the services' numbers; labels are Chinese; queries do not grow."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from metrohub.centers.models import Center
from metrohub.dashboards.services import dashboard, statistics
from tests.dashboards.conftest import fill

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def client(user=None) -> Client:
    c = Client()
    if user:
        c.force_login(user)
    return c


class Text(HTMLParser):
    """The visible text of the page's main part (no script, no attributes)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.inside = [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.inside = True
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.inside = False
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if self.inside and not self.skip and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def filled(programme):
    fill(programme, 2)
    return programme


@pytest.mark.parametrize("who", ["regulator", "yubei", "director", "industry"])
def test_home_shows_the_dashboard_in_chinese_without_codes(filled, who):
    user = filled["users"][who]
    response = client(user).get("/", **ZH)
    assert response.status_code == 200
    text = visible(response.content.decode())
    assert "我的工作台" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # no internal code
    english = set(re.findall(r"[A-Za-z]{3,}", text)) - {"Excel"}
    assert not english, english
    with translation.override("zh-hans"):
        data = dashboard(user=user)
    for section in data["sections"]:
        for panel in section["panels"]:
            assert panel["title"] in text
            for row in panel["rows"][:3]:
                assert str(row[0]) in text


def test_regulator_home_tables_hold_the_numbers(filled):
    html = client(filled["users"]["regulator"]).get("/", **ZH).content.decode()
    statuses = re.search(r'data-testid="table-centers_by_status">(.*?)</table>', html, re.S)
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", statuses.group(1))
    established = Center.objects.filter(jurisdiction__code__startswith="50", status="established")
    assert cells == ["状态", "中心", "筹建中", "2", "已成立", str(established.count())]
    assert 'data-dash-chart="c-programme_regulator-plan_targets"' in html
    assert 'id="c-programme_regulator-plan_targets" type="application/json"' in html
    overdue = re.search(
        r'data-testid="figure-obligations-overdue"><dt>([^<]*)</dt><dd>(\d+)</dd>', html
    )
    from metrohub.cases.models import Obligation
    from metrohub.cases.services import clock

    late = Obligation.objects.filter(
        case__jurisdiction__code="500000", deadline__due__lt=clock.today()
    )
    assert overdue.groups() == ("已逾期", str(late.count()))


def test_regulator_home_and_api_show_the_obligations_met_late(programme):
    from metrohub.cases.models import Obligation
    from metrohub.cases.services.obligations import close
    from tests.dashboards.conftest import TODAY

    fill(programme, 1)
    case = Obligation.objects.get(case__district__name="渝北区", deadline__due__lt=TODAY).case
    close(case, ["supplement_period"], TODAY)  # one met 5 days late, one 10 days early
    user = programme["users"]["regulator"]
    html = client(user).get("/", **ZH).content.decode()
    late = re.search(r'data-testid="figure-obligations-late"><dt>([^<]*)</dt><dd>(\d+)</dd>', html)
    assert late.groups() == ("逾期履行", "1")
    body = client(user).get("/api/v1/dashboard", **ZH).json()
    (panel,) = [p for p in body["sections"][0]["panels"] if p["key"] == "obligations"]
    assert {f["key"]: f["value"] for f in panel["figures"]}["late"] == 1


def test_home_query_count_does_not_grow(programme):
    from metrohub.accounts.roles import forget

    user = programme["users"]["regulator"]
    c = client(user)
    fill(programme, 1)
    with CaptureQueriesContext(connection) as few:
        c.get("/", **ZH)
    fill(programme, 10)
    forget(user)
    with CaptureQueriesContext(connection) as many:
        c.get("/", **ZH)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_excel_export_is_the_panels_table(filled):
    user = filled["users"]["yubei"]
    response = client(user).get("/dashboard/district_regulator/centers_by_industry.xlsx", **ZH)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    with translation.override("zh-hans"):
        panel = next(
            p
            for p in dashboard(user=user)["sections"][0]["panels"]
            if p["key"] == "centers_by_industry"
        )
    assert values[0][0] == "各产业领域中心数"
    assert values[1] == panel["columns"] == ["服务行业", "中心"]
    assert values[2:] == panel["rows"] == [["仪器仪表", 1], ["汽车", 1]]


def test_export_guards_formula_like_text(filled):
    Center.objects.filter(code="TYU-000").update(industry_domain="=HYPERLINK(1)")
    response = client(filled["users"]["yubei"]).get(
        "/dashboard/district_regulator/centers_by_industry.xlsx"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "'=HYPERLINK(1)" in [r[0] for r in sheet.iter_rows(values_only=True)]


def test_api_dashboard_matches_the_page_numbers(filled):
    user = filled["users"]["director"]
    body = client(user).get("/api/v1/dashboard", **ZH).json()
    with translation.override("zh-hans"):
        expected = dashboard(user=user)
    assert body["sections"][0]["role"] == "center_director"
    assert body["sections"][0]["label"] == "中心主任"
    got = {p["key"]: p for p in body["sections"][0]["panels"]}
    want = {p["key"]: p for p in expected["sections"][0]["panels"]}
    assert got.keys() == want.keys()
    for key, panel in want.items():
        assert got[key]["rows"] == panel["rows"], key
        assert got[key]["title"] == panel["title"]


def test_statistics_page_api_and_navigation(filled):
    anonymous = client()
    html = anonymous.get("/statistics/", **ZH).content.decode()
    assert "产业计量测试中心统计数据" in html
    body = anonymous.get("/api/v1/statistics", **ZH).json()
    with translation.override("zh-hans"):
        expected = statistics()
    assert [p["rows"] for p in body["panels"]] == [p["rows"] for p in expected["panels"]]
    provinces = next(p for p in body["panels"] if p["key"] == "centers_by_province")
    assert provinces["rows"] == [["重庆市", 4], ["湖北省", 2]]
    home = anonymous.get("/", **ZH).content.decode()
    assert re.search(
        r'<a href="/statistics/" data-nav="dashboards:statistics"[^>]*>统计数据</a>', home
    )
    assert 'href="/statistics/"' in home


def test_a_new_applicant_is_told_where_an_application_starts(client_for, world):
    """The empty panel read only 尚未提交申报。: nothing said where to begin."""
    html = client_for("applicant").get("/").content.decode()
    assert "尚未提交申报：请在“申报案件”页点击“新建申报”。" in html
    worklist = client_for("applicant").get("/cases/").content.decode()
    assert 'data-testid="new-case"' in worklist and "新建申报" in worklist

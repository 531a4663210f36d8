"""The list of all cases: search, filters, sorting, export, each narrowing exactly."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from metrohub.cases import services, views
from metrohub.cases.models import Case, Obligation
from metrohub.cases.walk import new_case
from metrohub.legaltime.services import store_deadline

pytestmark = pytest.mark.django_db


def _case(world, name, *, state=None, due_in_days=None):
    with services.quiet():
        case = services.create_case(
            actor=world["users"]["cq_applicant"],
            rulepack="chongqing",
            center_name=name,
            district="500112",
        )
    if state:
        Case.objects.filter(pk=case.pk).update(state=state)
    if due_in_days is not None:
        start = services.today() + dt.timedelta(days=due_in_days - 7)
        Obligation.objects.create(
            case=case,
            code="supplement_period",
            deadline=store_deadline(start=start, count=7, unit="days", rule="chongqing@2024:x"),
            kind="maximum",
            article="第十一条",
            responsible_role="applicant",
            opened_by="test",
        )
    return case


def _shown(client, query: str) -> list[int]:
    response = client.get(f"/cases/?{query}")
    assert response.status_code == 200
    return [c.pk for c in response.context["cases"]]


def test_search_narrows_to_the_matching_names(world, client_for):
    wanted = _case(world, "检索甲中心")
    other = _case(world, "其他乙中心")
    shown = _shown(client_for("regulator"), "q=检索甲")
    assert shown == [wanted.pk]
    assert other.pk not in shown


def test_stage_filter_keeps_only_that_stage(world, client_for):
    noticed = _case(world, "公示中心", state="public_notice")
    draft = _case(world, "草稿中心")
    shown = _shown(client_for("regulator"), "stage=public_notice")
    assert noticed.pk in shown and draft.pk not in shown
    assert set(Case.objects.filter(pk__in=shown).values_list("state", flat=True)) == {
        "public_notice"
    }


def test_overdue_filter_keeps_cases_past_a_maximum_deadline(world, client_for):
    late = _case(world, "逾期中心", due_in_days=-3)
    on_time = _case(world, "未逾期中心", due_in_days=30)
    plain = _case(world, "无期限中心")
    shown = _shown(client_for("regulator"), "overdue=1&q=中心")
    assert late.pk in shown
    assert on_time.pk not in shown and plain.pk not in shown
    met = Obligation.objects.get(case=late)
    Obligation.objects.filter(pk=met.pk).update(state=Obligation.State.MET)
    assert late.pk not in _shown(client_for("regulator"), "overdue=1&q=中心")


def test_a_value_not_offered_is_refused_with_a_message_and_ignored(world, client_for):
    made = _case(world, "任意中心")
    response = client_for("regulator").get("/cases/?stage=no_such_stage&q=任意")
    assert [c.pk for c in response.context["cases"]] == [made.pk]
    assert "阶段：没有此选项。" in response.content.decode()
    response = client_for("regulator").get("/cases/?q=" + "长" * 101)
    assert "搜索：最多 100 个字符（输入了 101 个）。" in response.content.decode()


def test_sorting_reads_only_whitelisted_columns(world, client_for):
    names = ["丙排序", "甲排序", "乙排序"]
    made = {name: _case(world, name).pk for name in names}
    client = client_for("regulator")
    ascending = [made[n] for n in sorted(names)]
    assert _shown(client, "q=排序&sort=center") == ascending
    assert _shown(client, "q=排序&sort=-center") == ascending[::-1]
    # an unlisted column is the default order (newest first), not an error page
    newest = sorted(made.values(), reverse=True)
    assert _shown(client, "q=排序&sort=applicant__password") == newest


def test_filters_and_sort_survive_paging_links(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    for i in range(3):
        _case(world, f"翻页{i}")
    html = client_for("regulator").get("/cases/?q=翻页&sort=center").content.decode()
    assert 'href="?q=%E7%BF%BB%E9%A1%B5&amp;sort=center&amp;page=2"' in html


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_export_is_the_filtered_list_with_formulas_neutralised(world, client_for):
    formula = _case(world, "导出中心")
    Case.objects.filter(pk=formula.pk).update(center_name="=HYPERLINK(导出)")
    kept = _case(world, "导出二中心", state="public_notice")
    left = _case(world, "另一个中心")
    rows = _sheet(client_for("regulator").get("/cases/export.xlsx?q=导出&sort=filed_on"))
    assert rows[0][0] == "我可查看的全部案件"
    assert rows[1][:3] == ["申报案件", "中心名称", "申报单位"]
    body = {row[0]: row for row in rows[2:]}
    assert set(body) == {formula.pk, kept.pk}
    assert left.pk not in body
    assert body[formula.pk][1] == "'=HYPERLINK(导出)"
    assert body[kept.pk][5] == "公示"


def test_export_says_when_it_is_cut(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_CAP", 2)
    for i in range(3):
        _case(world, f"截断{i}")
    rows = _sheet(client_for("regulator").get("/cases/export.xlsx?q=截断"))
    assert len([r for r in rows[2:] if isinstance(r[0], int)]) == 2
    assert rows[-1][0] == "仅导出前 2 行。"


def test_export_of_another_region_is_empty(world, client_for):
    with services.quiet():
        new_case(world, "hubei", name="湖北导出中心")
    rows = _sheet(client_for("regulator").get("/cases/export.xlsx?q=湖北导出"))
    assert rows[2:] == []


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/cases/?q=计数&stage=draft&overdue=1&sort=center",
        "/cases/export.xlsx?q=计数&overdue=1&sort=-filed_on",
    ],
)
def test_filtered_list_and_export_do_not_grow(world, client_for, url):
    client = client_for("regulator")
    for i in range(5):
        _case(world, f"计数{i}", due_in_days=-2)
    few = _count(client, url)
    for i in range(45):
        _case(world, f"计数{i + 5}", due_in_days=-2)
    assert _count(client, url) == few


def _obligations_shown(client, query):
    response = client.get(f"/cases/obligations/?{query}")
    assert response.status_code == 200
    return [row["obligation"].case_id for row in response.context["rows"]]


def test_obligations_list_narrows_to_overdue_and_sorts_by_due(world, client_for):
    late = _case(world, "义务逾期中心", due_in_days=-3)
    later = _case(world, "义务未到期中心", due_in_days=40)
    soon = _case(world, "义务将到期中心", due_in_days=5)
    client = client_for("regulator")
    assert _obligations_shown(client, "q=义务") == [late.pk, soon.pk, later.pk]
    assert _obligations_shown(client, "q=义务&sort=-due") == [later.pk, soon.pk, late.pk]
    assert _obligations_shown(client, "q=义务&overdue=1") == [late.pk]
    html = client.get("/cases/obligations/?q=义务&overdue=1").content.decode()
    assert "已逾期" in html and "义务逾期中心" in html and "义务未到期中心" not in html


def test_obligations_of_another_programme_are_not_listed(world, client_for):
    with services.quiet():
        hubei = new_case(world, "hubei", name="湖北义务中心")
    Obligation.objects.create(
        case=hubei,
        code="supplement_period",
        deadline=store_deadline(
            start=dt.date(2025, 1, 1), count=7, unit="days", rule="hubei@2016:x"
        ),
        kind="maximum",
        article="第十一条",
        responsible_role="applicant",
        opened_by="test",
    )
    assert _obligations_shown(client_for("regulator"), "q=湖北义务") == []
    assert _obligations_shown(client_for("hb_regulator"), "q=湖北义务") == [hubei.pk]


def test_obligations_export_reads_back(world, client_for):
    late = _case(world, "义务导出中心", due_in_days=-3)
    _case(world, "义务导出二中心", due_in_days=9)
    rows = _sheet(
        client_for("regulator").get("/cases/obligations/export.xlsx?q=义务导出&overdue=1")
    )
    assert rows[0][0] == "我辖区内的法定义务"
    assert [r[0] for r in rows[2:]] == [late.pk]
    assert rows[2][5].date() == Obligation.objects.get(case=late).deadline.due
    assert rows[2][6] == "已逾期"


@pytest.mark.parametrize(
    "url",
    ["/cases/obligations/?q=计数&overdue=1&sort=due", "/cases/obligations/export.xlsx?q=计数"],
)
def test_obligations_list_does_not_grow(world, client_for, url):
    client = client_for("regulator")
    for i in range(5):
        _case(world, f"计数{i}", due_in_days=-2)
    few = _count(client, url)
    for i in range(45):
        _case(world, f"计数{i + 5}", due_in_days=-2)
    assert _count(client, url) == few


def test_the_api_list_takes_the_same_filters(world, client_for):
    late = _case(world, "接口逾期中心", due_in_days=-3)
    on_time = _case(world, "接口未逾期中心", due_in_days=30)
    noticed = _case(world, "接口公示中心", state="public_notice")
    client = client_for("regulator")

    def ids(query):
        response = client.get(f"/api/v1/cases?{query}")
        assert response.status_code == 200, response.content
        return [c["id"] for c in response.json()]

    assert ids("q=接口&sort=center") == sorted(
        [late.pk, on_time.pk, noticed.pk], key=lambda pk: Case.objects.get(pk=pk).center_name
    )
    assert ids("q=接口&overdue=true") == [late.pk]
    assert sorted(ids("q=接口&overdue=false")) == sorted([on_time.pk, noticed.pk])
    assert ids("q=接口&state=public_notice") == [noticed.pk]
    response = client.get("/api/v1/cases?state=no_such_stage")
    assert response.status_code == 400
    assert "阶段：没有此选项。" in response.json()["message"]
    assert client.get("/api/v1/cases?sort=applicant__password").status_code == 422


def test_obligations_narrow_to_a_district_and_export_its_name(world, client_for):
    yubei = _case(world, "区县义务渝北中心", due_in_days=4)
    jiulongpo = _case(world, "区县义务九龙坡中心", due_in_days=4)
    Case.objects.filter(pk=jiulongpo.pk).update(district=world["jurisdictions"]["500107"])
    client = client_for("regulator")
    assert _obligations_shown(client, "q=区县义务&district=500112") == [yubei.pk]
    assert _obligations_shown(client, "q=区县义务&district=500107") == [jiulongpo.pk]
    html = client.get("/cases/obligations/?q=区县义务").content.decode()
    assert '<option value="500107">' in html and '<option value="500112">' in html
    rows = _sheet(client.get("/cases/obligations/export.xlsx?q=区县义务&district=500107"))
    assert rows[1][7:] == ["类别", "区县"]
    assert [(r[0], r[7], r[8]) for r in rows[2:]] == [(jiulongpo.pk, "中心筹建与验收", "九龙坡区")]

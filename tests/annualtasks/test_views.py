"""The annual tasks' pages and endpoints: URL × role, Chinese labels only, each role's part done
from the page, the list's queries not growing with its rows."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from metrohub.annualtasks import services
from metrohub.annualtasks.models import Assessment, Evidence, TaskItem
from metrohub.cases.models import Case, Obligation
from metrohub.legaltime.services import store_deadline

from .conftest import PDF

pytestmark = pytest.mark.django_db


def tasks_case(world, center_code="CQ-AUTO", year="2026", district="500112", state="draft"):
    """An annual-tasks case of a Chongqing demo center (host: the grid's director's
    organisation), as the daily job opens it, without walking an establishment."""
    center = world["centers"][center_code]
    case = Case.objects.create(
        kind=services.KIND,
        rulepack_code="chongqing",
        rulepack_version="2024",
        state=state,
        filed_on=dt.date(int(year), 1, 1),
        applicant=center.host,
        jurisdiction=world["jurisdictions"]["500000"],
        district=world["jurisdictions"][district],
        center=center,
        center_name=center.name,
        schedule="annual_tasks",
        period=year,
    )
    Obligation.objects.create(
        case=case,
        code="annual_tasks",
        deadline=store_deadline(
            start=dt.date(int(year), 1, 1), count=89, unit="days", article="第二十七条"
        ),
        article="第二十七条",
        responsible_role="programme_regulator",
        opened_by="schedule:annual_tasks",
    )
    return case


def with_items(case, world):
    one = TaskItem.objects.create(
        case=case, position=1, title="新增校准能力", target="新增10项", weight=60
    )
    TaskItem.objects.create(case=case, position=2, title="服务企业", target="服务50家", weight=40)
    evidence = Evidence(
        item=one,
        filename="证明.pdf",
        sha256="0" * 64,
        size=len(PDF),
        content_type="application/pdf",
        uploaded_by=world["users"]["cq_director"],
    )
    evidence.file.save("grid.pdf", SimpleUploadedFile("grid.pdf", PDF), save=False)
    evidence.save()
    return one, evidence


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
    case = tasks_case(world, state="issued")
    item, evidence = with_items(case, world)
    other = tasks_case(world, center_code="CQ-INSTR", year="2025")
    check_grid(
        [
            ("GET", "/annual-tasks/", LIST, 403),
            ("GET", f"/annual-tasks/{case.pk}/", {**ONE, **OUTSIDE}, 404),
            ("GET", f"/annual-tasks/{other.pk}/", {**ONE, **OUTSIDE}, 404),
            ("GET", f"/annual-tasks/{case.pk}/evidence/{evidence.pk}", {**ONE, **OUTSIDE}, 404),
            ("GET", "/annual-tasks/999999/", {"anonymous": 302, **OUTSIDE}, 404),
        ]
    )


def test_api_grid(check_grid, world):
    case = tasks_case(world, state="issued")
    item, evidence = with_items(case, world)
    api_one = {**ONE, "anonymous": 401}
    writes = {"anonymous": 401}
    check_grid(
        [
            ("GET", f"/api/v1/cases/{case.pk}/annual-tasks", api_one, 404),
            ("GET", f"/api/v1/cases/{case.pk}/annual-tasks/evidence/{evidence.pk}", api_one, 404),
            ("GET", "/api/v1/cases?kind=annual_tasks", {"anonymous": 401}, 200),
            # an empty body is refused before anything is read; outsiders never reach it
            ("PUT", f"/api/v1/cases/{case.pk}/annual-tasks/items", writes, 422),
            ("PUT", f"/api/v1/cases/{case.pk}/annual-tasks/assessment", writes, 422),
            ("PUT", f"/api/v1/cases/{case.pk}/annual-tasks/items/{item.pk}/report", writes, 422),
        ]
    )


def test_each_role_does_its_part_on_the_page(client_for, world):
    case = tasks_case(world)
    regulator, director = client_for("regulator"), client_for("director")
    # the regulator writes the items from the page's rows
    rows = {
        "action": "items",
        "item-0-title": "新增校准能力",
        "item-0-target": "新增10项",
        "item-0-target_value": "10",
        "item-0-target_unit": "项",
        "item-0-weight": "60",
        "item-1-title": "服务企业",
        "item-1-target": "服务50家",
        "item-1-weight": "40",
        "item-2-title": "",
    }
    assert regulator.post(f"/annual-tasks/{case.pk}/", rows).status_code == 302
    assert list(TaskItem.objects.filter(case=case).values_list("title", "weight")) == [
        ("新增校准能力", 60),
        ("服务企业", 40),
    ]
    html = regulator.get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "年度建设任务下达与考核" in html and "拟定年度任务" in html
    assert "年度任务下达期限：2026年3月31日" in html
    # the director sees no draft, and cannot post one
    html = director.get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "本年度任务尚未下达。" in html and "新增校准能力" not in html
    assert director.post(f"/annual-tasks/{case.pk}/", rows).status_code == 403
    # a row without its target is named, and nothing changes
    bad = regulator.post(
        f"/annual-tasks/{case.pk}/",
        {"action": "items", "item-0-title": "只有标题", "item-0-weight": "100"},
    )
    assert "任务1：请填写目标。" in bad.content.decode()
    assert TaskItem.objects.filter(case=case).count() == 2

    # issued: the director reports with a file as evidence
    Case.objects.filter(pk=case.pk).update(state="issued")
    item = TaskItem.objects.get(case=case, position=1)
    posted = director.post(
        f"/annual-tasks/{case.pk}/",
        {
            "action": "report",
            "item": item.pk,
            "claimed": "completed",
            "report": "新增11项",
            "achieved_value": "11",
            "evidence": SimpleUploadedFile("证明.pdf", PDF),
        },
    )
    assert posted.status_code == 302
    item.refresh_from_db()
    assert (item.claimed, item.achieved_value, item.evidence.count()) == ("completed", 11, 1)
    html = director.get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "中心报告：已完成，实际完成值 11.00 项" in html and "证明.pdf" in html

    # submitted: the regulator assesses; the director sees it only once recorded
    Case.objects.filter(pk=case.pk).update(state="submitted")
    TaskItem.objects.filter(case=case, position=2).update(claimed="partly", report="30家")
    for position, score in ((1, "58"), (2, "20")):
        pk = TaskItem.objects.get(case=case, position=position).pk
        regulator.post(
            f"/annual-tasks/{case.pk}/",
            {"action": "assess", "item": pk, "outcome": "completed", "score": score},
        )
    regulator.post(f"/annual-tasks/{case.pk}/", {"action": "grade", "grade": "basic"})
    assert Assessment.objects.get(case=case).total == 78
    assert "基本合格" not in director.get(f"/annual-tasks/{case.pk}/").content.decode()
    Case.objects.filter(pk=case.pk).update(state="assessed")
    html = director.get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "考核认定：已完成 · 得分 58.0 / 60" in html


def test_a_refused_report_or_row_names_the_field_and_the_row(client_for, world):
    """An empty report read “这个字段是必填项。” and a row's bad target value “请填写数字。”:
    which field, which task?"""
    case = tasks_case(world)
    regulator, director = client_for("regulator"), client_for("director")
    bad = regulator.post(
        f"/annual-tasks/{case.pk}/",
        {
            "action": "items",
            "item-0-title": "新增校准能力",
            "item-0-target": "新增10项",
            "item-0-target_value": "十项",
            "item-0-weight": "100",
        },
    )
    assert "任务1 · 目标值：请填写数字。" in bad.content.decode()
    assert not TaskItem.objects.filter(case=case).exists()
    Case.objects.filter(pk=case.pk).update(state="issued")
    item = TaskItem.objects.create(
        case=case, position=1, title="服务企业", target="50家", weight=100
    )
    bad = director.post(
        f"/annual-tasks/{case.pk}/",
        {"action": "report", "item": item.pk, "claimed": "completed", "report": " "},
    )
    assert "完成情况说明：这个字段是必填项。" in bad.content.decode()
    item.refresh_from_db()
    assert (item.claimed, item.report) == ("", "")


def test_the_list_pages_in_constant_queries(client_for, world, django_assert_max_num_queries):
    regulator = client_for("regulator")
    tasks_case(world)
    regulator.get("/annual-tasks/")  # warm the per-process caches (packs, translations)
    with django_assert_max_num_queries(20) as few:
        page = regulator.get("/annual-tasks/")
    assert page.status_code == 200
    baseline = len(few.captured_queries)
    for year in range(2010, 2022):
        tasks_case(world, year=str(year))
    with django_assert_max_num_queries(baseline):
        page = regulator.get("/annual-tasks/")
    html = page.content.decode()
    assert html.count("data-case=") == 13
    assert "年度任务下达期限 2026年3月31日" in html
    # a case of another district's center is not listed to the Yubei district bureau
    tasks_case(world, center_code="CQ-INSTR", district="500107")
    assert client_for("district").get("/annual-tasks/").content.decode().count("data-case=") == 13


def test_refused_rows_are_shown_again_as_typed(client_for, world):
    """A refused save of the items showed the form empty again: every row had to be typed anew
    to correct one value."""
    case = tasks_case(world)
    bad = client_for("regulator").post(
        f"/annual-tasks/{case.pk}/",
        {
            "action": "items",
            "item-0-title": "建设电池检测能力",
            "item-0-description": "新能源汽车动力电池",
            "item-0-target": "新增校准能力",
            "item-0-target_value": "五项",
            "item-0-target_unit": "项",
            "item-0-weight": "60",
            "item-1-title": "服务企业",
            "item-1-target": "服务50家",
            "item-1-weight": "40",
        },
    )
    html = bad.content.decode()
    assert "任务1 · 目标值：请填写数字。" in html
    assert 'id="item-0-title" maxlength="200" value="建设电池检测能力"' in html
    assert ">新能源汽车动力电池</textarea>" in html
    assert 'id="item-0-target_value" inputmode="decimal" maxlength="20" value="五项"' in html
    assert 'id="item-1-target" maxlength="500" value="服务50家"' in html
    assert 'id="item-1-weight" min="1" max="100" value="40"' in html
    assert not TaskItem.objects.filter(case=case).exists()


def test_a_refused_report_or_assessment_is_shown_again_as_typed(client_for, world):
    """A refused report on an item (or assessment of it) showed the item's form empty again: the
    account of what was done had to be written anew."""
    case = tasks_case(world, state="issued")
    one, _evidence = with_items(case, world)
    bad = client_for("director").post(
        f"/annual-tasks/{case.pk}/",
        {
            "action": "report",
            "item": one.pk,
            "claimed": "partly",
            "report": "已建成电池检测能力5项",
            "achieved_value": "五",
        },
    )
    html = bad.content.decode()
    assert "实际完成值：请填写数字。" in html
    assert '<option value="partly" selected>' in html
    assert ">已建成电池检测能力5项</textarea>" in html
    assert f'id="achieved-{one.pk}" inputmode="decimal" maxlength="20" value="五"' in html
    one.refresh_from_db()
    assert (one.claimed, one.report, one.achieved_value) == ("", "", None)

    Case.objects.filter(pk=case.pk).update(state="submitted")
    bad = client_for("regulator").post(
        f"/annual-tasks/{case.pk}/",
        {"action": "assess", "item": one.pk, "outcome": "partly", "score": "70", "comment": "偏低"},
    )
    html = bad.content.decode()
    assert f'id="score-{one.pk}" inputmode="decimal" maxlength="20" value="70"' in html
    assert ">偏低</textarea>" in html
    one.refresh_from_db()
    assert (one.outcome, one.score) == ("", None)


def test_the_tasks_read_in_english(client_for, world):
    """In English the list's stage and next deadline, and the page's title, stage and deadlines
    were Chinese (拟定年度任务, 年度任务下达期限)."""
    case = tasks_case(world)
    regulator = client_for("regulator")
    regulator.cookies["metrohub_language"] = "en"
    listing = regulator.get("/annual-tasks/").content.decode()
    assert "<td>tasks being drawn up</td>" in listing
    assert "annual tasks to be issued 31 March 2026" in listing
    page = regulator.get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "annual tasks and assessment</small>" in page
    assert '<strong data-testid="stage">tasks being drawn up</strong>' in page
    assert "<li>annual tasks to be issued: 31 March 2026 (overdue) · citing 第二十七条</li>" in page
    for chinese in ("拟定年度任务", "年度任务下达期限", "年度建设任务下达与考核"):
        assert chinese not in listing and chinese not in page


def test_each_deadline_names_its_basis(client_for, world, api):
    """The page listed 年度任务下达期限：2026年3月31日（已逾期） and left the reader to guess
    which article set it; each deadline now cites its article, in the API as well."""
    case = tasks_case(world)
    html = client_for("director").get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "<li>年度任务下达期限：2026年3月31日（已逾期） · 依据 第二十七条</li>" in html
    body = api("cq_director").get(f"/cases/{case.pk}/annual-tasks").json()
    assert [(d["code"], d["article"]) for d in body["deadlines"]] == [
        ("annual_tasks", "第二十七条")
    ]


def test_the_director_reads_why_the_report_was_returned(client_for, world, api):
    """Returned for more evidence, the page told the director the stage (退回补充完成情况) and a
    new deadline, not what the bureau asked for: the reasons were only in the case's history."""
    case = tasks_case(world, state="submitted")
    with_items(case, world)
    returned = client_for("regulator").post(
        f"/cases/{case.pk}/transitions/return_completion/",
        {"reasons": "请补充服务企业名单。", "deadline_count": "5"},
    )
    assert returned.status_code == 302
    html = client_for("director").get(f"/annual-tasks/{case.pk}/").content.decode()
    assert "退回理由" in html and "请补充服务企业名单。" in html
    body = api("cq_director").get(f"/cases/{case.pk}/annual-tasks").json()
    assert [r["text"] for r in body["returns"]] == ["请补充服务企业名单。"]

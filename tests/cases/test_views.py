"""The pages: Chinese first, thin over the services, autosave and the validation list."""

import datetime as dt
import re

import pytest

from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_case(world):
    with services.quiet(), clock(dt.date(2025, 9, 1)) as clk:
        return walk(
            new_case(world, "chongqing", name="公示中心"),
            path_to(registry().latest("chongqing"), "public_notice"),
            clk,
        )


def test_worklist_and_case_page_in_chinese(client_for, notice_case):
    page = client_for("regulator").get("/cases/").content.decode()
    assert "我的待办" in page and "公示中心" in page
    page = client_for("regulator").get(f"/cases/{notice_case.pk}/").content.decode()
    for text in ("办理记录", "义务与期限", "公示期", "第十一条", "专家同意推荐，进行公示"):
        assert text in page
    assert "<script>" not in page and "style=" not in page
    # the programme by its title and version, not the rule pack's key
    programme = re.search(r'data-testid="programme">([^<]*)<', page)[1]
    assert programme.endswith(f" · {notice_case.rulepack_version}版"), programme
    assert notice_case.rulepack_key not in page


def test_autosave_answers_the_validation_list(client_for, world):
    case = services.create_case(
        actor=world["users"]["cq_applicant"], rulepack="chongqing", center_name="草稿"
    )
    client = client_for("applicant")
    response = client.post(
        f"/cases/{case.pk}/edit/",
        {"center_name": "草稿", "director_name": "赵磊"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="gaps"' in body and "已保存" in body
    assert "请选择中心服务的产业" in body and "缺少材料" in body
    case.refresh_from_db()
    assert case.form_data["director_name"] == "赵磊"


def test_transition_form_shows_the_conflict(client_for, notice_case, monkeypatch):
    monkeypatch.setattr(services.clock, "today", lambda: dt.date(2025, 10, 8))
    response = client_for("regulator").post(
        f"/cases/{notice_case.pk}/transitions/close_public_notice/", {}
    )
    assert response.status_code == 409
    assert "2025-10-10" in response.content.decode()  # the earliest close: the day after


def test_public_notice_and_objection(client, notice_case):
    page = client.get(f"/cases/notices/{notice_case.pk}/").content.decode()
    assert "2025年10月9日" in page
    response = client.post(
        f"/cases/notices/{notice_case.pk}/",
        {"name": "李四", "phone": "13800000000", "text": "异议"},
    )
    assert "您的异议已提交" in response.content.decode()
    assert notice_case.objections.count() == 1


def test_autosave_keeps_every_valid_field_and_marks_the_others(client_for, world):
    case = services.create_case(
        actor=world["users"]["cq_applicant"], rulepack="chongqing", center_name="草稿"
    )
    response = client_for("applicant").post(
        f"/cases/{case.pk}/edit/",
        {
            "center_name": "草稿",
            "director_name": "赵磊",
            "contact_email": "not-an-address",
            "team-0-name": "",
            "team-0-title": "高级工程师",
            "team-3-name": "钱程",
            "team-3-duty": "技术负责人",
            "equipment-0-name": "压力标准装置",
            "equipment-0-quantity": "2",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    case.refresh_from_db()
    # the valid fields are saved, the invalid ones keep their stored value
    assert case.form_data["director_name"] == "赵磊"
    assert case.form_data["contact_email"] == ""
    assert case.form_data["equipment"] == [{"name": "压力标准装置", "model": "", "quantity": 2}]
    assert case.form_data["team"] == []  # one row has no name: the list waits for it
    # each invalid field is marked beside it, by an out-of-band swap that keeps what was typed
    assert 'id="fe-contact_email"' in body and 'hx-swap-oob="true"' in body
    marked = body.split('id="fe-team"')[1].split("</div>")[0]
    assert "第1行" in marked or "Row 1" in marked
    assert (
        'id="fe-director_name" class="field-errors" role="alert" hx-swap-oob="true"></div>' in body
    )
    # correcting the row saves the list
    client_for("applicant").post(
        f"/cases/{case.pk}/edit/",
        {"center_name": "草稿", "team-0-name": "赵磊", "team-3-name": "钱程"},
        HTTP_HX_REQUEST="true",
    )
    case.refresh_from_db()
    assert [m["name"] for m in case.form_data["team"]] == ["赵磊", "钱程"]


def test_an_applicant_is_offered_only_the_programmes_covering_it(client_for):
    page = client_for("hb_applicant").get("/cases/new/").content.decode()
    assert 'value="hubei"' in page
    assert 'value="chongqing"' not in page and 'value="shanghai"' not in page
    cq = client_for("applicant").get("/cases/new/").content.decode()
    assert 'value="chongqing"' in cq and 'value="hubei"' not in cq


def test_an_applicant_is_offered_only_the_districts_of_its_programmes(client_for, user_for):
    """A Chongqing applicant chose among every region's districts; only the refusal on filing
    said a Shanghai district lies outside the programme."""
    from metrohub.cases.forms import CaseNewForm
    from metrohub.organisations.models import Jurisdiction

    chongqing = Jurisdiction.objects.get(code="500000").descendant_ids()
    districts = Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT)
    inside = set(districts.filter(pk__in=chongqing).values_list("code", flat=True))
    outside = set(districts.exclude(pk__in=chongqing).values_list("code", flat=True))
    assert inside and outside
    page = client_for("applicant").get("/cases/new/").content.decode()
    shown = {code for code in inside | outside if f'value="{code}"' in page}
    assert shown == inside
    assert '<optgroup label="重庆市">' in page
    chosen = {"rulepack": "chongqing", "center_name": "x", "district": min(outside)}
    form = CaseNewForm(chosen, user=user_for("applicant"))
    assert not form.is_valid() and "district" in form.errors


def test_the_case_timeline_names_every_event_and_the_platform(client_for, notice_case):
    """Events of other apps on the case (a panel drawn, a score sheet saved, a decision's document
    issued by the platform) read by label; the page printed "decision.document_issued · system"."""
    from metrohub.eventlog.services import append_event

    subject = f"case:{notice_case.pk}"
    append_event(subject=subject, action="decision.document_issued")
    append_event(subject=subject, action="sheet.saved", actor=notice_case.created_by)
    page = client_for("regulator").get(f"/cases/{notice_case.pk}/").content.decode()
    assert 'data-action="decision.document_issued">决定文书已出具</strong> · 平台' in page
    assert 'data-action="sheet.saved">评分表已保存</strong>' in page
    timeline = page.split('data-testid="timeline"')[1]
    assert "system" not in timeline and "sheet.saved<" not in timeline


def test_a_period_the_regulator_sets_is_asked_for_in_the_reader_s_words(client_for, world):
    """The field printed "“补正期限”的期限（days）": the unit by its code, the name in Chinese
    on the English page too."""
    with services.quiet(), clock(dt.date(2025, 9, 1)) as clk:
        case = walk(
            new_case(world, "chongqing", name="补正中心"),
            path_to(registry().latest("chongqing"), "formal_review"),
            clk,
        )
    url = f"/cases/{case.pk}/transitions/request_supplement/"
    client = client_for("regulator")
    assert "“补正期限”的期限（日）" in client.get(url).content.decode()
    client.cookies["metrohub_language"] = "en"
    assert "Period for “period to supplement” (days)" in client.get(url).content.decode()


def test_forms_answered_on_the_case_page_name_the_field_at_fault(client_for, notice_case):
    """An empty upload read “这个字段是必填项。 这个字段是必填项。” (which field?), an empty
    supervisor's report or answer to an objection was dropped without a word."""
    from metrohub.cases.models import CaseNote, Material

    materials = Material.objects.filter(case=notice_case).count()
    page = client_for("applicant").post(
        f"/cases/{notice_case.pk}/materials/", {"code": "", "file": ""}, follow=True
    )
    assert "材料类型：这个字段是必填项。 文件：这个字段是必填项。" in page.content.decode()
    page = client_for("district").post(
        f"/cases/{notice_case.pk}/supervisor-report/", {"text": "  "}, follow=True
    )
    assert "报告：这个字段是必填项。" in page.content.decode()
    assert Material.objects.filter(case=notice_case).count() == materials
    assert not CaseNote.objects.filter(case=notice_case, kind="supervisor_report").exists()


def _duty(world, kind: str, state: str, **fields):
    """A case of a duty (not an application) about CQ-AUTO, under Chongqing's 2024 pack."""
    from metrohub.cases.models import Case

    center = world["centers"]["CQ-AUTO"]
    values = {
        "rulepack_code": "chongqing",
        "rulepack_version": "2024",
        "filed_on": dt.date(2026, 1, 1),
        "applicant": center.host,
        "jurisdiction": world["jurisdictions"]["500000"],
        "district": world["jurisdictions"]["500112"],
        "center": center,
        "center_name": center.name,
        **fields,
    }
    return Case.objects.create(kind=kind, state=state, **values)


def test_a_duty_s_case_page_leads_to_the_page_where_it_is_done(client_for, world, notice_case):
    """A director's to-do “年度信息报送：填报中” opened the case page, which has no report form
    and no link to the page that has; a step taken from an inspection's page (检查办结) ended
    on the case page as well."""
    report = _duty(world, "annual_report", "draft", period="2026")
    inspection = _duty(world, "inspection", "inspected")
    html = client_for("director").get(f"/cases/{report.pk}/").content.decode()
    assert f'<a class="button" href="/annual-reports/{report.pk}/">前往年度信息报送页面</a>' in html
    # a duty is not an application: its host and the day it was opened
    assert "<dt>依托单位</dt>" in html and "<dt>开启日期</dt>" in html
    assert "申报单位" not in html and "申报日期" not in html
    district = client_for("district")
    html = district.get(f"/cases/{inspection.pk}/").content.decode()
    assert f'href="/inspections/{inspection.pk}/">前往监督检查页面</a>' in html
    closed = district.post(f"/cases/{inspection.pk}/transitions/close_inspection/", {})
    assert closed.status_code == 302 and closed["Location"] == f"/inspections/{inspection.pk}/"
    inspection.refresh_from_db()
    assert inspection.state == "closed"
    # an establishment is done on its case page
    html = client_for("regulator").get(f"/cases/{notice_case.pk}/").content.decode()
    assert 'data-testid="own-page"' not in html


def test_a_case_page_names_its_procedure(client_for, world, notice_case):
    """A five-year review's (or revocation's) case page read only “重庆市…中心 #54”: nothing said
    it was the review rather than the center's establishment."""
    center = world["centers"]["CQ-AUTO"]
    review = _duty(world, "five_year_review", "open", filed_on=dt.date(2026, 9, 2), district=None)
    html = client_for("regulator").get(f"/cases/{review.pk}/").content.decode()
    assert f'<small>#{review.pk} · <span data-testid="kind">满五年复核</span></small>' in html
    assert f"<title>#{review.pk} 满五年复核 · {center.name}" in html
    html = client_for("regulator").get(f"/cases/{notice_case.pk}/").content.decode()
    assert f"<small>#{notice_case.pk}</small>" in html


def test_a_duty_s_case_page_offers_no_application_nor_task_book(client_for, world, notice_case):
    """An annual report's or the year's tasks' case page linked 申报书PDF（供签字盖章） and
    筹建任务书, and the task book's form could be filled in and saved for it."""
    from metrohub.cases.models import TaskBook

    tasks = _duty(world, "annual_tasks", "issued", period="2026")
    regulator = client_for("regulator")
    html = regulator.get(f"/cases/{tasks.pk}/").content.decode()
    assert 'data-testid="task-book-link"' not in html
    assert 'data-testid="application-pdf"' not in html
    assert regulator.get(f"/cases/{tasks.pk}/task-book/").status_code == 404
    assert regulator.post(f"/cases/{tasks.pk}/task-book/", {"goal": "x"}).status_code == 404
    assert regulator.get(f"/cases/{tasks.pk}/application.pdf").status_code == 404
    assert not TaskBook.objects.filter(case=tasks).exists()
    # the establishment keeps both
    html = regulator.get(f"/cases/{notice_case.pk}/").content.decode()
    assert 'data-testid="task-book-link"' in html and 'data-testid="application-pdf"' in html
    assert regulator.get(f"/cases/{notice_case.pk}/task-book/").status_code == 200


def test_a_regulator_opens_a_revocation_from_the_center_s_page(client_for, world):
    from metrohub.cases.models import Case
    from metrohub.centers.models import Center

    center = Center.objects.get(code="CQ-AUTO")
    assert center.status == Center.Status.ESTABLISHED
    regulator = client_for("regulator")
    page = regulator.get(f"/centers/{center.code}/").content.decode()
    assert f'href="/cases/open/{center.code}/"' in page
    for role in ("anonymous", "director", "applicant", "industry"):
        shown = client_for(role).get(f"/centers/{center.code}/").content.decode()
        assert "/cases/open/" not in shown, role
    form = regulator.get(f"/cases/open/{center.code}/").content.decode()
    offered = re.findall(r'name="kind" value="([a-z_]+)"', form)
    assert "revocation" in offered and "five_year_review" in offered
    assert "inspection" not in offered  # opened on the inspections' page
    assert "撤销资格 · 依据" in form
    before = Case.objects.count()
    # a kind the regulator does not open by hand: refused, nothing opened
    refused = regulator.post(f"/cases/open/{center.code}/", {"kind": "annual_report"}, follow=True)
    assert Case.objects.count() == before
    assert (
        "年度信息报送" in refused.content.decode() and "issubclass" not in refused.content.decode()
    )
    response = regulator.post(f"/cases/open/{center.code}/", {"kind": "revocation"})
    case = Case.objects.order_by("pk").last()
    assert (case.kind, case.center_id) == ("revocation", center.pk)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    shown = regulator.get(response["Location"]).content.decode()
    assert f"已发起案件 #{case.pk}：撤销资格。" in shown
    # outside the opener's roles or scope: no page
    for role in ("director", "applicant", "industry"):
        assert client_for(role).get(f"/cases/open/{center.code}/").status_code == 404, role
    assert client_for("anonymous").get(f"/cases/open/{center.code}/").status_code == 302

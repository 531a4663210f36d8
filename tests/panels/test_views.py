import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from metrohub.experts.models import DeclaredConflict, ExpertProfile
from metrohub.panels import report, services
from metrohub.panels.models import Panel, PanelMember

from .conftest import fill

pytestmark = pytest.mark.django_db


def test_regulator_draws_on_the_page_and_sees_exclusions_and_seed(client_for, case_in):
    case = case_in()
    DeclaredConflict.objects.create(
        expert=ExpertProfile.objects.get(user__username="expert2"),
        organisation=case.applicant,
        reason="曾合作",
    )
    regulator = client_for("regulator")
    page = regulator.get(f"/panels/case/{case.pk}/draw/")
    assert page.status_code == 200 and "随机抽取专家组" in page.content.decode()
    r = regulator.post(f"/panels/case/{case.pk}/draw/", {"size": "3", "seed": "77"})
    panel = Panel.objects.filter(case=case).latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/panels/{panel.pk}/"
    html = regulator.get(f"/panels/{panel.pk}/").content.decode()
    assert "77" in html and "已声明利益冲突" in html and "复现结果与原抽取一致" in html
    again = regulator.post(f"/panels/case/{case.pk}/draw/", {"size": "3"})
    assert again.status_code == 409
    bad = regulator.post(f"/panels/case/{case.pk}/draw/", {"size": "x"})
    assert bad.status_code == 422


def test_sheet_form_in_chinese_with_per_item_errors_and_lock(client_for, draw, world):
    leader = ExpertProfile.objects.get(user__username="expert1")
    panel = draw(leader_id=leader.pk)
    sheet = panel.members.get(expert=leader).sheet
    expert = client_for("expert")
    html = expert.get(f"/panels/sheets/{sheet.pk}/").content.decode()
    assert "产业专用计量标准与装备" in html and "提交并锁定" in html
    r = expert.post(f"/panels/sheets/{sheet.pk}/", {"score_standards": "14.3", "action": "save"})
    assert r.status_code == 422
    text = r.content.decode()
    assert "评分以 0.5 分为单位" in text and text.count('class="has-error"') == 1
    data = fill(sheet, 88)
    form = {f"score_{k}": v for k, v in data["scores"].items()}
    form |= {f"reason_{k}": v for k, v in data["reasons"].items()}
    form |= {"opinion": "同意", "action": "submit"}
    assert expert.post(f"/panels/sheets/{sheet.pk}/", form).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "submitted" and str(sheet.total) == "88.0"
    r = expert.post(f"/panels/sheets/{sheet.pk}/", form)
    assert r.status_code == 409 and "组长" in r.content.decode()
    r = expert.post(f"/panels/sheets/{sheet.pk}/reopen/", {"reason": "第一项笔误"})
    assert r.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "draft" and sheet.reopen_log[0]["reason"] == "第一项笔误"


def test_results_page_and_report(client_for, draw, score, world):
    leader = ExpertProfile.objects.get(user__username="expert1")
    panel = draw(leader_id=leader.pk)
    score(panel, (80, 80, 79.5))
    assert client_for("expert").post(f"/panels/{panel.pk}/conclude/").status_code == 302
    html = client_for("regulator").get(f"/panels/{panel.pk}/").content.decode()
    assert 'id="panel-score">79.8<' in html and "整改事项" in html
    # the method as the report states it, not the pack's codes (mean, half_up)
    assert 'id="method">各专家总分的算术平均值，保留 1 位小数（四舍五入）<' in html
    assert "half_up" not in html
    client_for("regulator").post(f"/panels/{panel.pk}/report/")
    panel.refresh_from_db()
    assert panel.report_sha256
    pdf = client_for("regulator").get(f"/panels/{panel.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf["X-Content-SHA256"] == panel.report_sha256
    with translation.override("zh-hans"):
        report_html = render_to_string("panels/report.html", report.context(panel))
    assert "计分方法：各专家总分的算术平均值，保留 1 位小数（四舍五入）" in report_html
    assert "half_up" not in report_html and "mean" not in report_html
    # the rules by their title and version, not the pack's key
    case = panel.case
    assert f"（{case.rulepack_version}版）</p>" in report_html
    assert case.rulepack_key not in report_html
    assert services.is_leader(leader.user, panel)


def test_my_panels_come_a_page_at_a_time(client_for, draw, monkeypatch):
    """An expert's panels accumulate over the years; the page listed every one of them."""
    from metrohub.panels import views

    leader = ExpertProfile.objects.get(user__username="expert1")
    first = draw("expert_review", leader_id=leader.pk)
    second = draw("onsite_acceptance", leader_id=leader.pk)
    monkeypatch.setattr(views, "PER_PAGE", 1, raising=False)
    client = client_for("expert")
    # newest first, one a page (the draws may seat the leader on an earlier panel of the case
    # too: every panel of theirs is on a page of its own)
    ids = list(
        PanelMember.objects.filter(expert=leader)
        .order_by("-panel__pk")
        .values_list("panel_id", flat=True)
    )
    assert ids[0] == second.pk and first.pk in ids
    for number, pk in enumerate(ids, start=1):
        shown = client.get(f"/panels/?page={number}").content.decode()
        assert re.findall(r'href="/panels/(\d+)/"', shown) == [str(pk)], number
    assert "page=2" in client.get("/panels/").content.decode()  # the way to the older ones


def test_panels_supervised_are_paged_apart(client_for, draw, monkeypatch):
    """The supervised panels were cut to the first page and followed the expert list's page
    number: a supervisor with more than a page of them never saw the rest."""
    from metrohub.panels import views

    leader = ExpertProfile.objects.get(user__username="expert1")
    draw("expert_review", leader_id=leader.pk)
    supervisor = draw("onsite_acceptance", leader_id=leader.pk).supervisor
    supervised = list(Panel.objects.filter(supervisor=supervisor).order_by("-pk"))
    assert len(supervised) >= 2
    monkeypatch.setattr(views, "PER_PAGE", 1, raising=False)
    client = client_for("district")
    newest = client.get("/panels/").content.decode()
    older = client.get("/panels/?supervised_page=2").content.decode()
    shown = [[p.pk for p in supervised if f"/panels/{p.pk}/" in html] for html in (newest, older)]
    assert shown == [[supervised[0].pk], [supervised[1].pk]]
    assert "?page=1&amp;supervised_page=2" in newest

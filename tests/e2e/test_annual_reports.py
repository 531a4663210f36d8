"""The annual report in a browser: the Shanghai center's director fills in its construction report
with a typical case and submits it, the regulator returns it with comments, the director reads
them, corrects the report and submits it again."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.cases import services
from metrohub.cases.models import Case

pytestmark = pytest.mark.e2e


def person(browser, live_server, username, violations):
    page = browser.new_context().new_page()
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


def stage(page) -> str:
    return page.locator("[data-testid=stage]").get_attribute("data-stage")


def take(page, url, name, fields=None):
    page.goto(url)
    page.click(f"[data-transition={name}]")
    page.wait_for_selector("[data-testid=transition-form]")
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    page.click("[data-testid=take]")
    page.wait_for_load_state()


@pytest.fixture
def today(monkeypatch):
    state = {"day": dt.date(2026, 11, 20)}
    monkeypatch.setattr(services.clock, "today", lambda: state["day"])

    def set_day(*ymd):
        state["day"] = dt.date(*ymd)

    return set_day


def test_submitted_returned_and_resubmitted(live_server, browser, world, today):
    from metrohub.cases.walk import clock, new_case, path_to, walk

    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "shanghai", name="上海市集成电路装备产业计量测试中心")
        case = walk(case, path_to(case.pack, "construction"), clk)
    call_command("remind", "--on", "2026-11-20", stdout=io.StringIO())
    report = Case.objects.get(kind="annual_report", center=case.center)
    url = f"{live_server.url}/annual-reports/{report.pk}/"
    violations: list[str] = []
    director = person(browser, live_server, "sh_director", violations)
    regulator = person(browser, live_server, "sh_regulator", violations)

    # the director fills in the report: 五(二) asks for the construction and typical cases
    director.goto(url)
    assert stage(director) == "draft"
    assert "2026年11月30日" in director.locator("p.lead").inner_text()
    director.fill("#id_summary", "完成集成电路装备计量测试能力建设15项。")
    director.fill("#id_plan", "下一年度建设晶圆检测设备校准能力。")
    for field in director.locator("input[name^=figure_]").all():
        if not field.input_value():
            field.fill("2")
    director.fill("#case-0-title", "光刻机工件台定位精度校准")
    director.fill("#case-0-industry", "集成电路装备")
    director.fill("#case-0-problem", "定位精度无法溯源")
    director.fill("#case-0-method", "激光干涉测量")
    director.fill("#case-0-result", "建立溯源链")
    director.fill("#case-0-benefit", "服务企业5家")
    director.click("[data-testid=save]")
    expect(director.locator(".messages")).to_contain_text("年度报告已保存")
    take(director, url, "submit_report")
    director.goto(url)
    assert stage(director) == "submitted"

    # the regulator returns it with comments and five days
    take(
        regulator,
        url,
        "return_report",
        {"#id_reasons": "请补充典型案例的服务对象名称。", "#id_deadline_count": "5"},
    )
    regulator.goto(url)
    assert stage(regulator) == "returned"

    # the director reads the comments, corrects the case and submits again
    director.goto(url)
    expect(director.locator("[data-testid=comments]")).to_contain_text(
        "请补充典型案例的服务对象名称。"
    )
    director.fill("#case-0-benefit", "服务中微公司等企业5家")
    director.click("[data-testid=save]")
    expect(director.locator(".messages")).to_contain_text("年度报告已保存")
    take(director, url, "submit_report")
    director.goto(url)
    assert stage(director) == "submitted"
    report.refresh_from_db()
    assert report.form_data["typical_cases"][0]["benefit"] == "服务中微公司等企业5家"
    assert violations == []

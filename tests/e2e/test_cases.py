"""The procedure in a browser: a supplement round (the applicant sees the defects, fixes the form
in its row editor and answers each defect), and a Shanghai joint application through its
self-check."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.cases import services

pytestmark = pytest.mark.e2e

PDF = {"name": "材料.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}


@pytest.fixture
def today(monkeypatch):
    state = {"day": dt.date(2025, 9, 1)}
    monkeypatch.setattr(services.clock, "today", lambda: state["day"])

    def set_day(*ymd):
        state["day"] = dt.date(*ymd)

    return set_day


def person(browser, live_server, username, violations):
    context = browser.new_context()
    page = context.new_page()
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


def take(page, url, name, fields=None, selects=None, checks=()):
    page.goto(url)
    page.click(f"[data-transition={name}]")
    page.wait_for_selector("[data-testid=transition-form]")
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    for selector, value in (selects or {}).items():
        page.select_option(selector, value)
    for selector in checks:
        page.check(selector)
    page.click("[data-testid=take]")


def upload(page, url, code, file=PDF):
    page.goto(url)
    page.select_option("[data-testid=upload] #id_code", code)
    page.set_input_files("[data-testid=upload] #id_file", file)
    page.click("[data-testid=upload] button[type=submit]")
    page.wait_for_selector(".messages")


def test_a_supplement_round_the_applicant_sees_and_answers(live_server, browser, world, today):
    from metrohub.cases.walk import clock, new_case, path_to, walk

    with services.quiet(), clock(dt.date(2025, 9, 1)) as clk:
        case = new_case(world, "chongqing", name="重庆市智能网联汽车产业计量测试中心")
        case = walk(case, path_to(case.pack, "formal_review"), clk)
    case_url = f"{live_server.url}/cases/{case.pk}/"
    violations: list[str] = []
    regulator = person(browser, live_server, "cq_regulator", violations)
    applicant = person(browser, live_server, "cq_applicant", violations)

    # the regulator lists the defects and sets 15 days on Monday 8 September 2025
    today(2025, 9, 8)
    take(
        regulator,
        case_url,
        "request_supplement",
        {"#id_defects": "缺少设备清单\n团队信息不完整", "#id_deadline_count": "15"},
    )
    regulator.wait_for_url(case_url)
    assert "2025年9月23日" in regulator.locator("[data-testid=obligations]").inner_text()

    # the applicant sees each defect on the case page …
    applicant.goto(case_url)
    defects = applicant.locator("[data-testid=defects] li")
    expect(defects).to_have_count(2)
    assert defects.nth(0).inner_text() == "缺少设备清单"
    # … adds the equipment in the form's row editor (autosaved) and uploads version 2 …
    applicant.click("[data-testid=edit]")
    applicant.click("[data-testid=add-equipment]")
    applicant.fill("[name^=equipment-][name$=-name] >> nth=-1", "毫米波雷达目标模拟器")
    # the save that carries the quantity typed, not an earlier one still in flight
    with applicant.expect_response(
        lambda r: (
            r.request.method == "POST"
            and "/edit/" in r.url
            and re.search(r"equipment-\d+-quantity=2(&|$)", r.request.post_data or "") is not None
        )
    ):
        applicant.fill("[name^=equipment-][name$=-quantity] >> nth=-1", "2")
    applicant.wait_for_selector("[data-testid=saved]")
    applicant.wait_for_load_state("networkidle")  # the last autosave lands before we move on
    upload(applicant, case_url, "application_form")
    # … and answers each item when resubmitting: both answers are required
    take(applicant, case_url, "resubmit", {"#id_defect_0": "已补充设备清单（见申报书第四部分）"})
    expect(applicant.locator("#id_defect_1:invalid")).to_have_count(1)  # still to answer
    assert "/transitions/resubmit/" in applicant.url
    applicant.fill("#id_defect_1", "已补全团队成员信息")
    applicant.click("[data-testid=take]")
    applicant.wait_for_url(case_url)
    assert stage(applicant) == "formal_review"
    case.refresh_from_db()
    assert case.form_data["equipment"][-1] == {
        "name": "毫米波雷达目标模拟器",
        "model": "",
        "quantity": 2,
    }
    assert violations == []


def test_shanghai_joint_application_through_its_self_check(live_server, browser, world, today):
    from metrohub.cases.walk import clock, new_case, path_to, walk

    # up to construction through the engine; the browser takes the self-check and the request
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "shanghai", name="上海市集成电路装备产业计量测试中心")
        case = walk(case, path_to(case.pack, "construction"), clk)
    assert case.co_builders.count() == 1
    today(2025, 11, 20)
    violations: list[str] = []
    applicant = person(browser, live_server, "sh_applicant", violations)
    case_url = f"{live_server.url}/cases/{case.pk}/"
    for code in (
        "self_check_record",
        "acceptance_application",
        "construction_summary",
        "capability_plan",
    ):
        upload(applicant, case_url, code)
    take(applicant, case_url, "request_acceptance")
    assert applicant.locator("[data-testid=problem]").is_visible()

    applicant.goto(case_url)
    applicant.click("[data-testid=self-check]")
    applicant.fill("#id_met", "计量标准考核\n质量体系运行\n产业服务成效")
    applicant.click("[data-testid=record-self-check]")
    applicant.wait_for_url(case_url)
    take(applicant, case_url, "request_acceptance")
    applicant.wait_for_url(case_url)
    assert stage(applicant) == "acceptance_review"
    assert "上海示例生物医药研究所" in applicant.locator("main").inner_text()
    assert violations == []

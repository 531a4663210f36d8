"""The procedure in a browser: four people take a Chongqing application from draft to an
established center (with a supplement round, an objection and a failed first acceptance), and a
Shanghai joint application goes through its self-check."""

import datetime as dt

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


def test_chongqing_from_draft_to_an_established_center(live_server, browser, world, today):
    violations: list[str] = []
    applicant = person(browser, live_server, "cq_applicant", violations)
    authority = person(browser, live_server, "cq_authority", violations)
    regulator = person(browser, live_server, "cq_regulator", violations)
    supervisor = person(browser, live_server, "cq_district", violations)

    # 1. the applicant drafts; the validation list names everything missing at once
    applicant.goto(live_server.url + "/cases/new/")
    applicant.select_option("#id_rulepack", "chongqing")
    applicant.fill("#id_center_name", "重庆市智能网联汽车产业计量测试中心")
    applicant.select_option("#id_industry_domain", "new_energy_vehicles")
    applicant.select_option("#id_district", "500112")
    applicant.click("[data-testid=create]")
    applicant.wait_for_url("**/edit/")
    case_url = applicant.url.removesuffix("edit/")
    gaps = applicant.locator("[data-testid=gaps] li")
    assert gaps.count() >= 5
    applicant.fill("#id_summary", "依托单位具备汽车电子计量测试基础")
    applicant.fill("#id_director_name", "赵磊")
    applicant.fill("#id_team", "赵磊 | 高级工程师 | 主任")
    applicant.fill("#id_capabilities", "毫米波雷达校准 | 2027年")
    applicant.fill("#id_targets", "建成专用计量标准3项")
    # autosave (htmx): the list shrinks to the missing application form
    applicant.wait_for_selector("[data-testid=saved]")
    expect(applicant.locator("[data-testid=gaps] li")).to_have_count(1)
    assert "申报书" in applicant.locator("[data-testid=gaps] li").inner_text()
    upload(applicant, case_url, "application_form")
    take(applicant, case_url, "submit_for_endorsement")
    applicant.wait_for_url(case_url)
    assert stage(applicant) == "endorsement"

    # 2. the competent authority finds it in its worklist and files it by letter
    authority.goto(live_server.url + "/cases/")
    authority.locator("[data-testid=worklist] a", has_text="智能网联汽车").first.click()
    take(authority, case_url, "endorse_and_file", {"#id_letter": "渝经信函〔2025〕33号"})
    authority.wait_for_url(case_url)
    assert stage(authority) == "formal_review"

    # 3. the regulator asks for supplements; the applicant uploads version 2 and resubmits
    today(2025, 9, 8)
    take(
        regulator,
        case_url,
        "request_supplement",
        {"#id_defects": "缺少设备清单", "#id_deadline_count": "15"},
    )
    regulator.wait_for_url(case_url)
    assert "2025年9月23日" in regulator.locator("[data-testid=obligations]").inner_text()
    upload(applicant, case_url, "application_form")
    assert "v2" in applicant.locator("[data-testid=materials]").inner_text()
    take(applicant, case_url, "resubmit")
    applicant.wait_for_url(case_url)
    take(regulator, case_url, "pass_formal_review")
    regulator.wait_for_url(case_url)
    today(2025, 9, 28)
    take(
        regulator,
        case_url,
        "open_public_notice",
        {"#id_opinions": "同意推荐"},
        {"#id_conclusion": "recommend"},
    )
    regulator.wait_for_url(case_url)
    assert stage(regulator) == "public_notice"

    # 4. anyone objects on the public portal, which shows the computed closing date
    visitor = browser.new_context().new_page()
    visitor.goto(live_server.url + "/cases/notices/")
    visitor.locator("[data-testid=notices] a", has_text="智能网联汽车").click()
    assert "2025年10月9日" in visitor.locator("[data-testid=closing]").inner_text()
    visitor.fill("#id_name", "张三")
    visitor.fill("#id_email", "zhang@example.com")
    visitor.fill("#id_text", "该单位设备不足")
    visitor.click("[data-testid=object]")
    visitor.wait_for_selector("[data-testid=objection-filed]")

    # 5. the regulator answers, closes the notice once it has run, approves construction
    regulator.goto(case_url)
    regulator.fill("[data-testid^=answer-] #id_answer", "经核实，设备满足要求")
    regulator.click("[data-testid^=answer-] button[type=submit]")
    regulator.wait_for_selector(".messages")
    today(2025, 10, 8)
    take(regulator, case_url, "close_public_notice")
    assert "2025-10-09" in regulator.locator("[data-testid=problem]").inner_text()
    today(2025, 10, 9)
    take(regulator, case_url, "close_public_notice")
    regulator.wait_for_url(case_url)
    today(2025, 10, 15)
    take(
        regulator,
        case_url,
        "approve_construction",
        {"#id_document_number": "渝市监发〔2025〕12号", "#id_document_date": "2025-10-15"},
    )
    regulator.wait_for_url(case_url)
    assert "渝市监发〔2025〕12号" in regulator.locator("[data-testid=decisions]").inner_text()
    assert "2027年10月15日" in regulator.locator("[data-testid=obligations]").inner_text()

    # 6. the applicant requests acceptance with the ten kinds of materials
    today(2025, 11, 10)
    for i in range(1, 11):
        upload(applicant, case_url, f"acceptance_material_{i}")
    take(
        applicant,
        case_url,
        "request_acceptance",
        checks=[f"input[value=acceptance_precondition_{i}]" for i in (1, 2, 3)],
    )
    applicant.wait_for_url(case_url)
    assert stage(applicant) == "acceptance_review"

    # 7. on-site acceptance with the district bureau's supervisor, who files a report
    take(
        regulator,
        case_url,
        "schedule_onsite_acceptance",
        {"#id_panel": "专家甲\n专家乙\n专家丙"},
        {"#id_supervisor": "cq_district"},
    )
    regulator.wait_for_url(case_url)
    supervisor.goto(live_server.url + "/cases/")
    supervisor.locator("[data-testid=worklist] a", has_text="智能网联汽车").first.click()
    supervisor.fill("[data-testid=supervisor-report] #id_text", "现场审查程序规范，评分独立")
    supervisor.click("[data-testid=supervisor-report] button[type=submit]")
    supervisor.wait_for_selector("[data-testid=note]")

    # 8. 79.5 fails: rectification within 3 months; after it, 80.0 passes
    today(2025, 11, 30)
    take(
        regulator,
        case_url,
        "establish",
        {
            "#id_score": "79.5",
            "#id_document_number": "渝市监发〔2025〕30号",
            "#id_document_date": "2025-11-30",
        },
    )
    assert "79.5" in regulator.locator("[data-testid=problem]").inner_text()
    take(
        regulator,
        case_url,
        "order_rectification",
        {"#id_score": "79.5", "#id_defects": "科研成果不足"},
    )
    regulator.wait_for_url(case_url)
    assert "2026年2月28日" in regulator.locator("[data-testid=obligations]").inner_text()
    today(2026, 2, 10)
    take(applicant, case_url, "submit_rectification")
    applicant.wait_for_url(case_url)
    today(2026, 2, 20)
    take(
        regulator,
        case_url,
        "establish",
        {
            "#id_score": "80.0",
            "#id_document_number": "渝市监发〔2026〕3号",
            "#id_document_date": "2026-02-20",
        },
    )
    regulator.wait_for_url(case_url)
    assert stage(regulator) == "established"
    timeline = regulator.locator("[data-testid=timeline]").inner_text()
    for who in ("赵磊", "王芳", "张明", "李强"):
        assert who in timeline

    # 9. the center is in the public registry
    visitor.goto(live_server.url + "/centers/")
    assert "重庆市智能网联汽车产业计量测试中心" in visitor.locator("main").inner_text()
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

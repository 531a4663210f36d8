"""Panels in a browser: the regulator draws a panel; each expert reads the case and its
materials, scores with the running total against the pass mark and confirms before the sheet
locks; the leader concludes; the regulator establishes the center and the applicant downloads the
decision, read back."""

import datetime as dt
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.cases import services
from metrohub.cases.models import Case
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.panels.models import Panel
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.e2e


@pytest.fixture
def today(monkeypatch):
    state = {"day": dt.date(2026, 6, 1)}
    monkeypatch.setattr(services.clock, "today", lambda: state["day"])
    return state


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


def sheet_values(rubric, total):
    """Item scores summing to `total` (deductions from the first items, with reasons)."""
    from decimal import Decimal

    short = Decimal(100) - Decimal(str(total))
    out = []
    for area in rubric.areas:
        for item in area["items"]:
            top = Decimal(str(item["max_points"]))
            cut = min(top, short)
            short -= cut
            out.append((item["code"], str(top - cut), f"{item['name_zh']}不足" if cut else ""))
    return out


def test_experts_read_the_materials_score_with_the_running_total_and_the_decision_prints(
    live_server, browser, world, today
):
    violations: list[str] = []
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(
            new_case(world, "chongqing", name="浏览器面板测试中心"),
            path_to(registry().latest("chongqing"), "onsite_acceptance"),
            clk,
        )
    today["day"] = dt.date(2026, 6, 1)
    regulator = person(browser, live_server, "cq_regulator", violations)
    regulator.goto(f"{live_server.url}/panels/case/{case.pk}/draw/")
    regulator.fill("#id_size", "3")
    regulator.fill("#id_seed", "20250601")
    regulator.click("form.form button[type=submit]")
    regulator.wait_for_selector("#members")
    expect(regulator.locator("#panel-seed")).to_have_text("20250601")
    panel = Panel.objects.get(case=case, purpose="onsite_acceptance")
    detail = f"{live_server.url}/panels/{panel.pk}/"

    members = list(panel.members.select_related("expert__user", "sheet"))
    for member in members:
        page = person(browser, live_server, member.expert.user.username, violations)
        # the member reads the case and downloads its materials while the panel sits
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        link = page.locator("[data-testid=materials] a").first
        with page.expect_download() as download:
            link.click()
        assert download.value.path().read_bytes().startswith(b"%PDF")
        page.goto(f"{live_server.url}/panels/sheets/{member.sheet.pk}/")
        running = page.locator("#sheet-total")
        expect(page.locator("[data-testid=running-total]")).to_contain_text("80")  # pass mark
        values = sheet_values(member.sheet.rubric, "80")
        typed = 0
        for code, value, reason in values:
            page.fill(f"#id_score_{code}", value)
            typed += float(value)
            if reason:
                page.fill(f"#id_reason_{code}", reason)
        expect(running).to_have_text(f"{typed:.1f}")  # the total follows the typing
        page.fill("#id_opinion", "该中心计量测试能力满足产业需求，同意通过。")
        asked: list[str] = []

        def answer(dialog, asked=asked):
            asked.append(dialog.message)
            dialog.accept()

        page.once("dialog", answer)
        page.click("#submit-sheet")
        page.wait_for_load_state()
        assert asked and "锁定" in asked[0]
        expect(page.locator("#submit-sheet")).to_have_count(0)
        page.context.close()

    leader = person(browser, live_server, panel.leader.user.username, violations)
    leader.goto(detail)
    leader.click("#conclude")
    expect(leader.locator("#panel-score")).to_have_text("80.0")

    regulator.goto(detail)
    regulator.fill("#id_document_number", "渝市监发〔2026〕7号")
    regulator.fill("#id_document_date", "2026-05-30")
    regulator.click("#apply button[type=submit]")
    regulator.wait_for_load_state()
    assert Case.objects.get(pk=case.pk).state == "established"

    # the establishment decision, downloaded by the applicant and read back
    applicant = person(browser, live_server, "cq_applicant", violations)
    applicant.goto(f"{live_server.url}/cases/{case.pk}/")
    with applicant.expect_download() as download:
        applicant.click("[data-testid=decision-establishment]")
    pdf = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    for part in (
        "重庆市市场监督管理局文件",
        "渝市监发〔2026〕7号",
        "关于批准成立浏览器面板测试中心的批复",
    ):
        assert part in text, part
    assert not violations

"""Panels in a browser: the regulator draws a panel, three experts score in Chinese, the leader
submits, and the case moves to establishment or rectification by the exact score (Chongqing:
79.5 fails, 80.0 passes)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

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


@pytest.mark.parametrize(
    ("totals", "score", "stage"),
    [
        (("79.5", "79.5", "79.5"), "79.5", "rectification"),
        (("80", "80", "80"), "80.0", "established"),
    ],
)
def test_draw_score_conclude_and_the_case_moves(
    live_server, browser, world, today, totals, score, stage
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
    expect(regulator.locator("#exclusions")).to_be_visible()
    expect(regulator.locator("#supervisor")).not_to_have_text("—")
    panel = Panel.objects.get(case=case)
    detail = f"{live_server.url}/panels/{panel.pk}/"

    members = list(panel.members.select_related("expert__user", "sheet"))
    for member, total in zip(members, totals, strict=True):
        page = person(browser, live_server, member.expert.user.username, violations)
        page.goto(f"{live_server.url}/panels/sheets/{member.sheet.pk}/")
        # a first try with a bad item shows the error on that item
        page.fill("#id_score_standards", "14.3")
        page.click("button[value=save]")
        expect(page.locator("#sheet-items .has-error")).to_have_count(1)
        for code, value, reason in sheet_values(member.sheet.rubric, total):
            page.fill(f"#id_score_{code}", value)
            if reason:
                page.fill(f"#id_reason_{code}", reason)
        page.fill("#id_opinion", "该中心计量测试能力基本满足产业需求，同意按评分结论处理。")
        page.click("#submit-sheet")
        page.wait_for_load_state()
        expect(page.locator("#submit-sheet")).to_have_count(0)
        page.context.close()

    leader = person(browser, live_server, panel.leader.user.username, violations)
    leader.goto(detail)
    leader.click("#conclude")
    expect(leader.locator("#panel-score")).to_have_text(score)

    regulator.goto(detail)
    if stage == "established":
        regulator.fill("#id_document_number", "渝市监发〔2026〕7号")
        regulator.fill("#id_document_date", "2026-05-30")
    regulator.click("#apply button[type=submit]")
    regulator.wait_for_load_state()
    assert Case.objects.get(pk=case.pk).state == stage
    assert not violations

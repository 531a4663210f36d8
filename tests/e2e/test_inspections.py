"""A district inspection in a browser: the district bureau opens an inspection of a center of its
district, fills in the pack's checklist with one finding and orders rectification by a date; the
center's director reports the rectification; the bureau closes the inspection, and the coverage
page shows the center inspected this year."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.cases import services
from metrohub.cases.models import Case
from metrohub.rulepacks.services import registry

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


def take(page, name):
    page.click(f"[data-transition={name}]")
    page.wait_for_selector("[data-testid=transition-form]")
    page.click("[data-testid=take]")
    page.wait_for_load_state()


@pytest.fixture
def today(monkeypatch):
    state = {"day": dt.date(2025, 9, 26)}
    monkeypatch.setattr(services.clock, "today", lambda: state["day"])

    def set_day(*ymd):
        state["day"] = dt.date(*ymd)

    return set_day


def test_a_district_inspection(live_server, browser, world, today):
    center = world["centers"]["CQ-AUTO"]
    Case.objects.create(
        rulepack_code="chongqing",
        rulepack_version="2024",
        state="established",
        filed_on=dt.date(2023, 1, 3),
        applicant=center.host,
        jurisdiction=world["jurisdictions"]["500000"],
        district=world["jurisdictions"]["500112"],
        center=center,
        center_name=center.name,
    )
    items = registry().get("chongqing", "2024").procedure("inspection").checklist
    violations: list[str] = []
    district = person(browser, live_server, "cq_district", violations)

    # the bureau opens an inspection of the center of its district
    district.goto(live_server.url + "/inspections/")
    district.select_option("#id_center", "CQ-AUTO")
    district.click("[data-testid=open-inspection] button[type=submit]")
    district.wait_for_selector("[data-testid=checklist-form]")
    case = Case.objects.get(kind="inspection")
    assert district.url == f"{live_server.url}/inspections/{case.pk}/"
    expect(district.locator("[data-testid=stage]")).to_have_text("待检查")
    legends = district.locator("[data-testid=checklist-form] legend")
    assert [t.split(" ")[0] for t in legends.all_inner_texts()] == [i.name_zh for i in items]

    # the checklist with one finding
    for item in items:
        result = "finding" if item.code == "main_tasks" else "conforming"
        district.check(f"input[name=result-{item.code}][value={result}]")
    district.fill("#note-main_tasks", "八项主要任务台账不完整")
    district.click("[data-testid=record]")
    district.wait_for_selector("[data-testid=results]")
    expect(district.locator("[data-testid=stage]")).to_have_text("已检查")
    row = district.locator("[data-testid=results] tr[data-item=main_tasks]")
    expect(row).to_contain_text("发现问题")
    expect(row).to_contain_text("八项主要任务台账不完整")

    # rectification by Monday 6 October, inside National Day: runs to Thursday 9 October
    district.fill("#id_reasons", "补齐八项主要任务台账")
    district.fill("#id_rectify_by", "2025-10-06")
    district.click("[data-testid=order]")
    district.wait_for_selector("[data-testid=rectify-by]")
    expect(district.locator("[data-testid=stage]")).to_have_text("整改中")
    expect(district.locator("[data-testid=rectify-by]")).to_have_text("2025年10月9日")

    # the center's director reports the rectification on its last day
    today(2025, 10, 9)
    director = person(browser, live_server, "cq_director", violations)
    director.goto(f"{live_server.url}/inspections/{case.pk}/")
    expect(director.locator("[data-testid=rectify-by]")).to_have_text("2025年10月9日")
    take(director, "report_rectification")
    director.goto(f"{live_server.url}/inspections/{case.pk}/")
    expect(director.locator("[data-testid=stage]")).to_have_text("整改复查")
    expect(director.locator("[data-testid=rectification-state]")).to_have_text("已完成")

    # the bureau closes it; the center counts as inspected this year
    district.goto(f"{live_server.url}/inspections/{case.pk}/")
    take(district, "close_inspection")
    district.goto(f"{live_server.url}/inspections/{case.pk}/")
    expect(district.locator("[data-testid=stage]")).to_have_text("已办结")
    district.goto(live_server.url + "/cases/inspections/")
    expect(district.locator("[data-testid=missing]")).to_have_attribute("data-count", "0")
    expect(district.locator("tr[data-center=CQ-AUTO]")).to_contain_text("已检查1次")
    assert violations == []

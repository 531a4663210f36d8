"""Open sharing and enquiries in a browser: an industry user finds an instrument from a
catalogue search, books an afternoon; the center's director approves; both see it in their
calendars. Then an enquiry is sent from the capability line and answered with a quote."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.legaltime.services import calendar_source

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


def free_working_day() -> dt.date:
    """A working day some weeks ahead, after the demo's bookings and blackout."""
    day = timezone.localdate() + dt.timedelta(days=25)
    source = calendar_source()
    while day.weekday() >= 5 or source.day(day).holiday:
        day += dt.timedelta(days=1)
    return day


def test_find_book_approve_see_in_both_calendars_then_enquire(live_server, browser, world):
    violations: list[str] = []
    industry = person(browser, live_server, "industry_user", violations)
    director = person(browser, live_server, "sh_simt_director", violations)
    day = free_working_day()
    heading = f"{day.year}年{day.month}月{day.day}日 14:00–16:00"

    # 1. the industry user searches the catalogue and opens the capability line
    industry.click("[data-nav='catalogue:search']")
    industry.fill("#id_q", "半导体参数分析仪")
    industry.click("[data-testid=search]")
    industry.wait_for_url("**/catalogue/?q=*")
    industry.locator("[data-testid=lines] a", has_text="直流电压").first.click()
    industry.wait_for_url("**/catalogue/lines/*/")
    # 2. the line lists the shared instrument; its page shows the week and the booking button
    industry.locator("[data-testid=line-resource]", has_text="半导体参数分析仪").click()
    expect(industry.locator("[data-testid=resource-name]")).to_have_text("半导体参数分析仪")
    expect(industry.locator("[data-testid=calendar] .day")).to_have_count(7)
    industry.click("[data-testid=book]")
    industry.fill("#id_date", day.isoformat())
    industry.fill("#id_start", "14:00")
    industry.fill("#id_end", "16:00")
    industry.fill("#id_purpose", "MOSFET 转移特性测试")
    industry.fill("#id_planned_samples", "6")
    industry.click("[data-testid=submit-booking]")
    industry.wait_for_url("**/sharing/bookings/*/")
    expect(industry.locator("[data-testid=status]")).to_have_text("待审批")
    expect(industry.locator("[data-testid=slot]")).to_have_text(heading)
    booking_url = industry.url

    # 3. the director finds it awaiting a decision and approves it
    director.goto(live_server.url + "/sharing/bookings/")
    director.locator("[data-testid=to-decide] a", has_text=heading).click()
    director.wait_for_url(booking_url)
    director.click("[data-testid=approve]")
    expect(director.locator("[data-testid=status]")).to_have_text("已确认")
    expect(director.locator(".messages")).to_contain_text("已批准")

    # 4. both see it in their calendars, on that day
    for page in (industry, director):
        page.goto(f"{live_server.url}/sharing/calendar/?view=month&date={day.isoformat()}")
        cell = page.locator(f"[data-testid=calendar] [data-date='{day.isoformat()}']")
        expect(cell.locator("[data-testid=calendar-booking]")).to_have_text(
            "14:00–16:00 半导体参数分析仪"
        )
    # anyone reading the resource's calendar sees that afternoon booked (without the name)
    industry.goto(booking_url)
    resource_path = industry.locator("[data-testid=resource-link]").get_attribute("href")
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}{resource_path}?date={day.isoformat()}")
    booked = visitor.locator(f"[data-date='{day.isoformat()}'] [data-kind=booking]")
    expect(booked).to_have_text("14:00–16:00 已预约")

    # 5. an enquiry from the capability line, answered by the center with a quote
    industry.goto(live_server.url + "/catalogue/?q=半导体参数分析仪")
    industry.locator("[data-testid=lines] a", has_text="直流电压").first.click()
    industry.click("[data-testid=enquire]")
    industry.fill("#id_subject", "直流电压 200 V 量程校准")
    industry.fill("#id_quantity", "2")
    industry.fill("#id_uncertainty", "0.01 %")
    industry.click("[data-testid=send]")
    industry.wait_for_url("**/enquiries/*/")
    expect(industry.locator("[data-testid=enquiry-status]")).to_have_text("待答复")
    enquiry_url = industry.url

    director.goto(live_server.url + "/enquiries/")
    director.locator("[data-testid=received] a", has_text="直流电压 200 V 量程校准").click()
    director.wait_for_url(enquiry_url)
    director.fill("[data-testid=quote-form] #id_amount", "1200")
    director.fill("[data-testid=quote-form] #id_text", "含校准证书，7 个工作日。")
    director.click("[data-testid=send-quote]")
    expect(director.locator("[data-testid=enquiry-status]")).to_have_text("已报价")

    industry.goto(enquiry_url)
    expect(industry.locator("[data-testid=quote]")).to_contain_text("1200.00")
    expect(industry.locator("[data-testid=first-answer]")).not_to_have_text("—")
    assert violations == []

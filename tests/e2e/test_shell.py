"""A regulator logs in, sees Chinese, switches to English and sees the regulator's navigation."""

import pytest

from metrohub.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_regulator_login_and_language_switch(live_server, page, world):
    page.goto(live_server.url + "/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    page.fill("#id_username", "cq_regulator")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert page.locator("#role-1").text_content().strip().startswith("项目主管部门")
    assert page.locator("[data-nav='accounts:people']").inner_text() == "人员"

    page.click(".langswitch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    nav = page.locator("#main-nav").inner_text()
    for label in ("Home", "Organisations", "People", "Event log"):
        assert label in nav
    assert page.locator("#role-1").text_content().strip().startswith("programme regulator")


def test_no_csp_violation_and_phone_layout(live_server, browser, world):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/")
    assert not page.locator("#main-nav").is_visible()
    page.click("[data-toggle=nav]")
    assert page.locator("#main-nav").is_visible()
    assert violations == []
    context.close()

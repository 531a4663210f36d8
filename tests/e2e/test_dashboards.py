"""The regulator's home in the browser: its charts drawn (the plan targets among them), the
statistics page's charts, at desktop and phone width — no console error, no CSP violation, no
sideways scrolling outside the tables."""

import pytest

from metrohub.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

PAINTED = """(selector) => {
    const c = document.querySelector(selector);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    return n;
}"""


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


@pytest.mark.parametrize("width", [1280, 390])
def test_regulator_home_and_statistics_draw_their_charts(live_server, browser, world, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "cq_regulator")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    targets = page.locator("[data-testid=chart-plan_targets]")
    targets.locator("canvas").first.wait_for(state="visible")
    assert targets.get_attribute("data-drawn") == "true"
    assert page.evaluate(PAINTED, "[data-testid=chart-plan_targets] canvas") > 1000
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.goto(live_server.url + "/statistics/")
    provinces = page.locator("[data-testid=chart-centers_by_province]")
    provinces.locator("canvas").first.wait_for(state="visible")
    assert provinces.get_attribute("data-drawn") == "true"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert problems == []
    context.close()

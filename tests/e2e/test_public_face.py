"""The public face in the browser: a service guide with its flow diagram, the registry with its
chart of centers by province, and the uncertainty form gaining an input row — in Chinese, with
no console error and no Content-Security-Policy violation."""

import pytest

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
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems


@pytest.mark.parametrize("width", [1280, 390])
def test_guide_with_its_flow_diagram(live_server, browser, world, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    page.goto(live_server.url + "/guides/chongqing/")
    assert page.locator("h1").inner_text() == "重庆市市级产业计量测试中心筹建申请"
    flow = page.locator("[data-testid=flow]")
    flow.locator("canvas").first.wait_for(state="visible")
    assert flow.get_attribute("data-drawn") == "true"
    box = flow.locator("canvas").first.bounding_box()
    assert box["width"] > 300 and box["height"] > 500
    assert page.evaluate(PAINTED, "[data-testid=flow] canvas") > 2000
    # An article link leads to the article in the legal basis.
    page.locator("#steps a.cite").first.click()
    assert page.evaluate("location.hash").startswith("#art-")
    # Nothing scrolls sideways outside the tables at phone width.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert problems == []
    context.close()


def test_registry_chart_by_province(live_server, browser, world):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    page.goto(live_server.url + "/centers/")
    chart = page.locator("[data-testid=province-chart]")
    chart.locator("canvas").first.wait_for(state="visible")
    assert chart.get_attribute("data-drawn") == "true"
    assert page.evaluate(PAINTED, "[data-testid=province-chart] canvas") > 1000
    page.select_option("#id_region", "420000")
    page.click("[data-testid=filters] button[type=submit]")
    rows = page.locator("[data-testid=centers] tbody tr")
    assert rows.count() == 2
    assert "湖北省" in rows.first.inner_text()
    assert problems == []
    context.close()


def test_uncertainty_form_adds_an_input(live_server, browser, world, tmp_path, settings):
    settings.METROHUB_UNCERTAINTY_RESULTS_DIR = tmp_path
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = _watch(page)
    page.goto(live_server.url + "/uncertainty/")
    assert page.locator("[data-testid=input-rows] tbody tr").count() == 3
    page.click("[data-testid=add-input]")
    page.fill("#id_inputs-3-symbol", "dT_drift")
    page.select_option("#id_inputs-3-kind", "rectangular")
    page.fill("#id_inputs-3-value", "0")
    page.fill("#id_inputs-3-uncertainty", "0.1")
    page.fill("#id_model-model", "T + dT_cal + dT_res + dT_drift")
    page.select_option("#id_builder_method", "gum")
    page.click("[data-testid=evaluate-form]")
    page.wait_for_selector("[data-testid=results]")
    assert "dT_drift" in page.locator("[data-testid=budget-table]").inner_text()
    assert '"dT_drift"' in page.locator("#id_budget").input_value()
    assert problems == []
    context.close()

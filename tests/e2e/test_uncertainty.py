"""The calculator in the browser: Chinese page, the sample evaluated, the histogram drawn by
ECharts from the data island, the verdict shown, and no Content-Security-Policy violation."""

import pytest

pytestmark = pytest.mark.e2e


def test_sample_evaluated_in_chinese_with_chart(live_server, browser, world, tmp_path, settings):
    settings.METROHUB_UNCERTAINTY_RESULTS_DIR = tmp_path
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Every script and style the page asks for is there (favicon aside, which no page has).
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )

    page.goto(live_server.url + "/uncertainty/")
    assert page.locator("h1").inner_text() == "测量不确定度计算器"
    assert '"mcm": {' in page.locator("#id_budget").input_value()  # the sample is prefilled

    page.click("[data-testid=evaluate]")
    page.wait_for_selector("[data-testid=results]")
    assert "不确定度分量汇总表" in page.locator("[data-testid=results]").inner_text()
    assert "t = (100.14 ± 0.70) °C，k = 2" in page.locator("[data-testid=gum-report]").inner_text()
    verdict = page.locator("[data-testid=verdict]")
    assert verdict.inner_text().startswith("GUM 法评定结果通过蒙特卡洛法验证")
    assert verdict.get_attribute("data-validated") == "true"

    canvas = page.locator("[data-testid=histogram] canvas")
    canvas.first.wait_for(state="visible")
    box = canvas.first.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    # ECharts drew something: the canvas is not blank.
    painted = page.evaluate(
        """() => {
            const c = document.querySelector('[data-testid=histogram] canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
            return n;
        }"""
    )
    assert painted > 1000
    page.screenshot(path=str(tmp_path / "uncertainty.png"), full_page=True)
    assert problems == []
    context.close()


def test_bad_budget_shows_the_paths(live_server, page, world):
    page.goto(live_server.url + "/uncertainty/")
    page.fill("#id_budget", '{"measurands": [], "inputs": [{"symbol": "x", "value": "a"}]}')
    page.click("[data-testid=evaluate]")
    errors = page.locator("[data-testid=errors]").inner_text()
    assert "inputs[0].value: 必须是有限数值" in errors
    assert "measurands: 不能为空" in errors
    assert page.locator("[data-testid=results]").count() == 0

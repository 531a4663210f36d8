"""A visitor searches the catalogue in Chinese and opens a center's page."""

import pytest

pytestmark = pytest.mark.e2e


def test_search_in_chinese_and_open_a_center(live_server, page, world):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + "/")
    page.click("[data-nav='catalogue:search']")
    assert page.locator("h1").inner_text() == "能力目录"
    page.fill("#id_q", "压力")
    page.click("[data-testid=search]")
    page.wait_for_url("**/catalogue/?q=*")
    lines = page.locator("[data-testid=lines]").inner_text()
    assert "数字压力计" in lines
    assert "力学" in page.locator("[data-testid=facets]").inner_text()
    page.locator("[data-testid=lines] a", has_text="重庆市汽车零部件产业计量测试中心").first.click()
    page.wait_for_url("**/centers/CQ-AUTO/")
    assert (
        page.locator("[data-testid=center-name]").inner_text() == "重庆市汽车零部件产业计量测试中心"
    )
    assert "JJG 52—2013" in page.locator("[data-testid=lines]").inner_text()
    assert violations == []

"""The calculator page at /uncertainty/: evaluate, errors, downloads (JSON and PDF)."""

import html as htmllib
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from metrohub.uncertainty import services

pytestmark = pytest.mark.usefixtures("uncertainty_web")

PAGE = "/uncertainty/"


def _text(response) -> str:
    """The page's visible text, tags dropped and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return htmllib.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def test_page_is_chinese_with_the_sample_prefilled(client, world):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>测量不确定度计算器</h1>" in html
    assert '<script src="/static/echarts/echarts.min.js" defer></script>' in html
    textarea = re.search(r'<textarea id="id_budget"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert json.loads(textarea.replace("&quot;", '"').replace("&#x27;", "'")) == (
        services.SAMPLE_BUDGET
    )
    assert 'data-nav="uncertainty:calculator"' in html  # in the navigation, for everyone
    assert "style=" not in html  # strict CSP: no inline style


def test_gum_443_side_by_side(client, world, gum_443):
    response = client.post(PAGE, {"budget": json.dumps(gum_443), "method": "both"})
    assert response.status_code == 200
    text = _text(response)
    assert "不确定度分量汇总表" in text
    assert "T °C 100.145 0.3329 1 0.3329 19 A 类 · 正态" in text  # the budget row
    assert "估计值 y 100.145 合成标准不确定度 u_c 0.3329 有效自由度 ν_eff 19" in text
    assert "t = (100.14 ± 0.67) °C，k = 2" in text
    assert "试验次数 20000 随机数种子 7" in text
    assert "GUM 法评定结果通过蒙特卡洛法验证" in text
    html = response.content.decode()
    assert 'data-histogram="uncertainty-chart-0"' in html
    island = re.search(
        r'<script id="uncertainty-chart-0" type="application/json">(.*?)</script>', html, re.S
    )
    chart = json.loads(island.group(1))
    assert sum(count for _, count in chart["bars"]) > 0.99 * 20_000
    assert chart["labels"]["y"] == "试验次数" and len(chart["curve"]) == len(chart["bars"])


def test_english_by_the_language_switch(client, world, gum_443):
    client.cookies["metrohub_language"] = "en"
    text = _text(client.post(PAGE, {"budget": json.dumps(gum_443)}))
    assert "Uncertainty budget" in text and "t = (100.14 ± 0.67) °C, k = 2" in text
    assert "The GUM uncertainty framework is validated" in text


def test_gum_only_and_several_measurands(client, world, h2_budget):
    response = client.post(PAGE, {"budget": json.dumps(h2_budget), "method": "gum"})
    text = _text(response)
    assert "被测量之间的相关系数（GUM 法）" in text
    assert "R / kΩ = V*cos(phi)/I" in text and "Z / kΩ = V/I" in text
    html = response.content.decode()
    assert 'data-testid="gum-result"' in html and 'data-testid="mcm-result"' not in html
    assert 'data-testid="histogram"' not in html


def test_bad_input_names_each_path_and_changes_nothing(client, world, bad_budget):
    bad_budget["inputs"][0]["observations"][3] = "x"
    posted = json.dumps(bad_budget)
    response = client.post(PAGE, {"budget": posted})
    assert response.status_code == 200
    text = _text(response)
    assert "预算文件有误" in text
    assert "inputs[0].observations[3] : 必须是有限数值" in text
    assert "inputs[1].uncertainty.half_width : 必须 > 0" in text
    assert 'data-testid="results"' not in response.content.decode()
    assert posted.replace('"', "&quot;") in response.content.decode()  # the text is kept


@pytest.mark.parametrize(
    ("budget", "expected"),
    [("", "$ : 请粘贴或上传预算文件。"), ("{oops", "$ : JSON 格式错误"), ("[]", "$ : 必须是对象")],
)
def test_unreadable_input(client, world, budget, expected):
    assert expected in _text(client.post(PAGE, {"budget": budget}))


def test_upload_replaces_the_text(client, world, gum_443):
    upload = SimpleUploadedFile(
        "b.json", ("\ufeff" + json.dumps(gum_443)).encode(), content_type="application/json"
    )
    response = client.post(PAGE, {"budget": "{}", "file": upload, "method": "gum"})
    assert "t = (100.14 ± 0.67) °C，k = 2" in _text(response)


def test_page_limits_monte_carlo_trials(client, world, gum_443):
    gum_443["mcm"] = {"trials": 5_000_000}
    text = _text(client.post(PAGE, {"budget": json.dumps(gum_443)}))
    assert "mcm.trials : 本页面对此预算最多进行 2,000,000 次试验；登录后可将更大的评定" in text
    gum_443["mcm"] = {"adaptive": True, "significant_digits": 1, "seed": 1}
    text = _text(client.post(PAGE, {"budget": json.dumps(gum_443)}))
    assert "自适应蒙特卡洛法最多进行 2,000,000 次试验" in text
    assert "GUM 法评定结果" in text


def test_budget_download(client, world, gum_443):
    sample = client.get("/uncertainty/budget.json")
    assert sample["Content-Type"] == "application/json; charset=utf-8"
    assert sample["Content-Disposition"] == 'attachment; filename="uncertainty-budget.json"'
    assert json.loads(sample.content) == services.SAMPLE_BUDGET

    posted = client.post("/uncertainty/budget.json", {"budget": json.dumps(gum_443)})
    assert posted.status_code == 200
    assert json.loads(posted.content) == gum_443
    assert "°C" in posted.content.decode()  # kept readable, not \u escapes


def test_budget_download_refuses_a_bad_budget(client, world, bad_budget):
    response = client.post("/uncertainty/budget.json", {"budget": json.dumps(bad_budget)})
    assert response["Content-Type"].startswith("text/html")
    assert "inputs[1].uncertainty.half_width : 必须 > 0" in _text(response)


def test_pdf_report(client, world):
    response = client.post(PAGE + "report.pdf", {"budget": services.sample_text()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="uncertainty-report.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "测量不确定度评定报告" in text
    assert "不确定度分量汇总表" in text
    assert "t = (100.14 ± 0.70) °C" in text  # U = 0.70 °C, k = 2
    assert "U = 0.70 °C" in text
    assert "通过蒙特卡洛法验证" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        if "/BaseFont" in font.get_object()
    }
    assert fonts and all("Noto-Sans" in name for name in fonts), fonts


def test_pdf_of_a_bad_budget_shows_the_errors(client, world, bad_budget):
    response = client.post(PAGE + "report.pdf", {"budget": json.dumps(bad_budget)})
    assert response["Content-Type"].startswith("text/html")
    assert "inputs[1].uncertainty.half_width : 必须 > 0" in _text(response)


def test_report_is_post_only(client, world):
    assert client.get(PAGE + "report.pdf").status_code == 405


def _wide_budget(inputs: int, trials: int) -> dict:
    return {
        "measurands": [{"symbol": "Y", "model": " + ".join(f"x{i}" for i in range(inputs))}],
        "inputs": [
            {
                "symbol": f"x{i}",
                "value": 1.0,
                "uncertainty": {"distribution": "rectangular", "half_width": 0.1},
            }
            for i in range(inputs)
        ],
        "mcm": {"trials": trials, "seed": 1},
    }


def test_anonymous_runs_are_bounded_by_their_draws_too(client, world):
    # 200 inputs x 2,000,000 trials: 400 million draws, 5.4 s of the server's time.
    budget = json.dumps(_wide_budget(200, 2_000_000))
    text = _text(client.post(PAGE, {"budget": budget}))
    assert "mcm.trials : 本页面对此预算最多进行 50,000 次试验；登录后可将更大的评定" in text
    assert "Y = 200.0" not in text


def test_a_signed_in_persons_large_run_is_queued(client_for, world):
    from metrohub.uncertainty import services as uncertainty_services

    budget = json.dumps(_wide_budget(200, 60_000))
    response = client_for("industry").post(PAGE, {"budget": budget})
    text = _text(response)
    assert "60,000 次试验的蒙特卡洛评定已作为后台任务排队" in text
    assert "Y = 200.0 ± 1.6，k = 2" in text  # the GUM result now, the Monte Carlo one later
    task_id = text.split("已作为后台任务排队（", 1)[1].split("）", 1)[0]
    owner = world["users"]["industry_user"].pk
    found, _outcome = uncertainty_services.owned_outcome(task_id, owner)
    assert found


def test_the_budget_format_points_to_what_a_visitor_can_open(client, world):
    """The help sent the visitor to docs/uncertainty.md, a file of the source tree."""
    html = client.get(PAGE).content.decode()
    assert "docs/uncertainty.md" not in html
    assert '格式见<a href="/uncertainty/budget.json">示例预算</a>：' in html
    sample = client.get("/uncertainty/budget.json")
    assert sample.status_code == 200 and sample["Content-Type"].startswith("application/json")

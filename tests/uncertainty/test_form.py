"""The calculator's form: the model and its inputs row by row, no JSON written by hand; the same
results as the JSON box; errors on the row or field they concern; unknown keys name the valid
ones."""

import json
import re

PAGE = "/uncertainty/"
GUM_443 = "t = (100.14 ± 0.70) °C，k = 2"


def _text(response) -> str:
    return response.content.decode()


def _sample_rows() -> dict:
    """The form as the page shows it with the sample budget (GUM 4.4.3)."""
    observations = (
        "96.90 98.18 98.25 98.61 99.03 99.49 99.56 99.74 99.89 100.07 100.33 100.42 100.68 "
        "100.95 101.11 101.20 101.57 101.84 102.36 102.72"
    )
    rows = [
        {"symbol": "T", "unit": "°C", "kind": "observations", "observations": observations},
        {"symbol": "dT_cal", "unit": "°C", "kind": "expanded", "value": "0", "uncertainty": "0.2", "k": "2"},
        {"symbol": "dT_res", "unit": "°C", "kind": "rectangular", "value": "0", "uncertainty": "0.05"},
    ]  # fmt: skip
    data = {
        "mode": "form",
        "method": "gum",
        "model-symbol": "t",
        "model-unit": "°C",
        "model-model": "T + dT_cal + dT_res",
        "model-k": "2",
        "model-trials": "200000",
        "inputs-TOTAL_FORMS": str(len(rows)),
        "inputs-INITIAL_FORMS": "0",
        "inputs-MIN_NUM_FORMS": "1",
        "inputs-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        data.update({f"inputs-{i}-{key}": value for key, value in row.items()})
    return data


def test_the_page_shows_the_sample_as_rows(client, db):
    html = _text(client.get(PAGE))
    symbols = re.findall(r'name="inputs-\d+-symbol"[^>]*value="([^"]+)"', html)
    assert symbols == ["T", "dT_cal", "dT_res"]
    assert re.search(r'name="model-model"[^>]*value="T \+ dT_cal \+ dT_res"', html)
    assert 'id="uc-empty-row"' in html and "inputs-__prefix__-symbol" in html
    assert '<option value="rectangular" selected>' in html


def test_the_form_evaluates_as_the_json_does(client, db):
    html = _text(client.post(PAGE, _sample_rows()))
    assert GUM_443 in html
    # The budget the form made is in the JSON box, ready to keep.
    box = re.search(r'<textarea id="id_budget"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    document = json.loads(box.replace("&quot;", '"').replace("&#x27;", "'"))
    assert document["inputs"][1] == {
        "symbol": "dT_cal",
        "unit": "°C",
        "value": 0.0,
        "uncertainty": {"distribution": "normal", "expanded": 0.2, "k": 2.0},
    }
    assert document["mcm"] == {"trials": 200000}


def test_a_removed_row_the_model_still_uses(client, db):
    data = _sample_rows()
    data["inputs-2-DELETE"] = "on"
    html = _text(client.post(PAGE, data))
    assert GUM_443 not in html
    assert "未知的名称“dT_res”" in html
    assert 'data-testid="results"' not in html


def test_row_errors_are_on_their_row(client, db):
    data = _sample_rows()
    data["inputs-1-value"] = ""
    data["inputs-2-symbol"] = "dT_cal"
    data["inputs-0-observations"] = "99.1 abc"
    html = _text(client.post(PAGE, data))
    assert "请填写输入量的值。" in html
    assert "“abc”不是数字。" in html
    assert 'data-testid="results"' not in html
    data = _sample_rows()
    data["inputs-2-symbol"] = "dT_cal"
    html = _text(client.post(PAGE, data))
    assert "每个输入量须有各自的符号：dT_cal 重复使用。" in html


def test_an_added_row(client, db):
    data = _sample_rows()
    data.update(
        {
            "inputs-TOTAL_FORMS": "4",
            "inputs-3-symbol": "dT_drift",
            "inputs-3-kind": "standard",
            "inputs-3-value": "0",
            "inputs-3-uncertainty": "0.1",
            "inputs-3-dof": "10",
            "model-model": "T + dT_cal + dT_res + dT_drift",
        }
    )
    html = _text(client.post(PAGE, data))
    assert 'data-testid="gum-report"' in html and GUM_443 not in html
    assert "dT_drift" in re.search(r'data-testid="budget-table".*?</table>', html, re.S).group(0)


def test_unknown_key_lists_the_valid_ones(client, db):
    budget = {
        "measurands": [{"symbol": "y", "model": "x", "unti": "m"}],
        "inputs": [{"symbol": "x", "value": 1}],
    }
    html = _text(client.post(PAGE, {"budget": json.dumps(budget)}))
    assert (
        "measurands[0].unti</code>: 未知的键；此处可用的键：description, model, symbol, unit"
        in html
    )


def test_a_wrong_model_or_json_is_explained_in_chinese(client, db):
    """The parser's English reached the page: 表达式无效：invalid syntax, 不支持的语法：BitAnd,
    无法在输入量估计值处计算：float division by zero, JSON 格式错误：Expecting value: line 1 …"""
    found = {}
    for model in ("T + * dT_cal", "T & dT_cal", "T / dT_cal"):
        data = _sample_rows()
        data["model-model"] = model
        found[model] = _text(client.post(PAGE, data))
    assert "表达式无效：第 5 个字符附近有语法错误" in found["T + * dT_cal"]
    assert "不支持的语法：T &amp; dT_cal" in found["T & dT_cal"]
    assert "无法在输入量估计值处计算（除数为零或函数超出定义域）" in found["T / dT_cal"]
    found["json"] = _text(client.post(PAGE, {"budget": '{\n  "title": "x",\n  oops\n}'}))
    assert "JSON 格式错误：第 3 行第 3 列" in found["json"]
    found["nan"] = _text(client.post(PAGE, {"budget": '{"title": NaN}'}))
    assert "JSON 格式错误：不允许 NaN" in found["nan"]
    for html in found.values():
        assert not re.search(
            r"invalid syntax|BitAnd|division by zero|Expecting|not valid JSON", html
        )
        assert 'data-testid="results"' not in html

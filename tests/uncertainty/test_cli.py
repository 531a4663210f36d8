import io
import json

import pytest

from metrohub.uncertainty.cli import main


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def budget_file(tmp_path, h2_budget):
    path = tmp_path / "h2.json"
    path.write_text(json.dumps(h2_budget, ensure_ascii=False), encoding="utf-8")
    return path


def test_readable_table(budget_file):
    code, out, err = _run(["evaluate", str(budget_file)])
    assert code == 0 and not err
    assert "R [kΩ] = V*cos(phi)/I" in out
    assert "|c|·u" in out and "MCM:" in out and "GUM:" in out
    assert "R = (0.12773 ± 0.00014) kΩ, k = 2" in out


def test_json_output(budget_file):
    code, out, _ = _run(["evaluate", str(budget_file), "--json", "--method", "gum"])
    result = json.loads(out)
    assert code == 0 and result["method"] == "gum"
    assert [m["symbol"] for m in result["measurands"]] == ["R", "X", "Z"]
    assert result["measurands"][0]["mcm"] is None


def test_malformed_file_exits_2_naming_the_path(tmp_path, h2_budget):
    h2_budget["inputs"][2] = {
        "symbol": "phi",
        "value": 1.0,
        "uncertainty": {"distribution": "arcsine", "half_width": -1},
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(h2_budget), encoding="utf-8")
    code, out, err = _run(["evaluate", str(path)])
    assert code == 2 and not out
    assert f"{path}: inputs[2].uncertainty.half_width: must be > 0" in err


def test_invalid_json_and_missing_file_exit_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    assert _run(["evaluate", str(path)])[0] == 2
    assert _run(["evaluate", str(tmp_path / "nope.json")])[0] == 2


def test_usage_errors_exit_2(capsys):
    assert main(["evaluate"]) == 2
    assert main(["evaluate", "x.json", "--method", "fast"]) == 2
    assert "metrohub uncertainty" in capsys.readouterr().err

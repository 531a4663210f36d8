"""`metrohub uncertainty evaluate FILE.json [--method gum|mcm|both] [--json]`."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

METROHUB = Path(sys.executable).with_name("metrohub")


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("uncertainty", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def budget_file(tmp_path, gum_443):
    path = tmp_path / "gum443.json"
    path.write_text(json.dumps(gum_443, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path, bad_budget):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad_budget), encoding="utf-8")
    return path


def test_readable_table(budget_file):
    out, err = _call("evaluate", str(budget_file))
    assert not err
    assert "t [°C] = T" in out and "|c|·u" in out
    assert "t = (100.14 ± 0.67) °C, k = 2" in out
    assert "MCM: " in out and "trials = 20000, seed = 7" in out


def test_json_with_a_method(budget_file):
    out, _ = _call("evaluate", str(budget_file), "--method", "gum", "--json")
    result = json.loads(out)
    assert result["method"] == "gum" and result["measurands"][0]["mcm"] is None
    assert result["measurands"][0]["gum"]["dof"] == 19


def test_malformed_file_exits_2_naming_the_path(bad_file):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("uncertainty", "evaluate", str(bad_file), stdout=out, stderr=err)
    assert exit_.value.code == 2
    assert out.getvalue() == ""
    assert err.getvalue() == f"{bad_file}: inputs[1].uncertainty.half_width: must be > 0\n"


def _run(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "metrohub.settings"}
    return subprocess.run(
        [str(METROHUB), "uncertainty", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_real_command_line_exits_2(bad_file, budget_file):
    done = _run("evaluate", str(bad_file))
    assert done.returncode == 2 and done.stdout == ""
    assert f"{bad_file}: inputs[1].uncertainty.half_width: must be > 0" in done.stderr
    assert "Traceback" not in done.stderr

    done = _run("evaluate", str(budget_file), "--json", "--method", "gum")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["measurands"][0]["symbol"] == "t"

    assert _run("evaluate").returncode == 2  # usage error from the engine's own parser


def test_the_engine_imports_no_django():
    code = (
        "import sys, metrohub.uncertainty as u, metrohub.uncertainty.cli;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

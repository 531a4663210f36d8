import copy
import json
import math

import pytest

from metrohub.uncertainty import messages
from metrohub.uncertainty.budget import BudgetError, dumps, evaluate, load_budget, parse_budget


def _errors(budget: dict) -> list[tuple[str, str]]:
    with pytest.raises(BudgetError) as info:
        parse_budget(budget)
    return info.value.errors


def test_issue_example_evaluates_with_the_documented_result_shape(issue_budget):
    result = evaluate(issue_budget)
    json.loads(dumps(result))  # plain JSON: no NaN, no numpy types
    [m] = result["measurands"]
    assert (m["symbol"], m["unit"]) == ("R", "Ω")
    g = m["gum"]
    for key in ("value", "standard_uncertainty", "dof", "k", "expanded_uncertainty", "budget",
                "report"):  # fmt: skip
        assert key in g
    assert isinstance(g["dof"], int) and g["k"] == 2
    assert [row["symbol"] for row in g["budget"]] == ["V", "I", "phi", "x", "t", "s", "p", "c"]
    assert g["report"]["en"]["short"].startswith("R = ")
    mc = m["mcm"]
    for key in ("value", "standard_uncertainty", "interval", "shortest_interval", "trials", "seed",
                "tolerance", "gum_validated"):  # fmt: skip
        assert key in mc
    assert mc["trials"] == 100_000 and mc["seed"] == 1
    assert isinstance(mc["gum_validated"], bool)
    assert set(mc["verdict"]) == {"zh", "en"}


def test_methods(issue_budget):
    gum_only = evaluate(issue_budget, method="gum")["measurands"][0]
    assert gum_only["mcm"] is None and gum_only["gum"]
    mcm_only = evaluate(issue_budget, method="mcm")["measurands"][0]
    assert mcm_only["gum"] is None and mcm_only["mcm"]["gum_validated"] in (True, False)
    with pytest.raises(ValueError):
        evaluate(issue_budget, method="fast")


def test_dof_null_when_infinite():
    budget = {"measurands": [{"symbol": "y", "model": "x"}],
              "inputs": [{"symbol": "x", "value": 1, "uncertainty": {"standard": 0.1}}]}  # fmt: skip
    g = evaluate(budget, method="gum")["measurands"][0]["gum"]
    assert g["dof"] is None and g["budget"][0]["dof"] is None


def test_gum_h2_budget_file(h2_budget):
    result = evaluate(h2_budget)
    values = [round(m["gum"]["value"] * 1000, 3) for m in result["measurands"]]
    assert values == [127.732, 219.847, 254.260]
    r = result["correlation"]["gum_correlation"]
    assert [round(r[0][1], 3), round(r[0][2], 3), round(r[1][2], 3)] == [-0.588, -0.485, 0.993]
    assert all(m["gum"]["dof"] == 4 for m in result["measurands"])


def test_coverage_probability_gives_k_from_t():
    budget = {"measurands": [{"symbol": "y", "model": "x"}],
              "inputs": [{"symbol": "x", "observations": [1.0, 1.1, 0.9, 1.05]}],
              "coverage": {"probability": 0.95}, "mcm": {"adaptive": True, "seed": 3}}  # fmt: skip
    m = evaluate(budget)["measurands"][0]
    assert m["gum"]["dof"] == 3 and m["gum"]["k"] == pytest.approx(3.182, abs=1e-3)
    assert m["gum"]["report"]["en"]["short"].endswith("p = 95 %")
    assert m["mcm"]["adaptive"] and m["mcm"]["probability"] == 0.95


def test_the_error_named_in_the_issue(issue_budget):
    issue_budget["inputs"][3] = {
        "symbol": "x",
        "value": 1.0,
        "uncertainty": {"distribution": "rectangular", "half_width": 0},
    }
    assert _errors(issue_budget) == [("inputs[3].uncertainty.half_width", "must be > 0")]
    with pytest.raises(BudgetError) as info:
        parse_budget(issue_budget)
    assert str(info.value) == "inputs[3].uncertainty.half_width: must be > 0"
    assert info.value.translated("zh-hans") == [("inputs[3].uncertainty.half_width", "必须 > 0")]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda b: b.pop("measurands"), ("measurands", "is required")),
        (
            lambda b: b.update(extra=1),
            (
                "extra",
                "unknown key; valid keys here: correlations, coverage, description, inputs, mcm, "
                "measurands, report, title",
            ),
        ),
        (lambda b: b["measurands"][0].update(model="V*Q"), ("measurands[0].model",
                                                            "unknown name 'Q'")),
        (lambda b: b["measurands"][0].update(model="V.__class__"),
         ("measurands[0].model", "unsupported syntax: V.__class__")),
        (lambda b: b["inputs"][0].update(observations=[1.0]),
         ("inputs[0].observations", "needs at least 2 observations")),
        (lambda b: b["inputs"][0]["observations"].__setitem__(2, "x"),
         ("inputs[0].observations[2]", "must be a finite number")),
        (lambda b: b["inputs"][1].update(symbol="V"), ("inputs[1].symbol",
                                                       "symbol 'V' is already used")),
        (lambda b: b["inputs"][1].update(symbol="sin"),
         ("inputs[1].symbol", "'sin' is reserved for a function or constant")),
        (lambda b: b["inputs"][2]["uncertainty"].update(dof=0),
         ("inputs[2].uncertainty.dof", "must be > 0")),
        (lambda b: b["inputs"][4]["uncertainty"].update(distribution="gaussian"),
         ("inputs[4].uncertainty.distribution",
          "must be one of: rectangular, triangular, arcsine, trapezoidal")),
        (lambda b: b["inputs"][4]["uncertainty"].update(distribution="trapezoidal"),
         ("inputs[4].uncertainty.beta", "is required")),
        (lambda b: b["inputs"][5]["uncertainty"].update(probability=0.95),
         ("inputs[5].uncertainty", "give exactly one of: k, probability")),
        (lambda b: b["inputs"][6]["uncertainty"].update(probability=1.5),
         ("inputs[6].uncertainty.probability", "must be between 0 and 1 (exclusive)")),
        (lambda b: b["inputs"][7].update(value=True), ("inputs[7].value",
                                                      "must be a finite number")),
        (lambda b: b["inputs"][7].pop("value"), ("inputs[7].value", "is required")),
        (lambda b: b["correlations"][0].update(r=1.5),
         ("correlations[0].r", "must be <= 1")),
        (lambda b: b["correlations"][0].update(inputs=["V", "W"]),
         ("correlations[0].inputs[1]", "unknown input 'W'")),
        (lambda b: b["correlations"][0].update(inputs=["V", "c"]),
         ("correlations[0].inputs[1]", "input 'c' is a constant and cannot be correlated")),
        (lambda b: b["correlations"].append({"inputs": ["I", "V"], "r": 0.1}),
         ("correlations[1].inputs", "correlation between 'I' and 'V' is already given")),
        (lambda b: b["correlations"].append({"inputs": ["V", "x"], "from": "observations"}),
         ("correlations[1].inputs", "input 'x' has no observations")),
        (lambda b: b.update(coverage={"k": 2, "probability": 0.95}),
         ("coverage", "give exactly one of: k, probability")),
        (lambda b: b.update(mcm={"trials": 10}), ("mcm.trials", "must be >= 100")),
        (lambda b: b.update(mcm={"trials": 1e6, "adaptive": True}),
         ("mcm.trials", "is not allowed with adaptive")),
        (lambda b: b.update(mcm={"trials": 1000.5}), ("mcm.trials", "must be an integer")),
        (lambda b: b.update(report={"rounding": "down"}),
         ("report.rounding", "must be one of: half-even, up")),
        (lambda b: b.update(report={"significant_digits": 3}),
         ("report.significant_digits", "must be <= 2")),
    ],
)  # fmt: skip
def test_errors_name_the_json_path(issue_budget, mutate, expected):
    mutate(issue_budget)
    assert expected in _errors(issue_budget)


def test_all_problems_are_reported_at_once(issue_budget):
    issue_budget["inputs"][3]["uncertainty"]["standard"] = -1
    issue_budget["coverage"] = {"k": 0}
    paths = [path for path, _ in _errors(issue_budget)]
    assert paths == ["inputs[3].uncertainty.standard", "coverage.k"]


def test_correlation_matrix_must_be_positive_semidefinite(issue_budget):
    issue_budget["inputs"][2] = {"symbol": "phi", "value": 1.0, "uncertainty": {"standard": 0.1}}
    issue_budget["correlations"] = [
        {"inputs": ["I", "phi"], "r": 0.9}, {"inputs": ["phi", "x"], "r": 0.9},
        {"inputs": ["I", "x"], "r": -0.9},
    ]  # fmt: skip
    assert _errors(issue_budget) == [("correlations", "the correlation matrix is not positive "
                                                      "semi-definite")]  # fmt: skip


def test_not_an_object():
    assert _errors([]) == [("$", "must be an object")]


def test_model_that_cannot_be_evaluated_names_its_measurand():
    budget = {"measurands": [{"symbol": "a", "model": "x"}, {"symbol": "b", "model": "log(x)"}],
              "inputs": [{"symbol": "x", "value": -1, "uncertainty": {"standard": 0.1}}]}  # fmt: skip
    with pytest.raises(BudgetError) as info:
        evaluate(budget)
    assert info.value.errors[0][0] == "measurands[1].model"


def test_load_budget(tmp_path, issue_budget):
    path = tmp_path / "b.json"
    path.write_text("\ufeff" + json.dumps(issue_budget), encoding="utf-8")
    assert load_budget(path) == issue_budget
    path.write_text('{"a": NaN}', encoding="utf-8")
    with pytest.raises(BudgetError) as info:
        load_budget(path)
    assert info.value.errors[0][:2] == ("$", "NaN is not valid JSON")
    with pytest.raises(BudgetError):
        load_budget(tmp_path / "missing.json")


def test_messages_have_both_languages():
    assert set(messages.EN) == set(messages.ZH_HANS)
    for code, text in messages.EN.items():
        fields = {n for _, n, _, _ in __import__("string").Formatter().parse(text) if n}
        zh = {n for _, n, _, _ in __import__("string").Formatter().parse(messages.ZH_HANS[code])
              if n}  # fmt: skip
        assert fields == zh, code


def test_evaluate_does_not_modify_its_input(issue_budget):
    before = copy.deepcopy(issue_budget)
    evaluate(issue_budget, method="gum")
    assert issue_budget == before


def test_texts_of_a_budget_are_bounded(issue_budget):
    budget = copy.deepcopy(issue_budget)
    budget["title"] = "长" * 100_000
    assert _errors(budget) == [("title", "must not be longer than 2000 characters")]
    assert messages.render("too_long", {"maximum": 2000}, "zh-hans") == "不能超过 2000 个字符"


# --- many points of one budget ------------------------------------------------------------------

POINT_BUDGET = {
    "measurands": [{"symbol": "E", "model": "X - S", "unit": "MPa"}],
    "inputs": [
        {
            "symbol": "X",
            "value": 0.0,
            "uncertainty": {"distribution": "rectangular", "half_width": 0.005},
        },
        {"symbol": "S", "value": 0.0, "uncertainty": {"expanded": 0.002, "k": 2}},
    ],
}


def test_evaluate_points_replaces_estimates_and_readings_per_point():
    from metrohub.uncertainty import evaluate_points

    result = evaluate_points(
        POINT_BUDGET, [{"X": 1.004, "S": 1.0}, {"X": [2.01, 2.02, 2.03], "S": 2.0}]
    )
    assert result.values[:, 0].tolist() == pytest.approx([0.004, 0.02])
    u_x = 0.005 / math.sqrt(3)
    assert result.standard_uncertainties[0, 0] == pytest.approx(math.hypot(u_x, 0.001))
    # readings 2.01, 2.02, 2.03: s = 0.01, u = s/sqrt(3), nu = 2
    assert result.standard_uncertainties[1, 0] == pytest.approx(
        math.hypot(0.01 / math.sqrt(3), 0.001)
    )
    assert result.dof[1, 0] == 2.0
    single = evaluate(
        {**POINT_BUDGET, "inputs": [{"symbol": "X", "observations": [2.01, 2.02, 2.03]},
                                    {**POINT_BUDGET["inputs"][1], "value": 2.0}]},
        method="gum",
    )["measurands"][0]["gum"]  # fmt: skip
    assert result.expanded_uncertainties[1, 0] == pytest.approx(single["expanded_uncertainty"])


def test_evaluate_points_reports_every_bad_point():
    from metrohub.uncertainty import evaluate_points

    with pytest.raises(BudgetError) as caught:
        evaluate_points(POINT_BUDGET, [{"X": "a"}, {"Y": 1.0}, {"X": [1.0]}, {"S": math.inf}])
    assert caught.value.errors == [
        ("points[0].X", "must be a finite number"),
        ("points[1].Y", "unknown key; valid keys here: S, X"),
        ("points[2].X", "needs at least 2 observations"),
        ("points[3].S", "must be a finite number"),
    ]

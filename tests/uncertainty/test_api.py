"""POST /api/v1/uncertainty/evaluate and GET /api/v1/uncertainty/results/{task_id}."""

import json

import pytest

from metrohub.uncertainty import services

pytestmark = pytest.mark.usefixtures("uncertainty_web")

URL = "/api/v1/uncertainty/evaluate"


@pytest.fixture
def regulator(client_for):
    return client_for("regulator")


def _post(client, budget, query="", **headers):
    body = budget if isinstance(budget, str | bytes) else json.dumps(budget)
    return client.post(URL + query, body, content_type="application/json", headers=headers)


def test_gum_443_answered_at_once(regulator, gum_443):
    response = _post(regulator, gum_443, "?method=gum")
    assert response.status_code == 200
    result = response.json()
    assert result["title"] == "GUM 4.4.3" and result["method"] == "gum"
    [t] = result["measurands"]
    assert (t["symbol"], t["unit"], t["model"], t["mcm"]) == ("t", "°C", "T", None)
    gum = t["gum"]
    assert round(gum["value"], 3) == 100.145
    assert round(gum["standard_uncertainty"], 3) == 0.333
    assert gum["dof"] == 19 and gum["k"] == 2.0
    assert gum["report"]["zh"]["plus_minus"] == "t = (100.14 ± 0.67) °C，k = 2"
    assert gum["report"]["en"]["short"] == "t = 100.14 °C, U = 0.67 °C, k = 2"
    assert [row["symbol"] for row in gum["budget"]] == ["T"]


def test_small_monte_carlo_answered_at_once(regulator, gum_443):
    response = _post(regulator, gum_443)
    assert response.status_code == 200
    mcm = response.json()["measurands"][0]["mcm"]
    assert (mcm["trials"], mcm["seed"], mcm["gum_validated"]) == (20_000, 7, True)
    assert mcm["interval"][0] < 100.145 < mcm["interval"][1]
    assert len(mcm["histogram"]["counts"]) == len(mcm["histogram"]["edges"]) - 1


def test_token_works_too(client, api_token_for, gum_443):
    token = api_token_for("industry")
    response = _post(client, gum_443, "?method=gum", Authorization=f"Bearer {token}")
    assert response.status_code == 200


def test_anonymous_is_refused(client, world, gum_443):
    response = _post(client, gum_443)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_bad_budget_is_422_with_paths_in_chinese_by_default(regulator, bad_budget):
    response = _post(regulator, bad_budget)
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "预算文件有误。",
        "errors": [{"field": "inputs[1].uncertainty.half_width", "message": "必须 > 0"}],
    }


def test_bad_budget_in_english_by_accept_language(regulator, bad_budget):
    bad_budget["inputs"][0]["observations"][3] = "x"
    response = _post(regulator, bad_budget, **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "The budget has errors.",
        "errors": [
            {"field": "inputs[0].observations[3]", "message": "must be a finite number"},
            {"field": "inputs[1].uncertainty.half_width", "message": "must be > 0"},
        ],
    }


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ("{", "$", "JSON 格式错误"),
        ("[1, 2]", "$", "必须是对象"),
        ('{"inputs": [], "measurands": [], "mcm": {"trials": 100000000}}', "inputs", "不能为空"),
        ("{}", "inputs", "为必填项"),
    ],
)
def test_malformed_bodies_are_422_naming_the_path(regulator, body, field, message):
    response = _post(regulator, body)
    assert response.status_code == 422
    first = response.json()["errors"][0]
    assert first["field"] == field and first["message"].startswith(message)


def test_huge_trials_refused_by_the_library_limits(regulator, gum_443):
    gum_443["mcm"] = {"trials": 10**9}
    response = _post(regulator, gum_443, **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "mcm.trials", "message": "must be <= 10000000"}]


def test_model_undefined_at_the_estimates_is_422_before_queueing(regulator, gum_443):
    gum_443["measurands"][0]["model"] = "log(T - 100.145)"
    gum_443["mcm"] = {"trials": 1_000_000}
    response = _post(regulator, gum_443, **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "measurands[0].model"


def test_too_large_a_body_is_413(regulator, gum_443):
    gum_443["title"] = "x" * services.MAX_BUDGET_BYTES
    response = _post(regulator, gum_443)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_million_trials_is_queued_and_fetched_by_its_owner(regulator, client_for, gum_443):
    gum_443["mcm"] = {"trials": 1_000_000, "seed": 11}
    response = _post(regulator, gum_443)
    assert response.status_code == 202
    accepted = response.json()
    assert set(accepted) == {"task_id", "status", "result_url"}
    assert accepted["result_url"] == f"/api/v1/uncertainty/results/{accepted['task_id']}"
    assert accepted["status"] == "SUCCESSFUL"  # the ImmediateBackend ran it already

    fetched = regulator.get(accepted["result_url"])
    assert fetched.status_code == 200
    body = fetched.json()
    assert (body["task_id"], body["status"], body["errors"]) == (
        accepted["task_id"],
        "SUCCESSFUL",
        [],
    )
    mcm = body["result"]["measurands"][0]["mcm"]
    assert (mcm["trials"], mcm["seed"]) == (1_000_000, 11)
    assert round(mcm["standard_uncertainty"], 2) == 0.35  # t with 19 degrees: 0.333 * sqrt(19/17)

    assert client_for("industry").get(accepted["result_url"]).status_code == 404
    assert client_for("admin").get(accepted["result_url"]).status_code == 404
    assert client_for("anonymous").get(accepted["result_url"]).status_code == 401


def test_adaptive_is_queued(regulator, gum_443):
    gum_443["mcm"] = {"adaptive": True, "significant_digits": 1, "seed": 3}
    response = _post(regulator, gum_443, "?method=mcm")
    assert response.status_code == 202
    body = regulator.get(response.json()["result_url"]).json()
    mcm = body["result"]["measurands"][0]["mcm"]
    assert body["status"] == "SUCCESSFUL" and mcm["adaptive"] and mcm["converged"]
    assert body["result"]["measurands"][0]["gum"] is None


def test_a_task_that_fails_reports_the_path_in_the_callers_language(regulator, gum_443):
    # Defined at the estimates (GUM fine), but the Monte Carlo draws reach log of negatives.
    gum_443["measurands"][0]["model"] = "log(T - 100)"
    gum_443["mcm"] = {"trials": 1_000_000, "seed": 1}
    accepted = _post(regulator, gum_443).json()
    en = regulator.get(accepted["result_url"], headers={"Accept-Language": "en"}).json()
    assert en["status"] == "FAILED" and en["result"] is None
    assert en["errors"] == [
        {
            "field": "measurands[0].model",
            "message": "is not finite for some Monte Carlo trials: the input distributions "
            "reach values where the model is undefined",
        }
    ]
    zh = regulator.get(accepted["result_url"]).json()
    assert zh["errors"][0]["message"].startswith("在部分蒙特卡洛试验中")


def test_unknown_and_malformed_task_ids_are_404(regulator, world):
    assert regulator.get("/api/v1/uncertainty/results/nope").status_code == 404
    assert regulator.get("/api/v1/uncertainty/results/..%2F..%2Fsecret").status_code == 404


def test_queued_status_before_the_worker_ran(regulator, gum_443, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    gum_443["mcm"] = {"trials": 1_000_000}
    accepted = _post(regulator, gum_443).json()
    assert accepted["status"] == "READY"
    body = regulator.get(accepted["result_url"]).json()
    assert (body["status"], body["result"], body["errors"]) == ("READY", None, [])


def test_the_operations_are_documented(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    evaluate = schema["paths"]["/api/v1/uncertainty/evaluate"]["post"]
    assert {"200", "202", "401", "413", "422"} <= set(evaluate["responses"])
    assert evaluate["requestBody"]["content"]["application/json"]["schema"]["type"] == "object"
    assert "/api/v1/uncertainty/results/{task_id}" in schema["paths"]

"""URL × role for the uncertainty page and API: the page is public, the API needs a login."""

import json

import pytest

pytestmark = pytest.mark.usefixtures("uncertainty_web")


def test_pages_grid(check_grid, world):
    check_grid(
        [
            ("GET", "/uncertainty/", {}, 200),
            ("POST", "/uncertainty/", {}, 200),  # an empty form: the page shows the error
            ("GET", "/uncertainty/budget.json", {}, 200),  # the sample budget
            ("POST", "/uncertainty/budget.json", {}, 200),  # the page again, with the error
            ("GET", "/uncertainty/report.pdf", {}, 405),
            ("POST", "/uncertainty/report.pdf", {}, 200),
        ]
    )


def test_api_grid(check_grid, world):
    check_grid(
        [
            # No body: every logged-in role reaches the budget check (422), anonymous is 401.
            ("POST", "/api/v1/uncertainty/evaluate", {"anonymous": 401}, 422),
            ("GET", "/api/v1/uncertainty/evaluate", {}, 405),
            ("GET", "/api/v1/uncertainty/results/unknown", {"anonymous": 401}, 404),
        ]
    )


def test_result_grid(check_grid, client_for, gum_443):
    gum_443["mcm"] = {"trials": 1_000_000, "seed": 5}
    accepted = client_for("applicant").post(
        "/api/v1/uncertainty/evaluate", json.dumps(gum_443), content_type="application/json"
    )
    assert accepted.status_code == 202
    url = accepted.json()["result_url"]
    check_grid([("GET", url, {"anonymous": 401, "applicant": 200}, 404)])

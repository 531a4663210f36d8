import pytest


@pytest.mark.django_db
def test_deadline_endpoint(client):
    body = client.get("/api/v1/deadline", {"from": "2025-09-30", "working_days": 5}).json()
    assert (body["date"], body["provisional"], body["unit"]) == (
        "2025-10-14",
        False,
        "working_days",
    )
    assert body["steps"][0]["action"] == "start"


@pytest.mark.django_db
def test_deadline_endpoint_provisional(client):
    body = client.get("/api/v1/deadline", {"from": "2026-12-20", "working_days": 10}).json()
    assert (body["date"], body["provisional"], body["unknown_years"]) == (
        "2027-01-01",
        True,
        [2027],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-09-30"}, "days"),
        ({"from": "2025-09-30", "days": 3, "months": 1}, "days"),
        ({"from": "2025-02-30", "days": 3}, "from"),
        ({"from": "2025-09-30", "days": 0}, "days"),
        (
            {"from": "2025-09-30", "days": 3, "extend_holiday": True, "next_working_day": True},
            "extend_holiday",
        ),
    ],
)
def test_bad_parameters_get_422_naming_the_field(client, params, field):
    response = client.get("/api/v1/deadline", params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field

import json


def test_registry_for_regulators_only(client, api_token_for):
    regulator = client.get(
        "/api/v1/experts", headers={"Authorization": f"Bearer {api_token_for('regulator')}"}
    )
    assert regulator.status_code == 200 and len(regulator.json()) == 8
    expert = client.get(
        "/api/v1/experts", headers={"Authorization": f"Bearer {api_token_for('expert')}"}
    )
    assert expert.status_code == 403


def test_expert_reads_and_updates_own_profile(client, api_token_for):
    headers = {"Authorization": f"Bearer {api_token_for('expert')}"}
    assert client.get("/api/v1/experts/me", headers=headers).json()["username"] == "expert1"
    response = client.put(
        "/api/v1/experts/me",
        data=json.dumps({"title": "教授", "domains": ["aerospace"], "areas": []}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["domains"] == ["aerospace"]
    bad = client.put(
        "/api/v1/experts/me",
        data=json.dumps({"domains": ["mining"]}),
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "domains"


def test_non_expert_has_no_profile(client, api_token_for):
    response = client.get(
        "/api/v1/experts/me", headers={"Authorization": f"Bearer {api_token_for('regulator')}"}
    )
    assert response.status_code == 404

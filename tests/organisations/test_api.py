import json

from metrohub.organisations.models import Organisation

GOOD = {
    "name": "重庆示例传感器有限公司",
    "credit_code": "91350100M000100Y43",
    "kind": "enterprise",
    "jurisdiction_code": "500112",
}


def _post(client, token, body, **extra):
    return client.post(
        "/api/v1/organisations",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
        **extra,
    )


def test_create_and_fetch(client, api_token_for):
    token = api_token_for("regulator")
    response = _post(client, token, json.dumps(GOOD))
    assert response.status_code == 201
    created = response.json()
    assert created["credit_code"] == GOOD["credit_code"]
    fetched = client.get(
        f"/api/v1/organisations/{created['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert fetched.json() == created


def test_invalid_credit_code_gets_the_error_schema(client, api_token_for):
    response = _post(
        client,
        api_token_for("regulator"),
        json.dumps({**GOOD, "credit_code": "91350100M000100Y44"}),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert [e["field"] for e in body["errors"]] == ["credit_code"]
    assert "91350100M000100Y" in body["errors"][0]["message"]
    assert not Organisation.objects.filter(name=GOOD["name"]).exists()


def test_duplicate_is_refused(client, api_token_for):
    token = api_token_for("regulator")
    assert _post(client, token, json.dumps(GOOD)).status_code == 201
    again = _post(client, token, json.dumps({**GOOD, "name": "重复"}))
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "credit_code"
    assert Organisation.objects.filter(credit_code=GOOD["credit_code"]).count() == 1


def test_malformed_json(client, api_token_for):
    response = _post(client, api_token_for("regulator"), '{"name": ')
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_oversized_request(client, api_token_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = _post(
        client, api_token_for("regulator"), json.dumps({**GOOD, "address": "x" * 5000})
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Organisation.objects.filter(name=GOOD["name"]).exists()


def test_chinese_message_by_default_english_on_request(client, api_token_for):
    token = api_token_for("regulator")
    zh = _post(client, token, json.dumps({**GOOD, "credit_code": "123"}))
    en = _post(client, token, json.dumps({**GOOD, "credit_code": "123"}), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "18" in zh.json()["errors"][0]["message"]
        and "统一社会信用代码" in zh.json()["errors"][0]["message"]
    )
    assert en.json()["errors"][0]["message"].startswith(
        "A unified social credit code has 18 characters"
    )


def test_foreign_organisation_is_404(client, api_token_for, world):
    shanghai_org = world["organisations"]["sh-simt"]
    response = client.get(
        f"/api/v1/organisations/{shanghai_org.pk}",
        headers={"Authorization": f"Bearer {api_token_for('regulator')}"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_applicant_sees_only_their_own_organisation(client, api_token_for, world):
    response = client.get(
        "/api/v1/organisations", headers={"Authorization": f"Bearer {api_token_for('applicant')}"}
    )
    assert [item["id"] for item in response.json()["items"]] == [
        world["organisations"]["cq-auto"].pk
    ]

from datetime import timedelta

from django.utils import timezone

from metrohub.accounts.models import ApiToken


def test_me_with_a_token(client, api_token_for):
    response = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {api_token_for('regulator')}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "cq_regulator"
    assert body["role_codes"] == ["programme_regulator"]
    assert body["roles"][0]["jurisdiction_code"] == "500000"


def test_me_with_a_session(client_for):
    body = client_for("expert").get("/api/v1/me").json()
    assert (body["username"], body["role_codes"]) == ("expert1", ["expert"])


def test_anonymous_gets_401_in_the_error_schema(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "请登录，或提供有效的 API 令牌。",
        "errors": [],
    }


def test_expired_token_is_refused_with_its_reason(client, user_for):
    token, raw = ApiToken.issue(
        user=user_for("regulator"), name="old", expires_at=timezone.now() - timedelta(days=1)
    )
    response = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {raw}"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 401
    assert response.json()["message"] == "The API token has expired."


def test_revoked_and_unknown_tokens_are_refused(client, user_for):
    token, raw = ApiToken.issue(user=user_for("regulator"), name="gone")
    token.revoked_at = timezone.now()
    token.save()
    for value in (raw, "mh_not-a-token"):
        response = client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {value}"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert (response.status_code, response.json()["message"]) == (
            401,
            "The API token is not valid.",
        )


def test_token_use_is_recorded(client, user_for):
    token, raw = ApiToken.issue(user=user_for("regulator"), name="used")
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.digest != raw and raw not in token.hint + token.digest

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


def test_a_token_without_expiry_ends_at_the_maximum_lifetime(client, user_for, settings):
    settings.METROHUB_API_TOKEN_MAX_DAYS = 30
    token, raw = ApiToken.issue(user=user_for("regulator"), name="forever")
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=31))
    response = client.get("/api/v1/me", headers=headers, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.json()["message"]) == (
        401,
        "The API token has expired.",
    )


def test_every_issued_token_expires_within_the_maximum(user_for, settings):
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from metrohub.accounts.services import issue_token

    translation.activate("zh-hans")
    settings.METROHUB_API_TOKEN_MAX_DAYS = 60
    token, _raw = issue_token(user=user_for("regulator"), name="default")
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=59, hours=23) < lifetime <= timedelta(days=60)
    with pytest.raises(ValidationError) as refused:
        issue_token(user=user_for("regulator"), name="long", days=61)
    assert refused.value.message_dict == {"days": ["令牌有效期须在 1 至 60 天之间。"]}
    with pytest.raises(ValidationError) as refused:
        issue_token(user=user_for("regulator"), name="x" * 101, days=5)
    assert refused.value.message_dict == {"name": ["名称超过 100 个字符。"]}

"""The API's one error schema: every domain error a service raises reaches the caller through the
one mapping (`core.errors.describe`) as `{"code", "message", "errors"}`, read here through real
endpoints, in Chinese, with exact bodies."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from metrohub.core.env import Rate

pytestmark = pytest.mark.django_db


def _post(token, url, body, **headers):
    extra = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(
        "/api/v1" + url,
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers={**extra, **headers},
    )


def _get(token, url):
    return Client().get("/api/v1" + url, headers={"Authorization": f"Bearer {token}"})


def test_a_validation_error_is_422_with_its_field_errors(world, api_token_for):
    refused = _post(api_token_for("applicant"), "/cases", {"center_name": "无规则包"})
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "invalid",
        "message": "请求中有字段不合规。",
        "errors": [{"field": "rulepack", "message": "请指明规则包。"}],
    }


def test_a_body_outside_the_schema_is_422_naming_the_field(world, api_token_for):
    refused = _post(api_token_for("applicant"), "/cases", {"center_name": "名" * 201})
    assert refused.status_code == 422
    body = refused.json()
    assert (body["code"], body["message"]) == ("invalid", "请求中有字段不合规。")
    assert [e["field"] for e in body["errors"]] == ["center_name"]


def test_permission_denied_is_403_with_the_services_reason(world, api_token_for):
    refused = _post(api_token_for("regulator"), "/cases", {"rulepack": "chongqing"})
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "forbidden",
        "message": "只有申报单位人员可以提出申请。",
        "errors": [],
    }


def test_outside_the_scope_is_404(world, api_token_for):
    missing = _get(api_token_for("applicant"), "/cases/99999999")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "未找到。", "errors": []}


def test_a_conflict_is_409_with_its_reason(world, api_token_for):
    token = api_token_for("applicant")
    first = {"rulepack": "chongqing", "center_name": "幂等冲突示例中心"}
    created = _post(token, "/cases", first, **{"Idempotency-Key": "k-409"})
    assert created.status_code == 201, created.content
    again = _post(
        token, "/cases", {**first, "center_name": "另一中心"}, **{"Idempotency-Key": "k-409"}
    )
    assert again.status_code == 409
    assert again.json() == {
        "code": "conflict",
        "message": "该Idempotency-Key已用于另一请求。",
        "errors": [],
    }


def test_no_credentials_is_401_and_a_bad_token_names_itself(world):
    anonymous = Client().get("/api/v1/cases")
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "code": "unauthenticated",
        "message": "请登录，或提供有效的 API 令牌。",
        "errors": [],
    }
    forged = _get("not-a-token", "/cases")
    assert forged.status_code == 401
    assert forged.json() == {"code": "unauthenticated", "message": "API 令牌无效。", "errors": []}


def test_a_body_that_is_not_json_is_400(world, api_token_for):
    refused = _post(api_token_for("applicant"), "/cases", "{not json")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "bad_request",
        "message": "请求正文不是有效的 JSON。",
        "errors": [],
    }


def test_over_the_rate_is_429_in_the_same_schema(world, settings):
    settings.METROHUB_RATE_LIMITS_ENABLED = True
    settings.METROHUB_RATES = {name: Rate(1, 60) for name in settings.METROHUB_DEFAULT_RATES}
    cache.clear()
    try:
        client = Client(REMOTE_ADDR="203.0.113.9")
        url = "/api/v1/deadline?from=2025-09-30&working_days=5"
        assert client.get(url).status_code == 200
        refused = client.get(url)
        assert refused.status_code == 429
        assert refused.json() == {
            "code": "throttled",
            "message": f"请求过于频繁，请在 {refused['Retry-After']} 秒后重试。",
            "errors": [],
        }
    finally:
        cache.clear()

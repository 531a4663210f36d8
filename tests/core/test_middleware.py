"""Requests refused before any view: unstorable text; and every /api/ error in the error schema."""

import json

from django.test import Client

from metrohub.cases.models import Case
from metrohub.cases.walk import FORM
from metrohub.experts.models import ExpertProfile
from metrohub.organisations.models import Organisation

ORGANISATION = {
    "name": "重庆示例传感器有限公司",
    "credit_code": "91350100M000100Y43",
    "kind": "enterprise",
    "jurisdiction_code": "500112",
}
CASE = {
    "rulepack": "chongqing",
    "kind": "center-application",
    "center_name": "重庆市智能网联汽车产业计量测试中心",
    "industry_domain": "new_energy_vehicles",
    "district": "500112",
    "form": FORM,
}
MESSAGE = "“{field}”的文本不是有效的 Unicode（含有孤立的代理字符），任何字段都不接受。"


def _send(client, method, url, token, text: str | bytes):
    return getattr(client, method)(
        url, text, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def _refused(response, field: str):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    message = MESSAGE.format(field=field)
    assert response.json() == {
        "code": "bad_request",
        "message": message,
        "errors": [{"field": field, "message": message}],
    }


def test_organisation_registration_with_a_lone_surrogate_is_400(client, api_token_for):
    token = api_token_for("regulator")
    before = Organisation.objects.count()
    body = json.dumps({**ORGANISATION, "name": "重庆\ud800有限公司"})  # ensure_ascii: \\ud800
    assert "\\ud800" in body
    _refused(_send(client, "post", "/api/v1/organisations", token, body), "name")
    raw = json.dumps({**ORGANISATION, "name": "重庆有限公司"}, ensure_ascii=False).encode()
    raw = raw.replace("有限".encode(), b"\xed\xa0\x80")  # the surrogate's own bytes, not escaped
    _refused(_send(client, "post", "/api/v1/organisations", token, raw), "name")
    assert Organisation.objects.count() == before


def test_profile_update_with_a_lone_surrogate_is_400(client, api_token_for, user_for):
    profile = ExpertProfile.objects.get(user=user_for("expert"))
    body = json.dumps({"title": "高级工程师", "domains": ["压力", "温度\udfff"]})
    _refused(_send(client, "put", "/api/v1/experts/me", api_token_for("expert"), body), "domains.1")
    assert ExpertProfile.objects.get(pk=profile.pk).title == profile.title


def test_case_creation_and_transitions_with_a_lone_surrogate_are_400(client, api_token_for):
    token = api_token_for("applicant")
    before = Case.objects.count()
    form = {**FORM, "contact": "\ud83d"}
    body = json.dumps({**CASE, "form": form})
    _refused(_send(client, "post", "/api/v1/cases", token, body), "form.contact")
    assert Case.objects.count() == before
    created = _send(client, "post", "/api/v1/cases", token, json.dumps(CASE))
    assert created.status_code == 201
    url = f"/api/v1/cases/{created.json()['id']}/transitions/submit_for_endorsement"
    body = json.dumps({"payload": {"note\udc00": "x"}})
    _refused(_send(client, "post", url, token, body), "payload.note\ufffd")
    assert Case.objects.get(pk=created.json()["id"]).state == "draft"


def test_surrogate_pairs_and_escaped_backslashes_are_ordinary_text(client, api_token_for):
    token = api_token_for("regulator")
    body = json.dumps({**ORGANISATION, "name": "重庆示例😀有限公司"})  # \\ud83d\\ude00: a pair
    assert _send(client, "post", "/api/v1/organisations", token, body).status_code == 201
    text = json.dumps({"title": "\\ud800 is how JSON escapes a surrogate", "domains": []})
    assert (
        _send(client, "put", "/api/v1/experts/me", api_token_for("expert"), text).status_code == 200
    )


def test_a_page_refuses_a_lone_surrogate_in_plain_text(client_for):
    response = client_for("regulator").post(
        "/organisations/new/", '{"name": "\\ud800"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


# --- F11: every /api/ error in the one schema ---------------------------------------------------


def _schema(response, status: int, code: str, message: str):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"code": code, "message": message, "errors": []}


def test_an_unknown_api_path_is_404_in_the_schema(client, db):
    _schema(client.get("/api/v1/no-such-thing"), 404, "not_found", "未找到。")


def test_a_host_not_allowed_is_400_in_the_schema(client, db):
    response = client.get("/api/v1/jurisdictions", HTTP_HOST="evil.example")
    _schema(response, 400, "bad_request", "无法读取请求。")


def test_a_method_no_route_has_is_405_in_the_schema(client, api_token_for):
    response = client.delete(
        "/api/v1/me", headers={"Authorization": f"Bearer {api_token_for('regulator')}"}
    )
    _schema(response, 405, "method_not_allowed", "此处不允许该请求方法。")


def test_an_unparseable_multipart_body_is_400_in_the_schema(api_token_for):
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/cases/1/materials",
        b"--x\r\nbroken",
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {api_token_for('applicant')}"},
    )
    _schema(response, 400, "bad_request", "无法读取请求。")


def test_pages_keep_their_html_errors(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_server_error_under_api_is_in_the_schema(rf):
    from django.http import HttpResponseServerError

    from metrohub.core.middleware import ApiErrorSchemaMiddleware

    request = rf.get("/api/v1/me")
    response = ApiErrorSchemaMiddleware(lambda r: HttpResponseServerError("<h1>Server Error</h1>"))(
        request
    )
    _schema(response, 500, "server_error", "服务器无法应答，错误已记录。")

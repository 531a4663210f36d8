"""The standards API: a standard registered, an instrument added, its certificates recorded
(external, then a platform certificate by number), authorizations granted and revoked."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(lab, api_token_for):
    tokens = {}

    def _call(user, method, url, body=None):
        if user.username not in tokens:
            tokens[user.username] = api_token_for(user.username)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.username]}"}
        if body is None:
            return getattr(Client(), method)(url, **headers)
        return getattr(Client(), method)(url, body, content_type="application/json", **headers)

    return _call


def test_a_standard_with_its_instrument_and_certificates(lab, call, world, issue):
    body = {
        "center": "CQ-AUTO", "name": "扭矩扳子标准装置", "measurand": "扭矩",
        "range_text": "(1~1000) N·m", "uncertainty": "0.3级",
        "exam_certificate_number": "[2024]渝量标企证字第 205 号", "exam_valid_until": "2025-04-01",
    }  # fmt: skip
    response = call(lab.performer, "post", "/api/v1/standards", body)
    assert response.status_code == 201, response.json()
    standard = response.json()
    # Today is 2025-03-12 here: the examination certificate falls due within 30 days.
    assert (standard["flag"], standard["exam_flag"], standard["instruments"]) == (
        "due_soon", "due_soon", [])  # fmt: skip
    url = f"/api/v1/standards/{standard['id']}"
    response = call(lab.performer, "post", f"{url}/instruments",
                    {"name": "扭矩标准机", "model": "TSM-1000", "serial_number": "D-7781"})  # fmt: skip
    instrument = response.json()["instruments"][0]
    assert response.status_code == 201 and instrument["flag"] == "missing"
    response = call(lab.performer, "post", f"/api/v1/standards/instruments/{instrument['id']}/certificates",
                    {"issuer": "中国计量科学研究院", "number": "NIM-2024-1", "issued_on": "2024-06-01",
                     "due_on": "2025-05-31", "uncertainty": "0.1级"})  # fmt: skip
    assert response.status_code == 201
    record = response.json()["instruments"][0]["certificates"][0]
    assert (record["external"], record["number"], record["platform_number"]) == (
        True,
        "NIM-2024-1",
        None,
    )

    issued = issue("calibration", serial_number="D-7781")
    response = call(lab.performer, "post", f"/api/v1/standards/instruments/{instrument['id']}/certificates",
                    {"platform_number": issued.number, "due_on": "2026-03-09"})  # fmt: skip
    assert response.status_code == 201
    latest = response.json()["instruments"][0]["certificates"][0]
    assert (latest["external"], latest["platform_number"], latest["issued_on"]) == (
        False, issued.number, "2025-03-10")  # fmt: skip

    response = call(world["users"]["cq_regulator"], "patch", url, {"name": "x"})
    assert response.status_code == 403
    assert call(world["users"]["sh_engineer"], "get", url).status_code == 404
    response = call(lab.performer, "patch", url, {"name": "", "exam_valid_until": "2026-01-01"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "这个字段是必填项。"}]


def test_authorizations_through_the_api(lab, call):
    body = {"center": "CQ-AUTO", "person": lab.outsider.pk, "method_code": "JJG 875-2019",
            "may_perform": True, "valid_from": "2025-01-01", "valid_until": "2025-12-31"}  # fmt: skip
    assert call(lab.performer, "post", "/api/v1/authorizations", body).status_code == 403
    response = call(lab.director, "post", "/api/v1/authorizations", body)
    assert response.status_code == 201
    grant = response.json()
    assert (grant["method_code"], grant["steps"], grant["person"]) == (
        "JJG 875—2019", ["perform"], "新员工 赵工")  # fmt: skip
    listed = call(lab.performer, "get", f"/api/v1/authorizations?person={lab.outsider.pk}").json()
    assert [a["id"] for a in listed] == [grant["id"]]
    response = call(lab.director, "post", f"/api/v1/authorizations/{grant['id']}/revoke",
                    {"reason": "离职"})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["revoke_reason"] == "离职" and response.json()["revoked_at"]

import json

import pytest

from metrohub.panels import services
from metrohub.panels.models import Panel

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client, api_token_for):
    def _call(who, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(who)}"}
        if body is None:
            return getattr(client, method)("/api/v1" + url, **headers)
        return getattr(client, method)(
            "/api/v1" + url, json.dumps(body), content_type="application/json", **headers
        )

    return _call


def test_draw_replay_score_conclude_apply_over_the_api(call, case_in, clock):
    clock.set(2026, 6, 1)
    case = case_in()
    r = call("regulator", "post", f"/cases/{case.pk}/panels", {"size": 3, "seed": 42})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["seed"] == 42 and len(body["members"]) == 3 and body["supervisor"]
    assert all("reason" in e for e in body["exclusions"])
    assert call("regulator", "post", f"/cases/{case.pk}/panels", {"size": 3}).status_code == 409
    assert call("regulator", "get", f"/panels/{body['id']}/replay").json()["matches"] is True
    panel = Panel.objects.get(pk=body["id"])
    members = list(panel.members.select_related("expert__user", "sheet"))
    for m in members:
        who = m.expert.user.username
        data = {**fill(m.sheet, 79.5), "opinion": "基本符合要求"}
        r = call(who, "put", f"/sheets/{m.sheet.pk}", data)
        assert r.status_code == 200, r.content
        assert call(who, "post", f"/sheets/{m.sheet.pk}/submit").status_code == 200
    first = members[0]
    r = call(first.expert.user.username, "put", f"/sheets/{first.sheet.pk}", {"opinion": "改"})
    assert r.status_code == 409
    assert "leader" in r.json()["message"] or "组长" in r.json()["message"]
    assert call("regulator", "post", f"/panels/{panel.pk}/result").status_code == 403
    r = call(panel.leader.user.username, "post", f"/panels/{panel.pk}/result")
    assert r.status_code == 200 and r.json()["result"]["passed"] is False
    assert r.json()["result"]["items_to_rectify"]
    r = call("regulator", "post", f"/panels/{panel.pk}/apply", {})
    assert r.json() == {"case_id": case.pk, "state": "rectification"}


def test_sheet_errors_are_per_item(call, draw):
    panel = draw()
    m = panel.members.select_related("expert__user").first()
    r = call(
        m.expert.user.username,
        "put",
        f"/sheets/{m.sheet.pk}",
        {"scores": {"standards": "15.2", "services": 99}},
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"scores.standards", "scores.services"} <= fields


def test_other_case_sheet_is_404_and_colleague_is_403_before_all_submit(call, draw):
    panel = draw()
    a, b, _c = list(panel.members.select_related("expert__user"))
    outsider = next(
        f"expert{i}"
        for i in range(1, 9)
        if not panel.members.filter(expert__user__username=f"expert{i}").exists()
    )
    assert call(outsider, "get", f"/sheets/{a.sheet.pk}").status_code == 404
    assert call(outsider, "put", f"/sheets/{a.sheet.pk}", {"opinion": "x"}).status_code == 404
    assert call(outsider, "get", f"/panels/{panel.pk}").status_code == 404
    assert call(b.expert.user.username, "get", f"/sheets/{a.sheet.pk}").status_code == 403
    assert call(a.expert.user.username, "get", f"/sheets/{a.sheet.pk}").status_code == 200


def test_decline_over_the_api_keeps_both(call, draw):
    panel = draw()
    m = panel.members.select_related("expert__user").first()
    r = call(
        m.expert.user.username,
        "post",
        f"/panels/{panel.pk}/members/{m.pk}/decline",
        {"reason": "时间冲突"},
    )
    assert r.status_code == 200 and r.json()["status"] == "invited"
    body = call("regulator", "get", f"/panels/{panel.pk}").json()
    declined = next(x for x in body["members"] if x["id"] == m.pk)
    assert declined["status"] == "declined" and declined["replaced_by"] == r.json()["id"]


def test_rubric_versions_over_the_api(call):
    r = call("regulator", "get", "/rubrics/chongqing")
    assert r.status_code == 200 and r.json()["example"] and r.json()["version"] == 1
    areas = r.json()["areas"]
    r = call("regulator", "post", "/rubrics/chongqing", {"areas": areas, "note": "正式版"})
    assert r.status_code == 201 and r.json()["version"] == 2
    assert call("expert", "post", "/rubrics/chongqing", {"areas": areas}).status_code == 403
    assert call("regulator", "get", "/rubrics/nowhere").status_code == 404


def test_report_pdf_is_stored_with_its_sha256_and_reads_back(call, draw, score):
    import hashlib
    import io

    from pypdf import PdfReader

    panel = draw()
    score(panel, (79.5, 80, 80))
    services.compute_result(actor=panel.leader.user, panel=panel)
    r = call("regulator", "post", f"/panels/{panel.pk}/report")
    assert r.status_code == 200, r.content
    sha = r.json()["report_sha256"]
    pdf = call("regulator", "get", f"/panels/{panel.pk}/report.pdf")
    content = b"".join(pdf.streaming_content)
    assert hashlib.sha256(content).hexdigest() == sha
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    squeezed = "".join(text.split())
    assert panel.case.center_name.replace(" ", "") in squeezed
    assert "79.8" in squeezed and "整改事项" in squeezed and "监督员" in squeezed
    assert "组长" in squeezed and "签字" in squeezed
    from metrohub.eventlog.models import Event

    assert Event.objects.filter(
        subject=panel.case.subject, action="panel.report_issued", payload__sha256=sha
    ).exists()

"""The enquiries' API and pages: sending, the thread, posting by kind, who sees what; the list
does not grow in queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.enquiries import services
from metrohub.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(client, api_token_for):
    def _call(role, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(role)}"} if role else {}
        if method == "get":
            return client.get("/api/v1" + url, **headers)
        return client.post(
            "/api/v1" + url, json.dumps(body or {}), content_type="application/json", **headers
        )

    return _call


def test_send_answer_quote_decline_through_the_api(call, world):
    sent = call(
        "industry",
        "post",
        "/enquiries",
        {"center": "SH-BIO", "subject": "移液器校准", "quantity": 12, "uncertainty": "0.5 %"},
    )
    assert sent.status_code == 201, sent.json()
    eid = sent.json()["id"]
    assert (sent.json()["status"], sent.json()["organisation"]) == (
        "sent",
        "上海示例集成电路有限公司",
    )
    assert [m["kind"] for m in sent.json()["messages"]] == ["enquiry"]
    # the other side: the Chongqing director cannot see it, Shanghai's answers
    assert call("director", "get", f"/enquiries/{eid}").status_code == 404
    answered = call(
        "sh_simt_director", "post", f"/enquiries/{eid}/messages", {"kind": "reply", "text": "可以"}
    )
    assert answered.json()["status"] == "answered" and answered.json()["response_seconds"] >= 0
    quoted = call(
        "sh_simt_director",
        "post",
        f"/enquiries/{eid}/messages",
        {"kind": "quote", "amount": "960.5"},
    )
    assert (quoted.json()["status"], quoted.json()["messages"][-1]["quote_amount"]) == (
        "quoted",
        "960.50",
    )
    assert (
        call(
            "industry", "post", f"/enquiries/{eid}/messages", {"kind": "quote", "amount": "1"}
        ).status_code
        == 403
    )
    bad = call("industry", "post", f"/enquiries/{eid}/messages", {"kind": "shout"})
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "kind")
    declined = call(
        "sh_simt_director",
        "post",
        f"/enquiries/{eid}/messages",
        {"kind": "decline", "text": "暂停服务"},
    )
    assert declined.json()["status"] == "declined"
    closed = call(
        "industry", "post", f"/enquiries/{eid}/messages", {"kind": "reply", "text": "为什么"}
    )
    assert closed.status_code == 409
    median = call(None, "get", "/centers/SH-BIO/response-time").json()
    assert median["center"] == "SH-BIO" and median["median_seconds"] is not None


def test_enquiry_list_page_does_not_grow_in_queries(
    client_for, world, user_for, django_assert_max_num_queries
):
    director = client_for("sh_simt_director")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = director.get("/enquiries/")
        assert response.status_code == 200
        return len(ctx), response.content.decode()

    few, _page = count()
    for i in range(15):
        services.send_enquiry(
            actor=user_for("industry") if i % 2 else user_for("applicant"),
            center=world["centers"]["SH-BIO"],
            subject=f"批量咨询 {i}",
        )
    with django_assert_max_num_queries(few):
        _n, page = count()
    assert page.count("批量咨询") == 15
    assert Enquiry.objects.filter(subject__startswith="批量咨询").count() == 15


def test_attachments_are_checked_and_read_by_the_two_sides_only(
    client, api_token_for, client_for, world
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = api_token_for("industry")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    sent = client.post(
        "/api/v1/enquiries",
        json.dumps({"center": "SH-IC", "subject": "晶圆翘曲度测量"}),
        content_type="application/json",
        **auth,
    ).json()
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    added = client.post(
        f"/api/v1/enquiries/{sent['id']}/attachments",
        {"file": SimpleUploadedFile("样品图纸.pdf", pdf), "text": "图纸见附件"},
        **auth,
    )
    assert added.status_code == 201, added.json()
    item = added.json()["attachments"][0]
    assert (item["filename"], item["content_type"], item["size"]) == (
        "样品图纸.pdf",
        "application/pdf",
        len(pdf),
    )
    refused = client.post(
        f"/api/v1/enquiries/{sent['id']}/attachments",
        {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03")},
        **auth,
    )
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "attachments")
    url = f"/enquiries/{sent['id']}/attachments/{item['id']}/"
    download = client_for("sh_simt_director").get(url)
    assert b"".join(download.streaming_content) == pdf
    assert download["X-Content-SHA256"] == item["sha256"]
    assert client_for("director").get(url).status_code == 404

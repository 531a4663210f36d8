"""The alliances' API: founding, enrolling, requests and decisions, activities with files, the
yearly duty; the public reads members without their contacts."""

import datetime as dt
import json

import pytest

from metrohub.alliances import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def call(client, api_token_for):
    def _call(role, method, url, body=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(role)}"} if role else {}
        if method == "get":
            return client.get("/api/v1" + url, **headers)
        if method == "upload":
            return client.post("/api/v1" + url, body, **headers)
        return client.post(
            "/api/v1" + url, json.dumps(body or {}), content_type="application/json", **headers
        )

    return _call


def test_found_enrol_request_decide_and_record(call, center, director, world, clock):
    founded = call(
        "bio_director",
        "post",
        "/alliances",
        {"center": center.code, "name": "上海市测试产业计量测试联盟", "founded_on": "2026-02-01"},
    )
    assert founded.status_code == 201, founded.json()
    aid = founded.json()["id"]
    assert founded.json()["duty"] == {
        "center": "SH-TEST",
        "code": "alliance_events",
        "name": "产业计量测试技术交流与互动活动",
        "article": "四(二)",
        "year": 2026,
        "required": 2,
        "count": 0,
        "status": "due",
        "due_on": "2026-12-31",
    }
    again = call("bio_director", "post", "/alliances", {"center": center.code, "name": "第二个"})
    assert again.status_code == 409
    wafer = world["organisations"]["sh-wafer"]
    enrolled = call(
        "bio_director",
        "post",
        f"/alliances/{aid}/members",
        {
            "organisation_id": wafer.pk,
            "position": "upstream",
            "capabilities": "硅片电阻率测量",
            "contact_name": "王工",
            "contact_phone": "021-12345678",
        },
    )
    assert (enrolled.status_code, enrolled.json()["status"]) == (201, "active")
    # the industry user asks for its own firm; the public does not see the request
    asked = call(
        "industry",
        "post",
        f"/alliances/{aid}/members",
        {"organisation_id": world["organisations"]["sh-ic"].pk, "position": "downstream"},
    )
    assert (asked.status_code, asked.json()["status"]) == (201, "requested")
    public = call(None, "get", f"/alliances/{aid}/members").json()
    assert [(m["organisation"], m["status"], m["contact_name"]) for m in public] == [
        ("上海示例硅材料有限公司", "active", None)
    ]
    decided = call(
        "bio_director",
        "post",
        f"/alliances/{aid}/members/{asked.json()['id']}/decision",
        {"decision": "approve", "on": "2026-06-02"},
    )
    assert (decided.json()["status"], decided.json()["joined_on"]) == ("active", "2026-06-02")
    # activities count towards the duty
    for day in ("2026-03-10", "2026-09-18"):
        made = call(
            "bio_director",
            "post",
            f"/alliances/{aid}/activities",
            {
                "held_on": day,
                "kind": "technical_exchange",
                "title": f"技术交流会 {day}",
                "member_ids": [enrolled.json()["id"]],
            },
        )
        assert made.status_code == 201, made.json()
    photo = call(
        "bio_director",
        "upload",
        f"/alliances/{aid}/activities/{made.json()['id']}/files",
        {"kind": "photo", "file": _file("合影.png", PNG)},
    )
    assert (photo.status_code, photo.json()["content_type"]) == (201, "image/png")
    not_a_photo = call(
        "bio_director",
        "upload",
        f"/alliances/{aid}/activities/{made.json()['id']}/files",
        {"kind": "photo", "file": _file("纪要.pdf", PDF)},
    )
    assert not_a_photo.status_code == 422
    assert not_a_photo.json()["errors"][0]["field"] == "file"
    duty = call(None, "get", f"/centers/{center.code}/activity-duty?year=2026").json()
    assert (duty["count"], duty["status"]) == (2, "met")
    assert call("industry", "post", f"/alliances/{aid}/activities", {}).status_code == 422
    refused = call(
        "industry",
        "post",
        f"/alliances/{aid}/activities",
        {"held_on": "2026-04-01", "kind": "training", "title": "培训"},
    )
    assert refused.status_code == 403
    elsewhere = call(
        "director",  # directs the Chongqing centers
        "post",
        f"/alliances/{aid}/activities",
        {"held_on": "2026-04-01", "kind": "training", "title": "培训"},
    )
    assert elsewhere.status_code == 404


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_reminders_before_year_end_and_late_after(alliance, director, center, settings):
    from django.core import mail

    from metrohub.eventlog.models import Event

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    services.record_activity(
        actor=director,
        alliance=alliance,
        held_on=dt.date(2026, 5, 1),
        kind="training",
        title="培训",
    )
    mail.outbox.clear()
    assert services.remind(on=dt.date(2026, 11, 30)).reminded == 0  # 31 days before
    assert services.remind(on=dt.date(2026, 12, 1)).reminded >= 1
    assert services.remind(on=dt.date(2026, 12, 2)).reminded == 0  # once
    assert services.remind(on=dt.date(2026, 12, 24)).reminded >= 1  # the 7-day reminder
    mine = [m for m in mail.outbox if m.to == [director.email]]
    assert [m.subject for m in mine] == [
        "【计量中心平台】提醒：2026年产业计量测试技术交流与互动活动（上海市测试产业计量测试中心）"
    ] * 2
    assert mine[0].body.startswith(
        "上海市测试产业计量测试中心 2026年已记录 1 次活动，应开展 2 次（四(二)）。"
    )
    late = services.remind(on=dt.date(2027, 1, 1))
    assert late.late >= 1 and services.remind(on=dt.date(2027, 1, 2)).late == 0
    event = Event.objects.get(subject="center:SH-TEST", action="duty.late")
    assert event.payload == {"duty": "alliance_events", "year": 2026, "count": 1, "required": 2}

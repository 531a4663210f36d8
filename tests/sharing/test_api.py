"""The open-sharing API: offering a resource, availability, booking with approval, the 409 that
names the slot, cancellation, usage and statistics."""

import json

import pytest

from metrohub.sharing import services

from .conftest import at


@pytest.fixture
def call(client, api_token_for):
    def _call(role, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(role)}"} if role else {}
        if method == "get":
            return client.get("/api/v1" + url, **headers)
        return getattr(client, method)(
            "/api/v1" + url, json.dumps(body or {}), content_type="application/json", **headers
        )

    return _call


def test_offer_book_approve_and_read_the_calendar(call, center, clock, world):
    made = call(
        "sh_simt_director",
        "post",
        "/resources",
        {
            "center": center.code,
            "kind": "instrument",
            "name": "高低温试验箱",
            "hourly_fee": "80.00",
            "approval_required": True,
            "lead_time_hours": 0,
            "closed_on_holidays": False,
            "opening_hours": [{"weekday": 2, "opens": "09:00", "closes": "12:00"}],
        },
    )
    assert made.status_code == 201, made.json()
    rid = made.json()["id"]
    assert made.json()["opening_hours"] == [{"weekday": 2, "opens": "09:00", "closes": "12:00"}]
    # not a director of this center: 403 from the service
    assert (
        call(
            "director",
            "post",
            "/resources",
            {"center": center.code, "kind": "instrument", "name": "x"},
        ).status_code
        == 403
    )

    booked = call(
        "industry",
        "post",
        f"/resources/{rid}/bookings",
        {"starts_at": "2026-06-03T09:00", "ends_at": "2026-06-03T10:30", "purpose": "温度循环"},
    )
    assert booked.status_code == 201, booked.json()
    body = booked.json()
    assert (body["status"], body["fee"], body["starts_at"]) == (
        "requested",
        "120.00",
        "2026-06-03T09:00:00+08:00",
    )
    # a request is shown as busy only to the center; the public sees the free morning
    public = call(None, "get", f"/resources/{rid}/availability?from=2026-06-02&to=2026-06-03")
    assert public.json()["days"] == [
        {"date": "2026-06-02", "holiday": "", "open": [], "busy": [], "free": []},
        {
            "date": "2026-06-03",
            "holiday": "",
            "open": [
                {
                    "starts_at": "2026-06-03T09:00:00+08:00",
                    "ends_at": "2026-06-03T12:00:00+08:00",
                    "kind": "open",
                }
            ],
            "busy": [],
            "free": [
                {
                    "starts_at": "2026-06-03T09:00:00+08:00",
                    "ends_at": "2026-06-03T12:00:00+08:00",
                    "kind": "free",
                }
            ],
        },
    ]
    assert call("industry", "post", f"/bookings/{body['id']}/approve").status_code == 403
    approved = call("sh_simt_director", "post", f"/bookings/{body['id']}/approve")
    assert approved.json()["status"] == "confirmed"
    day = call(None, "get", f"/resources/{rid}/availability?from=2026-06-03&to=2026-06-03")
    assert [
        (s["starts_at"][11:16], s["ends_at"][11:16], s["kind"])
        for s in day.json()["days"][0]["busy"]
    ] == [("09:00", "10:30", "booking")]
    assert [
        (s["starts_at"][11:16], s["ends_at"][11:16]) for s in day.json()["days"][0]["free"]
    ] == [("10:30", "12:00")]
    # the 409 names the slot taken
    clash = call(
        "applicant",
        "post",
        f"/resources/{rid}/bookings",
        {"starts_at": "2026-06-03T10:00", "ends_at": "2026-06-03T11:00", "purpose": "冲突"},
    )
    assert clash.status_code == 409
    assert clash.json() == {
        "code": "conflict",
        "message": "该时段与已确认的预约重叠：2026年6月3日 09:00–10:30。",
        "errors": [
            {"field": "slot", "message": "2026-06-03T09:00:00+08:00/2026-06-03T10:30:00+08:00"}
        ],
    }
    # the other applicant cannot see the booking; the maker cancels it and the slot is free
    assert call("applicant", "get", f"/bookings/{body['id']}").status_code == 404
    cancelled = call("industry", "post", f"/bookings/{body['id']}/cancel", {"reason": "改期"})
    assert (cancelled.json()["status"], cancelled.json()["late_cancellation"]) == (
        "cancelled",
        False,
    )
    again = call(
        "applicant",
        "post",
        f"/resources/{rid}/bookings",
        {"starts_at": "2026-06-03T10:00", "ends_at": "2026-06-03T11:00", "purpose": "改约"},
    )
    assert again.status_code == 201


def test_usage_statistics_through_the_api(call, resource, clock, world, user_for):
    b = services.request_booking(
        actor=user_for("industry"),
        resource=resource,
        starts_at=at(3, 9),
        ends_at=at(3, 12),
        purpose="测试",
    )
    clock.moment = at(3, 13)
    used = call(
        "sh_simt_director", "post", f"/bookings/{b.pk}/usage", {"used_hours": "2.5", "samples": 8}
    )
    assert (used.json()["used_hours"], used.json()["samples"]) == ("2.50", 8)
    stats = call(
        "sh_simt_director", "get", f"/centers/{resource.center.code}/sharing-usage?year=2026"
    )
    assert stats.json() == {
        "year": 2026,
        "bookings": 1,
        "booked_hours": 3.0,
        "used_hours": 2.5,
        "fees": "300.00",
        "by_resource": [
            {
                "id": resource.pk,
                "label": "半导体参数分析仪",
                "bookings": 1,
                "booked_hours": 3.0,
                "used_hours": 2.5,
                "fees": "300.00",
            }
        ],
        "by_organisation": [
            {
                "id": world["organisations"]["sh-ic"].pk,
                "label": "上海示例集成电路有限公司",
                "bookings": 1,
                "booked_hours": 3.0,
                "used_hours": 2.5,
                "fees": "300.00",
            }
        ],
    }
    # a Chongqing regulator does not regulate this center; an industry user's role reads none
    assert (
        call(
            "regulator", "get", f"/centers/{resource.center.code}/sharing-usage?year=2026"
        ).status_code
        == 404
    )
    assert (
        call(
            "industry", "get", f"/centers/{resource.center.code}/sharing-usage?year=2026"
        ).status_code
        == 403
    )
    assert (
        call(
            "sh_regulator", "get", f"/centers/{resource.center.code}/sharing-usage?year=2026"
        ).status_code
        == 200
    )


def test_patch_rules_and_a_blackout_over_a_booking_names_it(call, resource, clock, user_for):
    changed = call(
        "sh_simt_director",
        "patch",
        f"/resources/{resource.pk}",
        {"max_hours": 2, "opening_hours": [{"weekday": 2, "opens": "08:30", "closes": "17:00"}]},
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["max_hours"], changed.json()["opening_hours"]) == (
        2,
        [{"weekday": 2, "opens": "08:30", "closes": "17:00"}],
    )
    assert changed.json()["name"] == "半导体参数分析仪"  # untouched fields stay
    assert (
        call("industry", "patch", f"/resources/{resource.pk}", {"max_hours": 3}).status_code == 403
    )
    # a director, but of Chongqing's centers: this resource is not theirs to run
    assert (
        call("director", "patch", f"/resources/{resource.pk}", {"max_hours": 3}).status_code == 404
    )
    services.request_booking(
        actor=user_for("industry"),
        resource=resource,
        starts_at=at(3, 9),
        ends_at=at(3, 10),
        purpose="测试",
    )
    closed = call(
        "sh_simt_director",
        "post",
        f"/resources/{resource.pk}/blackouts",
        {"starts_at": "2026-06-03T00:00", "ends_at": "2026-06-03T23:59", "reason": "maintenance"},
    )
    assert closed.status_code == 409
    assert closed.json()["errors"] == [
        {"field": "slot", "message": "2026-06-03T09:00:00+08:00/2026-06-03T10:00:00+08:00"}
    ]
    later = call(
        "sh_simt_director",
        "post",
        f"/resources/{resource.pk}/blackouts",
        {"starts_at": "2026-06-10T00:00", "ends_at": "2026-06-10T23:59", "reason": "calibration"},
    )
    assert (later.status_code, later.json()["starts_at"]) == (201, "2026-06-10T00:00:00+08:00")


def test_approved_organisations_book_others_are_refused_and_availability_names_no_one(
    call, resource, world
):
    services.update_resource(
        actor=world["users"]["sh_simt_director"],
        resource=resource,
        audience="approved",
        approved_organisation_ids=[world["organisations"]["cq-auto"].pk],
    )
    url = f"/resources/{resource.pk}/bookings"
    slot = {"starts_at": "2026-06-03T09:00", "ends_at": "2026-06-03T11:00", "purpose": "振动台试验"}
    refused = call("industry", "post", url, slot)  # acts for sh-ic, not approved
    assert refused.status_code == 403
    assert refused.json()["message"] == "该资源仅限以下对象预约：经批准的单位。"
    booked = call("applicant", "post", url, slot)  # acts for cq-auto, approved
    assert booked.status_code == 201, booked.json()
    assert (booked.json()["status"], booked.json()["organisation"]) == (
        "confirmed",
        "重庆示例汽车零部件有限公司",
    )
    for role in (None, "industry"):
        day = call(
            role, "get", f"/resources/{resource.pk}/availability?from=2026-06-03&to=2026-06-03"
        )
        assert day.json()["days"][0]["busy"] == [
            {
                "starts_at": "2026-06-03T09:00:00+08:00",
                "ends_at": "2026-06-03T11:00:00+08:00",
                "kind": "booking",
            }
        ]
        text = day.content.decode()
        for secret in ("重庆示例汽车零部件有限公司", "赵磊", "振动台试验", "cq_applicant"):
            assert secret not in text

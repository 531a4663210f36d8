"""Bookings from request to usage: opening hours, blackouts, lead time, audience, approval,
refusal, cancellation under the resource's policy, reminders and usage statistics."""

import datetime as dt
import hashlib
import io
import pathlib
import struct
import zlib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.accounts.models import User
from metrohub.alliances import services as alliances
from metrohub.core.api import Conflict
from metrohub.eventlog.models import Event
from metrohub.sharing import services

from .conftest import at

pytestmark = pytest.mark.django_db


def book(resource, user, start, end, purpose="参数测试", **extra):
    return services.request_booking(
        actor=user, resource=resource, starts_at=start, ends_at=end, purpose=purpose, **extra
    )


def test_a_booking_inside_a_blackout_is_refused(resource, director, user_for):
    services.add_blackout(
        actor=director,
        resource=resource,
        starts_at=at(3, 8),
        ends_at=at(3, 12),
        reason="calibration",
        note="年度校准",
    )
    with pytest.raises(ValidationError) as caught:
        book(resource, user_for("industry"), at(3, 11), at(3, 13))
    assert caught.value.message_dict == {
        "starts_at": ["该资源此时停用（设备自身校准）：2026年6月3日 08:00–12:00。"]
    }
    assert resource.bookings.count() == 0
    # right after it, the slot is bookable
    assert book(resource, user_for("industry"), at(3, 12), at(3, 13)).status == "confirmed"


def test_cancellation_frees_the_slot(resource, user_for, director, clock):
    industry = user_for("industry")
    first = book(resource, industry, at(3, 9), at(3, 11))
    with pytest.raises(services.SlotTaken) as caught:
        book(resource, user_for("applicant"), at(3, 10), at(3, 12))
    assert caught.value.slot == (first.starts_at, first.ends_at)
    assert caught.value.booking_id == first.pk
    cancelled = services.cancel_booking(actor=industry, booking=first, reason="计划变更")
    assert (cancelled.status, cancelled.late_cancellation, cancelled.fee) == (
        "cancelled",
        False,
        None,
    )
    second = book(resource, user_for("applicant"), at(3, 10), at(3, 12))
    assert (second.status, second.fee) == ("confirmed", Decimal("200.00"))
    actions = list(Event.objects.filter(subject=first.subject).values_list("action", flat=True))
    assert actions == ["booking.confirmed", "booking.cancelled"]


def test_cancelling_inside_the_notice_is_late_and_the_fee_stands(resource, user_for, clock):
    industry = user_for("industry")
    booking = book(resource, industry, at(3, 9), at(3, 11))
    clock.moment = at(2, 10)  # 23 hours before the start; the notice is 24 hours
    late = services.cancel_booking(actor=industry, booking=booking)
    assert (late.late_cancellation, late.fee) == (True, Decimal("200.00"))
    usage = services.usage_statistics(year=2026, resource=resource)
    assert (usage.total.bookings, usage.total.fees) == (1, Decimal("200.00"))


def test_half_open_intervals_touching_bookings_do_not_overlap(resource, user_for):
    book(resource, user_for("industry"), at(3, 9), at(3, 10))
    assert book(resource, user_for("industry"), at(3, 10), at(3, 11)).status == "confirmed"


def test_opening_hours_lead_time_length_and_whole_minutes(resource, user_for, clock):
    industry = user_for("industry")
    cases = [
        (
            (at(3, 17), at(3, 19)),
            "starts_at",
            "该资源在此时段内并非全程开放。",
        ),
        (
            (at(3, 11), at(3, 18, 1)),
            "starts_at",
            "该资源在此时段内并非全程开放。",
        ),
        ((at(3, 8), at(3, 17)), "ends_at", "单次预约最长 8 小时。"),
        ((at(3, 10), at(3, 9)), "ends_at", "结束时间必须晚于开始时间。"),
        (
            (at(3, 9).replace(second=30), at(3, 10)),
            "starts_at",
            "时间须精确到整分钟。",
        ),
    ]
    for (start, end), field, message in cases:
        with pytest.raises(ValidationError) as caught:
            book(resource, industry, start, end)
        assert caught.value.message_dict == {field: [message]}, (start, end)
    resource.lead_time_hours = 48
    resource.save()
    with pytest.raises(ValidationError) as caught:
        book(resource, industry, at(2, 9), at(2, 10))
    assert caught.value.message_dict == {"starts_at": ["须至少提前 48 小时预约。"]}


def test_public_holidays_close_a_resource_that_says_so(resource, user_for, clock):
    clock.moment = at(20, 8, month=9)
    resource.closed_on_holidays = True
    resource.save()
    with pytest.raises(ValidationError):  # 1 October 2026: National Day
        book(resource, user_for("industry"), at(1, 9, month=10), at(1, 10, month=10))
    days = services.availability(resource=resource, first="2026-10-01", last="2026-10-02")
    assert [(d.date.day, bool(d.holiday), len(d.open)) for d in days] == [
        (1, True, 0),
        (2, True, 0),
    ]


def test_approval_refusal_and_the_slot_named_on_approval(resource, director, user_for):
    resource.approval_required = True
    resource.save()
    industry, applicant = user_for("industry"), user_for("applicant")
    a = book(resource, industry, at(3, 9), at(3, 11))
    b = book(resource, applicant, at(3, 10), at(3, 12))  # requests may overlap each other
    assert (a.status, b.status) == ("requested", "requested")
    with pytest.raises(PermissionDenied):
        services.approve_booking(actor=industry, booking=a)
    approved = services.approve_booking(actor=director, booking=a)
    assert (approved.status, approved.decided_by, approved.fee) == (
        "confirmed",
        director,
        Decimal("200.00"),
    )
    with pytest.raises(services.SlotTaken) as caught:
        services.approve_booking(actor=director, booking=b)
    assert caught.value.message == ("该时段与已确认的预约重叠：2026年6月3日 09:00–11:00。")
    refused = services.refuse_booking(actor=director, booking=b, reason="与已确认预约冲突")
    assert (refused.status, refused.refusal_reason) == ("refused", "与已确认预约冲突")
    with pytest.raises(Conflict):
        services.approve_booking(actor=director, booking=b)


def test_members_only_resources(resource, director, user_for, world):
    resource.audience = "members"
    resource.save()
    industry = user_for("industry")  # acts for sh-ic
    with pytest.raises(PermissionDenied):
        book(resource, industry, at(3, 9), at(3, 10))
    alliance = alliances.found_alliance(
        actor=director, center=resource.center, name="集成电路产业计量测试联盟"
    )
    alliances.add_member(
        actor=director,
        alliance=alliance,
        organisation=world["organisations"]["sh-ic"],
        position="downstream",
    )
    assert book(resource, industry, at(3, 9), at(3, 10)).organisation.pk == (
        world["organisations"]["sh-ic"].pk
    )


def test_usage_is_recorded_after_the_start_and_counted(resource, director, user_for, clock):
    industry, applicant = user_for("industry"), user_for("applicant")
    a = book(resource, industry, at(3, 9), at(3, 11))
    b = book(resource, applicant, at(4, 9), at(4, 12, 30))
    with pytest.raises(Conflict):
        services.record_usage(actor=director, booking=a, used_hours="2")
    clock.moment = at(5, 9)
    services.record_usage(actor=director, booking=a, used_hours="1.5", samples=12, outcome="完成")
    services.record_usage(actor=director, booking=b, used_hours="3.5")
    usage = services.usage_statistics(year=2026, center=resource.center)
    assert (usage.total.bookings, usage.total.booked_hours, usage.total.used_hours) == (
        2,
        5.5,
        5.0,
    )
    assert usage.total.fees == Decimal("550.00")
    assert [(r.label, r.bookings, r.booked_hours, r.fees) for r in usage.by_organisation] == [
        ("上海示例集成电路有限公司", 1, 2.0, Decimal("200.00")),
        ("重庆示例汽车零部件有限公司", 1, 3.5, Decimal("350.00")),
    ]
    assert services.usage_statistics(year=2025, center=resource.center).total.bookings == 0


def test_reminders_go_to_both_sides_once(resource, director, user_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    industry = user_for("industry")
    book(resource, industry, at(3, 9), at(3, 11))
    mail.outbox.clear()
    assert services.remind(on=dt.date(2026, 6, 1)).reminded == 0  # two days before
    assert services.remind(on=dt.date(2026, 6, 2)).reminded == 1
    assert services.remind(on=dt.date(2026, 6, 2)).reminded == 0
    other_director = User.objects.get(username="sh_lab_director")  # the host's second director
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [industry.email, director.email, other_director.email]
    )
    assert (
        mail.outbox[0].subject == "【计量中心平台】明天：半导体参数分析仪，2026年6月3日 09:00–11:00"
    )


def png(width=4, height=3) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def bomb_png(side=40_000) -> bytes:
    """A PNG of a few kilobytes declaring a side×side grey canvas: its data inflates to ~1.6 GB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (side + 1) * 64, 9)  # the first rows; the rest is the claim
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def stored_files(root) -> list:
    return [p for p in pathlib.Path(root).rglob("*") if p.is_file()]


def test_a_photo_is_stored_with_its_digest_and_read_back(resource, director, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = png()
    photo = services.add_photo(
        actor=director, resource=resource, content=content, filename="C:\\照片\\前面板.png"
    )
    assert (photo.filename, photo.content_type, photo.size) == (
        "前面板.png",
        "image/png",
        len(content),
    )
    assert photo.sha256 == hashlib.sha256(content).hexdigest()
    with photo.file.open("rb") as stored:
        assert stored.read() == content
    assert Event.objects.filter(subject=resource.subject, action="resource.photo").count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
            "不接受该类型的文件。可接受：PNG图片、JPEG图片、GIF图片、WebP图片。",
        ),
        (None, "图片尺寸过大：最多50百万像素。"),
    ],
    ids=["pdf-renamed-png", "decompression-bomb"],
)
def test_a_photo_that_is_not_a_showable_image_is_refused_and_nothing_is_stored(
    resource, director, settings, tmp_path, content, message
):
    settings.MEDIA_ROOT = tmp_path
    content = content or bomb_png()
    assert len(content) < 10_000
    with pytest.raises(ValidationError) as refused:
        services.add_photo(actor=director, resource=resource, content=content, filename="照片.png")
    assert refused.value.message_dict == {"photo": [message]}
    assert resource.photos.count() == 0 and stored_files(tmp_path) == []
    assert not Event.objects.filter(subject=resource.subject, action="resource.photo").exists()


def member_resource(center, director, world):
    """A test site owned by sh-bio, an active member of the alliance the center leads."""
    alliance = alliances.found_alliance(
        actor=director, center=center, name="共享测试产业计量测试联盟"
    )
    alliances.add_member(
        actor=director,
        alliance=alliance,
        organisation=world["organisations"]["sh-bio"],
        position="upstream",
    )
    return services.create_resource(
        actor=director,
        center=center,
        owner=world["organisations"]["sh-bio"],
        kind="test_site",
        name="生物安全二级实验室",
        hourly_fee="80",
        approval_required=False,
        lead_time_hours=0,
        max_hours=8,
        closed_on_holidays=False,
        opening_hours=[(d, "09:00", "17:00") for d in range(7)],
    )


def test_a_members_resource_is_offered_through_the_center_booked_and_counted_for_it(
    center, director, user_for, world, clock
):
    # an organisation that is not a member cannot be named owner
    with pytest.raises(ValidationError) as refused:
        services.create_resource(
            actor=director,
            center=center,
            owner=world["organisations"]["sh-bio"],
            kind="instrument",
            name="液相色谱仪",
        )
    assert refused.value.message_dict == {"owner": ["所属单位必须是中心本身或其联盟成员单位。"]}
    resource = member_resource(center, director, world)
    assert (resource.center, resource.owner.name) == (center, "上海示例生物医药研究所")
    booking = book(resource, user_for("industry"), at(3, 9), at(3, 12))
    assert (booking.status, booking.fee, booking.organisation.name) == (
        "confirmed",
        Decimal("240.00"),
        "上海示例集成电路有限公司",
    )
    usage = services.usage_statistics(year=2026, center=center)
    assert (usage.total.bookings, usage.total.booked_hours, usage.total.fees) == (
        1,
        3.0,
        Decimal("240.00"),
    )
    assert [(r.label, r.bookings) for r in usage.by_resource] == [("生物安全二级实验室", 1)]
    host = services.usage_statistics(year=2026, center=world["centers"]["SH-IC"])
    assert "生物安全二级实验室" not in [r.label for r in host.by_resource]


def test_approved_organisations_only(resource, director, user_for, world):
    services.update_resource(
        actor=director,
        resource=resource,
        audience="approved",
        approved_organisation_ids=[world["organisations"]["cq-auto"].pk],
    )
    with pytest.raises(PermissionDenied) as refused:
        book(resource, user_for("industry"), at(3, 9), at(3, 10))  # sh-ic: not approved
    assert str(refused.value) == "该资源仅限以下对象预约：经批准的单位。"
    assert not resource.bookings.exists()
    booking = book(resource, user_for("applicant"), at(3, 9), at(3, 10))  # cq-auto: approved
    assert (booking.status, booking.organisation.name) == (
        "confirmed",
        "重庆示例汽车零部件有限公司",
    )

"""Enquiries: sent about a line, a resource or a center; answered in a thread, quoted, accepted
or declined; withdrawn by the sender; response times and the center's median."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.catalogue.models import CapabilityLine
from metrohub.core.api import Conflict
from metrohub.enquiries import services
from metrohub.enquiries.models import Enquiry
from metrohub.eventlog.models import Event

ZONE = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def line(world):
    return CapabilityLine.objects.filter(
        center__code="SH-IC", status=CapabilityLine.Status.PUBLISHED, instrument="半导体参数分析仪"
    ).first()


def send(user, **extra):
    return services.send_enquiry(actor=user, subject="直流电压测量", quantity=3, **extra)


def test_from_a_line_to_quote_and_acceptance(world, user_for, line, clock):
    industry, director = user_for("industry"), world["users"]["sh_simt_director"]
    enquiry = send(
        industry,
        capability_line=line,
        uncertainty="0.01 %",
        needed_by=dt.date(2026, 7, 1),
        files=[(PDF, "../样品说明.pdf")],
    )
    assert (enquiry.center.code, enquiry.status, enquiry.organisation.name) == (
        "SH-IC",
        "sent",
        "上海示例集成电路有限公司",
    )
    assert [a.filename for a in enquiry.attachments.all()] == ["样品说明.pdf"]
    clock.advance(hours=2, minutes=30)
    services.reply(actor=director, enquiry=enquiry, text="请提供量程。")
    services.reply(actor=industry, enquiry=enquiry, text="0–200 V。")
    clock.advance(hours=5)
    services.quote(actor=director, enquiry=enquiry, amount="1800", valid_until="2026-06-30")
    services.accept(actor=director, enquiry=enquiry, text="请送样。")
    enquiry.refresh_from_db()
    assert enquiry.status == "accepted"
    assert enquiry.response_time == dt.timedelta(hours=2, minutes=30)  # the first answer counts
    assert enquiry.closed_at == clock.moment
    kinds = list(enquiry.messages.values_list("kind", "from_center"))
    assert kinds == [
        ("enquiry", False),
        ("reply", True),
        ("reply", False),
        ("quote", True),
        ("accept", True),
    ]
    assert enquiry.messages.get(kind="quote").quote_amount == Decimal("1800.00")
    with pytest.raises(Conflict):
        services.reply(actor=industry, enquiry=enquiry, text="还在吗？")
    actions = list(
        Event.objects.filter(subject=enquiry.subject_key).values_list("action", flat=True)
    )
    assert actions == [
        "enquiry.sent",
        "enquiry.reply",
        "enquiry.reply",
        "enquiry.quoted",
        "enquiry.accepted",
    ]


def test_decline_needs_a_reason_and_only_the_sides_take_part(world, user_for, clock):
    industry, director = user_for("industry"), world["users"]["sh_simt_director"]
    enquiry = send(industry, center=world["centers"]["SH-BIO"])
    with pytest.raises(PermissionDenied):
        services.reply(actor=user_for("applicant"), enquiry=enquiry, text="插话")
    with pytest.raises(PermissionDenied):
        services.quote(actor=industry, enquiry=enquiry, amount="10")
    with pytest.raises(ValidationError) as caught:
        services.decline(actor=director, enquiry=enquiry, reason="")
    assert list(caught.value.message_dict) == ["text"]
    services.decline(actor=director, enquiry=enquiry, reason="不在本中心能力范围内")
    assert Enquiry.objects.get(pk=enquiry.pk).status == "declined"


def test_the_sender_withdraws_and_the_center_cannot(world, user_for, clock):
    industry, director = user_for("industry"), world["users"]["sh_simt_director"]
    enquiry = send(industry, center=world["centers"]["SH-BIO"])
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=director, enquiry=enquiry)
    services.withdraw(actor=industry, enquiry=enquiry, reason="已解决")
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.first_response_at) == ("withdrawn", None)


def test_bad_input_names_the_fields_and_sends_nothing(world, user_for, line, clock):
    before = Enquiry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.send_enquiry(
            actor=user_for("industry"),
            capability_line=line,
            subject="",
            quantity=0,
            uncertainty="x" * 201,
            files=[(b"MZ\x90\x00", "a.exe")],
        )
    assert set(caught.value.message_dict) == {"subject", "quantity", "uncertainty", "attachments"}
    with pytest.raises(ValidationError) as caught:  # line of one center, resource of another
        services.send_enquiry(
            actor=user_for("industry"),
            capability_line=line,
            resource=world["resources"]["冷链温度验证实验室"],
            subject="测量",
        )
    assert list(caught.value.message_dict) == ["center"]
    assert Enquiry.objects.count() == before


def test_median_response_time_of_the_past_year(world, user_for, clock):
    industry, director = user_for("industry"), world["users"]["sh_simt_director"]
    center = world["centers"]["SH-BIO"]
    Enquiry.objects.filter(center=center).delete()
    for hours in (1, 3, 10):
        enquiry = send(industry, center=center)
        clock.advance(hours=hours)
        services.reply(actor=director, enquiry=enquiry, text="收到")
    send(industry, center=center)  # unanswered: not counted
    assert services.median_response(center=center) == dt.timedelta(hours=3)
    assert services.duration_text(dt.timedelta(hours=3)) == "3小时0分钟"
    later = clock.moment + dt.timedelta(days=400)
    assert services.median_response(center=center, on=later) is None

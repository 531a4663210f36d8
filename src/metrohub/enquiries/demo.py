"""Demo: enquiries from industry to the centers in every state, with their threads and response
times (so the centers' pages show a median). Keyed on subjects; running again changes nothing."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from metrohub.catalogue.models import CapabilityLine
from metrohub.enquiries.models import Enquiry, Message

# (center, subject, status, days ago, hours to the first answer, quantity, uncertainty)
ENQUIRIES = [
    ("SH-IC", "晶圆厚度批量测量", "sent", 1, None, 200, "U = 0.5 μm，k = 2"),
    ("SH-IC", "半导体参数分析仪校准", "answered", 6, 3, 2, "0.02 %"),
    ("SH-IC", "台阶高度标准样板校准", "quoted", 12, 5, 3, "U = 1.0 nm"),
    ("SH-IC", "探针台温度均匀性测试", "accepted", 30, 26, 1, ""),
    ("SH-IC", "光刻胶膜厚在线测量方案", "declined", 45, 2, 1, ""),
    ("SH-IC", "洁净室粒子计数器校准", "withdrawn", 20, None, 4, ""),
    ("SH-BIO", "移液器批量校准", "quoted", 9, 8, 60, "0.5 %"),
    ("CQ-AUTO", "扭矩扳手校准", "answered", 4, 4, 15, "1 %"),
]

CLOSING = {
    "accepted": (Message.Kind.ACCEPT, "可以承接，请于下周一送样。"),
    "declined": (Message.Kind.DECLINE, "本中心暂不具备该项在线测量能力，建议联系联盟成员单位。"),
    "withdrawn": (Message.Kind.WITHDRAW, "已在本单位内部解决。"),
}


def build(world: dict) -> None:
    users = world["users"]
    sender = users["industry_user"]
    existing = set(Enquiry.objects.filter(sender=sender).values_list("subject", flat=True))
    now = timezone.now()
    answerer = {
        "SH-IC": users.get("sh_simt_director"),
        "SH-BIO": users.get("sh_simt_director"),
        "CQ-AUTO": users["cq_director"],
    }
    lines = {
        line.center_id: line
        for line in CapabilityLine.objects.filter(
            center__code__in={row[0] for row in ENQUIRIES}, status=CapabilityLine.Status.PUBLISHED
        ).order_by("-pk")
    }
    messages = []
    for code, subject, status, days, hours, quantity, uncertainty in ENQUIRIES:
        if subject in existing:
            continue
        center = world["centers"][code]
        sent = now - dt.timedelta(days=days)
        answered = sent + dt.timedelta(hours=hours) if hours is not None else None
        closed = status in ("accepted", "declined", "withdrawn")
        enquiry = Enquiry.objects.create(
            center=center,
            capability_line=lines.get(center.pk),
            sender=sender,
            organisation=world["organisations"]["sh-ic"],
            subject=subject,
            details="样品随附说明书，需出具校准证书。",
            quantity=quantity,
            uncertainty=uncertainty,
            needed_by=(now + dt.timedelta(days=30)).date(),
            status=status,
            sent_at=sent,
            first_response_at=answered,
            closed_at=(answered or sent + dt.timedelta(hours=30)) if closed else None,
        )
        messages.append(
            Message(
                enquiry=enquiry,
                author=sender,
                kind=Message.Kind.ENQUIRY,
                text=enquiry.details,
                created_at=sent,
            )
        )
        center_user = answerer[code]
        if answered is not None:
            if status == "quoted":
                messages.append(
                    Message(
                        enquiry=enquiry,
                        author=center_user,
                        from_center=True,
                        kind=Message.Kind.QUOTE,
                        text="含证书费，周期 7 个工作日。",
                        quote_amount=(Decimal("600.00") * quantity).quantize(Decimal("0.01")),
                        quote_valid_until=(answered + dt.timedelta(days=30)).date(),
                        created_at=answered,
                    )
                )
            elif status in ("answered", "accepted"):
                messages.append(
                    Message(
                        enquiry=enquiry,
                        author=center_user,
                        from_center=True,
                        kind=Message.Kind.REPLY,
                        text="已收到，请提供被测件的量程和使用环境。",
                        created_at=answered,
                    )
                )
        if closed:
            kind, text = CLOSING[status]
            from_center = status != "withdrawn"
            messages.append(
                Message(
                    enquiry=enquiry,
                    author=center_user if from_center else sender,
                    from_center=from_center,
                    kind=kind,
                    text=text,
                    created_at=enquiry.closed_at,
                )
            )
    Message.objects.bulk_create(messages)

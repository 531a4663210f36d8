"""Demo: shared instruments, a test site and labs of the Shanghai centers (one lab of an alliance
member) and of a Chongqing center, with bookings over the coming weeks in every state, a past
booking with its use recorded, and a calibration blackout.

Written with the ORM in bulk, keyed on stable names, so running the demo again changes nothing.
Confirmed demo bookings never overlap (the database would refuse them).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from metrohub.catalogue.models import CapabilityLine
from metrohub.sharing.models import Blackout, Booking, OpeningHours, Resource
from metrohub.sharing.services import ZONE

WORKDAY = [(d, dt.time(8, 30), dt.time(12, 0)) for d in range(5)] + [
    (d, dt.time(13, 30), dt.time(17, 0)) for d in range(5)
]

# (center, owner key or None, kind, name, model, line instrument, fee, audience, approval, text)
RESOURCES = [
    (
        "SH-IC",
        None,
        "instrument",
        "半导体参数分析仪",
        "B1500A 型（示例）",
        "半导体参数分析仪",
        "300",
        "anyone",
        True,
        "直流电压、电流及电容-电压特性测量，配探针台。",
    ),
    (
        "SH-IC",
        None,
        "test_site",
        "洁净室晶圆测量平台",
        "百级洁净室 120 m²",
        "晶圆厚度",
        "500",
        "members",
        False,
        "晶圆厚度、翘曲度及台阶高度测量，联盟成员单位可直接预约。",
    ),
    (
        "SH-IC",
        "sh-univ",
        "laboratory",
        "纳米几何量联合实验室",
        "",
        "台阶高度",
        None,
        "approved",
        True,
        "由联盟成员单位提供，面向经批准的单位开放。",
    ),
    (
        "SH-BIO",
        None,
        "laboratory",
        "冷链温度验证实验室",
        "",
        "",
        "200",
        "anyone",
        True,
        "冷藏箱、冷链运输箱温度分布验证。",
    ),
    (
        "CQ-AUTO",
        None,
        "test_site",
        "整车转鼓试验台",
        "四驱转鼓（示例）",
        "",
        "800",
        "anyone",
        True,
        "整车排放与能耗试验。",
    ),
]


def _workdays(today: dt.date, count: int, *, back: bool = False) -> list[dt.date]:
    days, day = [], today
    step = dt.timedelta(days=-1 if back else 1)
    while len(days) < count:
        day += step
        if day.weekday() < 5:
            days.append(day)
    return days


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _resources(world) -> dict:
    found = {r.name: r for r in Resource.objects.filter(name__in=[row[3] for row in RESOURCES])}
    lines = list(
        CapabilityLine.objects.filter(
            status=CapabilityLine.Status.PUBLISHED,
            center__code__in={row[0] for row in RESOURCES},
        ).only("pk", "center_id", "instrument", "measurand")
    )
    for code, owner, kind, name, model, line, fee, audience, approval, text in RESOURCES:
        if name in found:
            continue
        center = world["centers"][code]
        resource = Resource.objects.create(
            center=center,
            owner=world["organisations"][owner] if owner else center.host,
            kind=kind,
            name=name,
            model_number=model,
            description=text,
            location=f"{center.host.name}",
            rules_of_use="使用前须经中心培训；样品自备；遵守实验室安全规定。",
            fees="按小时计费，不足一小时按一小时计。" if fee else "按项目协商。",
            hourly_fee=Decimal(fee) if fee else None,
            audience=audience,
            approval_required=approval,
            lead_time_hours=24,
            cancel_hours=24,
            max_hours=8,
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(resource=resource, weekday=w, opens=o, closes=c) for w, o, c in WORKDAY
        )
        linked = [
            item
            for item in lines
            if line and item.center_id == center.pk and line in (item.instrument + item.measurand)
        ]
        resource.capability_lines.set(linked)
        if audience == "approved":
            resource.approved_organisations.set([world["organisations"]["sh-ic"]])
        found[name] = resource
    return found


def build(world: dict) -> None:
    resources = _resources(world)
    world["resources"] = resources
    users = world["users"]
    industry, applicant = users["industry_user"], users.get("sh_applicant", users["industry_user"])
    sh_ic = world["organisations"]["sh-ic"]
    today = timezone.localdate()
    ahead = _workdays(today, 15)
    past = _workdays(today, 3, back=True)
    analyser, cleanroom = resources["半导体参数分析仪"], resources["洁净室晶圆测量平台"]
    cold, dyno = resources["冷链温度验证实验室"], resources["整车转鼓试验台"]
    confirmed, requested = Booking.Status.CONFIRMED, Booking.Status.REQUESTED
    # (resource, who, day, from, to, status, purpose, extra)
    plan = [
        (analyser, industry, past[1], (9, 0), (11, 0), confirmed, "器件直流参数测试", "used"),
        (analyser, industry, ahead[1], (9, 0), (11, 30), confirmed, "MOSFET 阈值电压测试", ""),
        (analyser, applicant, ahead[1], (14, 0), (16, 0), requested, "电容-电压特性测量", ""),
        (analyser, industry, ahead[3], (13, 30), (17, 0), requested, "晶体管漏电流测试", ""),
        (
            analyser,
            applicant,
            ahead[4],
            (9, 0),
            (10, 0),
            Booking.Status.REFUSED,
            "长时间老化试验",
            "",
        ),
        (analyser, industry, ahead[6], (9, 0), (12, 0), confirmed, "批次抽样复测", ""),
        (
            analyser,
            industry,
            ahead[2],
            (9, 0),
            (10, 0),
            Booking.Status.CANCELLED,
            "预约取消示例",
            "",
        ),
        (cleanroom, industry, ahead[0], (8, 30), (12, 0), confirmed, "晶圆厚度抽检", ""),
        (cleanroom, applicant, ahead[5], (13, 30), (16, 30), confirmed, "翘曲度测量", ""),
        (cold, industry, ahead[2], (9, 0), (12, 0), requested, "冷藏箱温度分布验证", ""),
        (dyno, users["cq_applicant"], ahead[4], (9, 0), (12, 0), confirmed, "整车能耗试验", ""),
    ]
    existing = set(
        Booking.objects.filter(resource__in=resources.values()).values_list(
            "resource_id", "purpose"
        )
    )
    moment = timezone.now()
    new = []
    for resource, who, day, start, end, status, purpose, extra in plan:
        if (resource.pk, purpose) in existing:
            continue
        s, e = _at(day, *start), _at(day, *end)
        hours = Decimal((e - s).total_seconds()) / Decimal(3600)
        fee = (
            (resource.hourly_fee * hours).quantize(Decimal("0.01")) if resource.hourly_fee else None
        )
        new.append(
            Booking(
                resource=resource,
                requester=who,
                organisation=sh_ic if who in (industry, applicant) else None,
                starts_at=s,
                ends_at=e,
                purpose=purpose,
                planned_samples=10,
                status=status,
                decided_at=moment if status in (confirmed, Booking.Status.REFUSED) else None,
                fee=fee if status == confirmed else None,
                refusal_reason="超出单次预约时长上限，请分次预约。"
                if status == Booking.Status.REFUSED
                else "",
                cancel_reason="计划调整" if status == Booking.Status.CANCELLED else "",
                cancelled_by=who if status == Booking.Status.CANCELLED else None,
                cancelled_at=moment if status == Booking.Status.CANCELLED else None,
                used_hours=Decimal("1.75") if extra == "used" else None,
                samples=12 if extra == "used" else None,
                outcome="测试完成，出具测量报告。" if extra == "used" else "",
                usage_recorded_at=moment if extra == "used" else None,
            )
        )
    Booking.objects.bulk_create(new)
    if not analyser.blackouts.exists():
        Blackout.objects.create(
            resource=analyser,
            starts_at=_at(ahead[9], 0),
            ends_at=_at(ahead[9], 23, 59),
            reason=Blackout.Reason.CALIBRATION,
            note="年度校准",
        )
